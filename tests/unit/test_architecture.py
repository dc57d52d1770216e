"""The shape of the code: import direction, platform code only in bot/, the domains apart.

- bot -> handlers -> schedules/storage, never the reverse; telegram and nio only in bot/.
- Inside handlers/, storage/ and schedules/ one folder per domain: `core` (what every
  domain uses) imports no domain folder, and the BarCamp's folders do not import the
  council's (nor the council's the BarCamp's).
- No two modules share a name, so a name says what a module holds.
- Adapters read replies through the neutral model, never through the router.
"""

from __future__ import annotations

import ast
from collections import defaultdict
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
LAYERS = ("handlers", "storage", "schedules")
DOMAINS = ("barcamp", "council")
# A domain folder may import the core and itself, never another domain.
MAY_NOT_IMPORT = {
    "core": set(DOMAINS),
    "barcamp": {"council"},
    "council": {"barcamp"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def imported_top_levels(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def domain_of(module: str) -> str | None:
    """`handlers.barcamp.commands.vote` -> "barcamp"; `storage.uow` -> None."""
    parts = module.split(".")
    if len(parts) > 1 and parts[0] in LAYERS and parts[1] in MAY_NOT_IMPORT:
        return parts[1]
    return None


def python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in (ROOT / folder).rglob("*.py")]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_packages_import_no_platform_and_no_higher_layer(package: str) -> None:
    files = python_files(package)
    assert files
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in files
        if (bad := imported_top_levels(path) & (PLATFORM_LIBRARIES | FORBIDDEN[package]))
    }
    assert offenders == {}


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_has_a_core_and_a_barcamp_folder(layer: str) -> None:
    assert (ROOT / layer / "core" / "__init__.py").is_file()
    assert (ROOT / layer / "barcamp" / "__init__.py").is_file()


def test_the_core_imports_no_domain_and_domains_import_each_other_not() -> None:
    offenders = {}
    for path in python_files(*LAYERS):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        own = domain_of(module)
        if own is None:
            continue
        bad = {
            name
            for name in imported_modules(path)
            if (other := domain_of(name)) is not None and other in MAY_NOT_IMPORT[own]
        }
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_adapters_speak_the_neutral_model_not_the_router() -> None:
    """What an adapter reads off a reply is a typed field of `handlers/core/messages.py`;
    the router's workings are no adapter's business."""
    adapters = [
        *python_files("bot/telegram", "bot/matrix"),
        ROOT / "bot" / "console.py",
        ROOT / "bot" / "outbox.py",
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in adapters
        if any(name.startswith("handlers.core.router") for name in imported_modules(path))
    ]
    assert offenders == []


def test_no_two_modules_share_a_name() -> None:
    """Command modules are named after their command, and the Telegram and Matrix
    packages mirror each other on purpose; everything else has a name of its own."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in python_files("bot", *LAYERS):
        relative = path.relative_to(ROOT)
        if path.stem in ("__init__", "__main__") or "migrations" in relative.parts:
            continue
        if relative.parent.name == "commands":
            continue
        if relative.parts[:2] in (("bot", "telegram"), ("bot", "matrix")):
            continue
        by_name[path.stem].append(str(relative))
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import telegram.ext\nfrom nio import AsyncClient\nfrom . import x\n")
    assert imported_top_levels(sample) == {"telegram", "nio"}


def test_the_checker_sees_a_domain_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from handlers.barcamp.commands import vote\nimport storage.uow\n")
    found = imported_modules(sample)
    assert {domain_of(name) for name in found} == {"barcamp", None}
