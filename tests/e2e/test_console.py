"""The real console adapter: `barcamp-bot run` driven through stdin and stdout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handlers.core.i18n import catalogues

pytestmark = pytest.mark.e2e


def console_environment(tmp_path: Path, language: str = "de") -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("BARCAMP_")
    }
    return environment | {
        "BARCAMP_DATABASE_URL": f"sqlite:///{tmp_path / 'console.sqlite3'}",
        "BARCAMP_DEFAULT_LANGUAGE": language,
        "BARCAMP_DATA_DIR": str(tmp_path / "data"),
    }


def run_console(tmp_path: Path, script: list[str], language: str = "de") -> str:
    environment = console_environment(tmp_path, language)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="\n".join(script) + "\n",
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def t(language: str, key: str, **values: object) -> str:
    return catalogues().text(language, key, **values)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_whole_camp_in_the_console(tmp_path: Path, language: str) -> None:
    consent_button = "#1"  # the first consent button is in the console's language
    setup = [
        "/start",
        consent_button,
        "/newcamp",
        "Jugend-BarCamp Musterstadt",
        "2030-06-13",
        "Jugendhaus",
        "Aula:60, Raum 1:20",
        "10:00-10:45, 11:00-11:45",
    ]
    output = run_console(tmp_path, setup, language)
    code = re.search(r"/join ([A-Z2-9]{6})", output)
    assert code, output
    people = []
    for name in ("Ana", "Ben", "Cem"):
        people += [f"/as {name}", "/start", consent_button, f"/join {code.group(1)}"]
    script = [
        *people,
        "/as Ana",
        "/propose Skatepark am See | Wo könnte er hin?",
        "/as Organiser",
        "/propose WLAN im Park",
        "/propose Mehr Busse",
        "/queue",
        "#1",
        "/as Ben",
        "/sessions",
        "#1",
        "/vote 2 3",
        "/vote 2",
        "/mine",
        "/forgetme",
        "#1",
    ]
    output = run_console(tmp_path, script, language)
    assert t(language, "console.as", name="Ana") in output
    assert t(language, "join.done", name="Jugend-BarCamp Musterstadt") in output
    assert t(language, "approve.done", number=1, title="Skatepark am See") in output
    # Ana hears about the approval in her own chat, addressed to her.
    assert "📨 → ana: " + t(language, "approve.notice", title="Skatepark am See") in output
    assert "[#1] ☐ 1 · Skatepark am See" in output
    assert t(language, "vote.added", number=1, title="Skatepark am See") in output
    assert t(language, "vote.budget", used=3, budget=5) in output
    assert t(language, "vote.removed", number=2, title="WLAN im Park") in output
    assert t(language, "mine.vote", number=3, title="Mehr Busse") in output
    assert t(language, "forgetme.done") in output


def test_a_dialog_survives_a_restart_of_the_console(tmp_path: Path) -> None:
    run_console(tmp_path, ["/start", "#1", "/newcamp", "Camp nach dem Neustart"])
    output = run_console(tmp_path, ["2030-06-13"])
    assert t("de", "newcamp.ask_place") in output


def test_switching_language_in_the_console(tmp_path: Path) -> None:
    output = run_console(tmp_path, ["/start", "#2", "/help", "/language de", "/help"])
    assert t("en", "help.header") in output
    assert t("de", "language.set") in output
    assert output.rindex(t("de", "help.header")) > output.index(t("en", "help.header"))


def test_unknown_buttons_and_commands_get_hints(tmp_path: Path) -> None:
    output = run_console(tmp_path, ["#7", "/fly", "Hallo"])
    assert t("de", "console.no_button", number="7") in output
    assert t("de", "error.unknown_command", command="fly") in output
    assert t("de", "error.not_a_command", prefix="/") in output


def test_the_chat_is_not_interleaved_with_log_lines(tmp_path: Path) -> None:
    environment = console_environment(tmp_path) | {"BARCAMP_SCHEDULE_SYNC_SECONDS": "0.2"}
    console = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=environment,
        text=True,
    )
    log_file = tmp_path / "data" / "barcamp-bot.log"
    try:
        assert console.stdin is not None
        console.stdin.write("/start\n")
        console.stdin.flush()
        deadline = time.monotonic() + 60
        # Several scheduler cycles, each logged at INFO ("Running job ...").
        while log_file_text(log_file).count("Running job") < 3:
            assert console.poll() is None, "the console stopped early"
            assert time.monotonic() < deadline, log_file_text(log_file)
            time.sleep(0.1)
        stdout, stderr = console.communicate("/help\n", timeout=60)
    finally:
        console.kill()
        console.wait()
    assert console.returncode == 0, stderr
    terminal = stdout + stderr
    assert " INFO " not in terminal
    assert "Running job" not in terminal
    assert t("de", "help.header") in stdout  # the chat went on meanwhile
    assert " INFO " in log_file_text(log_file)


def log_file_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""
