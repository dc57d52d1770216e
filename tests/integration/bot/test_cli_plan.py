"""`barcamp-bot plan --input FILE [--time-limit S]`: the planner from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

INSTANCE = {
    "rooms": [
        {"id": "A", "name": "Aula", "capacity": 60},
        {"id": "B", "name": "Raum 1", "capacity": 2},
    ],
    "slots": [
        {"id": 1, "start": "2027-06-13T10:00:00+02:00", "end": "2027-06-13T10:45:00+02:00"},
        {"id": 2, "start": "2027-06-13T11:00:00+02:00", "end": "2027-06-13T11:45:00+02:00"},
    ],
    "sessions": [
        {"id": 7, "title": "Skatepark", "hosts": ["ana"], "voters": ["p1", "p2", "p3"]},
        {"id": 8, "title": "Busse", "hosts": ["ben"], "voters": ["p1", "p2"]},
    ],
}


def test_plan_prints_the_grid_as_json(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(INSTANCE), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", "--input", str(path), "--time-limit", "0.2"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    # The two sessions share voters, so they run one after the other.
    slots = {item["session"]: item["slot"] for item in plan["assignments"]}
    assert sorted(slots) == [7, 8]
    assert slots[7] != slots[8]
    assert (plan["missed"], plan["overflow"], plan["bound"], plan["optimal"]) == (0, 0, 0, True)


def test_a_bad_file_is_one_line_naming_the_place(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    broken = {**INSTANCE, "rooms": [{"id": "A", "capacity": 60}]}
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", "--input", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f'{path}: rooms[0]: missing key "name"\n'
    missing = CliRunner().invoke(app, ["plan", "--input", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1
    assert missing.stderr.startswith(f"{tmp_path / 'nope.json'}: cannot read the file")
    assert missing.stderr.count("\n") == 1
