"""CPU time of running processes, from /proc (the numbers getrusage gives at the end)."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int, with_children: bool = False) -> float:
    """User plus system CPU of a live process (and of its waited-for children); with
    `with_children`, its live children's too (nginx's workers). 0 once it is gone."""
    total = _own(pid)
    if with_children:
        total += sum(cpu_seconds(child, with_children=True) for child in _children(pid))
    return total


def _own(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]
