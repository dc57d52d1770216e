"""nginx from Debian's packages as the reverse proxy in front of several bot processes.

The first use installs ``nginx-light`` (or ``nginx``) with apt-get when the machine has
no nginx; processes that race for the install wait for each other. A proxy runs as its
own master process, on 127.0.0.1, with a configuration written for the test:

    with reverse_proxy(tmp_path, [port1, port2, port3]) as proxy:
        url = proxy.url("/telegram/hook")
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.migrate import file_lock
from tests.support.cpu import cpu_seconds

CACHE = Path(__file__).resolve().parents[2] / ".cache"  # like the Synapse venv
PACKAGES = ("nginx-light", "nginx")
PATH = "/telegram/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )


def ensure_nginx() -> str:
    """The nginx binary, installed from Debian's packages first if there is none."""
    with file_lock(CACHE / "nginx-install.lock"):
        found = nginx_binary()
        if found:
            return found
        environment = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        for attempt in ("install", "update"):
            if attempt == "update":
                subprocess.run(["apt-get", "update"], env=environment, capture_output=True)
            for package in PACKAGES:
                subprocess.run(
                    ["apt-get", "install", "-y", "--no-install-recommends", package],
                    env=environment,
                    capture_output=True,
                )
                found = nginx_binary()
                if found:
                    return found
    pytest.skip("nginx is not installed and apt-get could not install it")


CONFIG = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream bot {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location {path} {{
            proxy_pass http://bot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # A process that died: the next one gets the update. Safe for a POST here,
            # since the inbox recognises an update kept twice by its id.
            proxy_next_upstream error timeout http_502 non_idempotent;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 1s;
            proxy_read_timeout 10s;
        }}
    }}
}}
"""


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=30s;"
        for upstream in upstreams
    )
    return CONFIG.format(folder=folder, servers=servers, port=port, path=PATH)


@dataclass
class Proxy:
    port: int
    process: subprocess.Popen[bytes]
    folder: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def cpu_seconds(self) -> float:
        """User and system CPU of the master and its workers, from /proc."""
        return cpu_seconds(self.process.pid, with_children=True)


@contextlib.contextmanager
def reverse_proxy(folder: Path, upstreams: list[int], port: int | None = None) -> Iterator[Proxy]:
    """nginx on 127.0.0.1 in front of the bot processes listening on `upstreams`."""
    binary = ensure_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = folder / "nginx.conf"
    config.write_text(nginx_config(folder, port, upstreams))
    process = subprocess.Popen(
        [binary, "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "stderr.log").open("ab"),
    )
    try:
        _wait_listening(port, process, folder)
        yield Proxy(port, process, folder)
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish what is being proxied
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _wait_listening(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {(folder / 'stderr.log').read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError("nginx did not start listening within 10 s")
