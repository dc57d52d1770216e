"""`python -m bot` is the same as the `barcamp-bot` command."""

from bot.cli import main

main()
