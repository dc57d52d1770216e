"""Benchmark: every export format for the full 120-session, two-day camp.

Run from the project root: ``.venv/bin/python bench/exports.py``. Targets: all text
formats together at most 0.5 s, the PNG at most 1 s. The best of a few rounds counts
(the first round also pays for imports, fonts and time-zone data). The last line is
JSON with ``text_seconds`` and ``png_seconds``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schedules.barcamp.agenda_model import Agenda
from schedules.barcamp.exports import EXPORTERS
from schedules.barcamp.exports.base import Translate
from tests.unit.barcamp.agenda_samples import full_camp, translator

ROUNDS = 5
TEXT_TARGET_SECONDS = 0.5
PNG_TARGET_SECONDS = 1.0
TEXT_FORMATS = ("md", "html", "ics", "csv", "xml", "json")


def seconds_for(format_name: str, agenda: Agenda, t: Translate) -> tuple[float, int]:
    started = time.perf_counter()
    output = EXPORTERS[format_name].render(agenda, t)
    return time.perf_counter() - started, len(output)


def measure_rounds(agenda: Agenda, t: Translate) -> list[dict[str, tuple[float, int]]]:
    return [
        {format_name: seconds_for(format_name, agenda, t) for format_name in EXPORTERS}
        for _ in range(ROUNDS)
    ]


def main() -> int:
    agenda = full_camp()
    rounds = measure_rounds(agenda, translator(agenda.language))
    first = rounds[0]
    best = {name: min(r[name][0] for r in rounds) for name in EXPORTERS}
    print(f"{len(agenda.sessions)} sessions, {len(agenda.rooms)} rooms, best of {ROUNDS} rounds")
    for name in EXPORTERS:
        print(
            f"{name:>5}  {best[name] * 1000:7.1f} ms  (first {first[name][0] * 1000:7.1f} ms)"
            f"  {first[name][1]:>9,} bytes"
        )
    text_seconds = sum(best[name] for name in TEXT_FORMATS)
    png_seconds = best["png"]
    cold_text = sum(first[name][0] for name in TEXT_FORMATS)
    print(
        f"text formats together: {text_seconds:.3f} s, first round {cold_text:.3f} s"
        f" (target {TEXT_TARGET_SECONDS} s)"
    )
    print(
        f"png: {png_seconds:.3f} s, first round {first['png'][0]:.3f} s"
        f" (target {PNG_TARGET_SECONDS} s)"
    )
    figures = {"text_seconds": round(text_seconds, 4), "png_seconds": round(png_seconds, 4)}
    print(json.dumps(figures))
    within = text_seconds <= TEXT_TARGET_SECONDS and png_seconds <= PNG_TARGET_SECONDS
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
