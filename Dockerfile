# The bot with the embedded default store; mount /data to keep it.
FROM python:3.11-slim
WORKDIR /app
COPY . .
# Installed the same way as the README's first command.
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -e .
ENV BARCAMP_DATA_DIR=/data \
    BARCAMP_DATABASE_URL=sqlite:////data/barcamp.sqlite3
VOLUME /data
CMD [".venv/bin/barcamp-bot", "run"]
