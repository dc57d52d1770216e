"""The live board as processes: `barcamp-bot demo --serve PORT` keeps the demo's camp day
served until Ctrl+C, and `barcamp-bot web` without an address says what is missing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from aiohttp.test_utils import unused_port

from tests.integration.bot.test_cli import cli


def test_the_demo_serves_its_board_until_ctrl_c(tmp_path: Path) -> None:
    port = unused_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("BARCAMP_")
    }
    demo = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--out", "out", "--serve", str(port)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stdout is not None
        served = re.compile(rf"http://127\.0\.0\.1:{port}/e/[A-Z2-9]{{6}}/board")
        lines: list[str] = []
        board = None
        deadline = time.monotonic() + 120
        while board is None and time.monotonic() < deadline and demo.poll() is None:
            lines.append(demo.stdout.readline())
            board = served.search(lines[-1])
        assert board, lines
        page = ""
        for _ in range(100):  # the server starts right after the line
            try:
                with urllib.request.urlopen(board.group(0), timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "Jugend-BarCamp Demostadt" in page
        assert "10:2" in page  # the served camp day starts at 10:20
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


def test_web_without_an_address_names_the_setting(tmp_path: Path) -> None:
    result = cli(tmp_path, "web")
    assert result.returncode == 2
    assert "BARCAMP_WEB_LISTEN" in result.stderr
