"""Benchmark: 500 open boards (event streams) on one web process, and a /move reaching them.

Run from the project root: ``.venv/bin/python bench/live_board.py [--streams 500]``. A camp
is planned and published through the router in a fresh SQLite store; ``barcamp-bot web``
serves it in a process of its own (as beside the bot in production); this process opens
the streams, then an organiser's ``/move`` is committed by this process (another process
than the web one, so the change travels through the store) and each stream's next update
is timed. Target: every stream within 2 s. Prints latency max/p95, the web process's
memory per open board and its CPU time; the last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp.test_utils import unused_port

from bot.bootstrap import bootstrap
from bot.settings import Settings
from schedules.core.clock import ManualClock
from tests.support.board_pages import published_camp

TARGET_SECONDS = 2.0
ROOT = Path(__file__).resolve().parents[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def next_update(stream: aiohttp.ClientResponse) -> float:
    """Waits for the end of the next `update` event; when it arrived."""
    seen_data = False
    async for raw in stream.content:
        if raw.startswith(b"data: "):
            seen_data = True
        elif raw == b"\n" and seen_data:
            return time.monotonic()
    raise RuntimeError("a stream ended")


async def wait_until_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the web process did not come up")


async def run(streams: int) -> dict[str, float]:
    folder = tempfile.mkdtemp(prefix="barcamp-bench-board-")
    url = f"sqlite:///{folder}/bench.sqlite3"
    env_settings = {"database_url": url, "plan_seconds": 0.2, "plan_workers": 1}
    app = bootstrap(
        Settings(**env_settings, _env_file=None),  # type: ignore[arg-type]
        clock=ManualClock(datetime(2027, 3, 1, 9, tzinfo=UTC)),
    )
    orga, code = await published_camp(app)
    port = unused_port()
    env = {
        **os.environ,
        "BARCAMP_DATABASE_URL": url,
        "BARCAMP_WEB_LISTEN": f"127.0.0.1:{port}",
        "BARCAMP_LOG_LEVEL": "WARNING",
    }
    web = subprocess.Popen([str(ROOT / ".venv/bin/barcamp-bot"), "web"], env=env, cwd=folder)
    try:
        connector = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            base = f"http://127.0.0.1:{port}/e/{code}/board"
            await wait_until_up(http, base)
            idle = rss_kib(web.pid)
            opened = [await http.get(f"{base}/live") for _ in range(streams)]
            await asyncio.gather(*(next_update(stream) for stream in opened))
            await asyncio.sleep(1.5)  # let the first renders and polls settle
            loaded = rss_kib(web.pid)
            cpu_before = cpu_seconds(web.pid)
            waiting = [asyncio.create_task(next_update(stream)) for stream in opened]
            await asyncio.sleep(0.2)
            await orga.says("/move 1 13:00 Raum 2")
            committed = time.monotonic()
            arrivals = await asyncio.wait_for(asyncio.gather(*waiting), timeout=30)
            cpu_after = cpu_seconds(web.pid)
            for stream in opened:
                stream.close()
    finally:
        web.terminate()
        web.wait(timeout=10)
        app.engine.dispose()
    latencies = sorted(arrival - committed for arrival in arrivals)
    return {
        "streams": streams,
        "latency_max_s": round(latencies[-1], 3),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "latency_median_s": round(statistics.median(latencies), 3),
        "memory_per_board_kib": round((loaded - idle) / streams, 1),
        "web_rss_idle_mib": round(idle / 1024, 1),
        "web_rss_loaded_mib": round(loaded / 1024, 1),
        "web_cpu_for_the_move_s": round(cpu_after - cpu_before, 3),
        "within_target": latencies[-1] <= TARGET_SECONDS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=500)
    result = asyncio.run(run(parser.parse_args().streams))
    print(f"{result['streams']} open boards on one web process; a /move reached them all:")
    print(
        f"  latency max {result['latency_max_s']} s, p95 {result['latency_p95_s']} s, "
        f"median {result['latency_median_s']} s (target {TARGET_SECONDS} s)"
    )
    print(
        f"  memory per open board {result['memory_per_board_kib']} KiB "
        f"(web process {result['web_rss_idle_mib']} MiB idle, "
        f"{result['web_rss_loaded_mib']} MiB with the boards open)"
    )
    print(f"  web process CPU for the move: {result['web_cpu_for_the_move_s']} s")
    print(json.dumps(result))
    return 0 if result["within_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
