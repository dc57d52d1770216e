"""A real browser for the live board's tests: Debian's Chromium, driven by Playwright.

Like the Synapse harness installs Synapse, the set-up installs Chromium from Debian's
packages when it is missing (`apt-get install chromium chromium-driver`, under a file
lock, so parallel test processes install it once); it skips, saying why, only where no
apt-get exists. Playwright is pointed at that binary and never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from storage.migrate import file_lock

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("chromium", "chromium-driver")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The install is system-wide, so is its lock.
LOCK = Path(tempfile.gettempdir()) / "barcamp-bot-chromium-install.lock"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def ensure_chromium() -> Path:
    """The system's Chromium, installed from Debian's packages if need be."""
    with file_lock(LOCK):
        if CHROMIUM.exists():
            return CHROMIUM
        apt = shutil.which("apt-get")
        if apt is None:
            pytest.skip(f"{CHROMIUM} is missing and there is no apt-get to install {PACKAGES}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [apt, "install", "-y", "--no-install-recommends", *PACKAGES]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode:
            # The package lists may be stale or absent: fetch them once, then try again.
            subprocess.run([apt, "update"], env=env, capture_output=True, check=False)
            done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                pytest.fail(f"apt-get could not install {PACKAGES}: {done.stderr[-2000:]}")
        return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session; tests open pages in it."""
    executable = ensure_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        yield launched
        await launched.close()


async def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    # Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


async def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than its window (0: nothing to scroll sideways)."""
    return int(
        await page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )
