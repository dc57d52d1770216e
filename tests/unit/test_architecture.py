"""Import direction: bot -> handlers -> schedules/storage; no platform code below bot/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBRARIES = {"telegram", "nio"}
# What each package may not import (besides the platform libraries).
FORBIDDEN = {
    "handlers": {"bot"},
    "schedules": {"bot", "handlers"},
    "storage": {"bot", "handlers", "schedules"},
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_packages_import_no_platform_and_no_higher_layer(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in files
        if (bad := imported_top_levels(path) & (PLATFORM_LIBRARIES | FORBIDDEN[package]))
    }
    assert offenders == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import telegram.ext\nfrom nio import AsyncClient\nfrom . import x\n")
    assert imported_top_levels(sample) == {"telegram", "nio"}
