"""A real Synapse homeserver for the end-to-end tests, on 127.0.0.1 only.

The first use installs the pinned ``matrix-synapse`` (see ``synapse-requirements.txt``)
into a virtual environment of its own under the repository's ``.cache/synapse/``, keyed by
the hash of that requirements file, and reuses it afterwards. A file lock makes two pytest
processes that race for the install wait for each other.

Test modules import the fixtures they use::

    from tests.support.synapse import synapse, synapse_clients, synapse_user  # noqa: F401

- ``synapse`` (session): a running :class:`SynapseServer` with raised rate limits.
- ``synapse_default_rate_limits`` (module): one more server with Synapse's own limits.
- ``synapse_user`` (function): a fresh, uniquely named :class:`RegisteredUser`.
- ``synapse_clients`` (function): a :class:`SynapseClients` that makes logged-in
  ``nio.AsyncClient`` objects for fresh users and closes them at teardown.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import nio  # type: ignore[import-untyped, unused-ignore]
import pytest

from storage.migrate import file_lock  # one flock helper for the store and the harness

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS_FILE = Path(__file__).with_name("synapse-requirements.txt")
CACHE_DIR = REPO_ROOT / ".cache" / "synapse"
READY_MARKER = "synapse-ready.json"
SERVER_NAME = "localhost"
HOST = "127.0.0.1"

INSTALL_TIMEOUT_S = 900.0
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
HTTP_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 80

# High enough that load tests of a few hundred messages, logins and joins never see a 429.
UNLIMITED = {"per_second": 100_000, "burst_count": 1_000_000}
RATE_LIMIT_KEYS = (
    "rc_message",
    "rc_registration",
    "rc_registration_token_validity",
    "rc_joins_per_room",
    "rc_room_creation",
    "rc_key_requests",
    "rc_3pid_validation",
    "rc_third_party_invite",
    "rc_media_create",
    "rc_profile",
    "rc_user_directory",
    "rc_admin_redaction",
    "rc_reports",
    "rc_delayed_event_mgmt",
)
NESTED_RATE_LIMIT_KEYS = {
    "rc_login": ("address", "account", "failed_attempts"),
    "rc_joins": ("local", "remote"),
    "rc_invites": ("per_room", "per_user", "per_issuer"),
    "rc_presence": ("per_user",),
}

_user_counter = itertools.count(1)

T = TypeVar("T")


class SynapseError(RuntimeError):
    """Installing, starting or talking to the test homeserver failed."""


# --------------------------------------------------------------------------- install


def requirements_key(requirements: Path = REQUIREMENTS_FILE) -> str:
    """A short hash of the requirements file: a new pin gives a new virtual environment."""
    return hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]


def synapse_venv_dir() -> Path:
    """E.g. ``.cache/synapse/venv-py311-<hash>``: a new Python also gets a new venv."""
    python = f"py{sys.version_info.major}{sys.version_info.minor}"
    return CACHE_DIR / f"venv-{python}-{requirements_key()}"


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


@functools.cache
def ensure_synapse_installed() -> Path:
    """Return the Python of a working Synapse venv, installing it first if needed.

    Checked once per test process; the lock makes a racing process wait for the install.
    """
    venv = synapse_venv_dir()
    with file_lock(CACHE_DIR / f"{venv.name}.lock"):
        if not venv_works(venv):
            install_synapse(venv)
    return venv_python(venv)


def venv_works(venv: Path) -> bool:
    if not (venv / READY_MARKER).is_file():
        return False
    check = subprocess.run(
        [str(venv_python(venv)), "-c", "import synapse, signedjson.key"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return check.returncode == 0


def install_synapse(venv: Path) -> float:
    """Build the venv from scratch; return the seconds it took (also kept in the marker)."""
    shutil.rmtree(venv, ignore_errors=True)
    log = CACHE_DIR / f"{venv.name}.install.log"
    log.write_text("")
    started = time.monotonic()
    run_logged([sys.executable, "-m", "venv", str(venv)], log)
    pip = [str(venv_python(venv)), "-m", "pip", "install", "--no-input"]
    run_logged([*pip, "--disable-pip-version-check", "-r", str(REQUIREMENTS_FILE)], log)
    seconds = time.monotonic() - started
    marker = {"install_seconds": round(seconds, 1), "requirements": REQUIREMENTS_FILE.read_text()}
    (venv / READY_MARKER).write_text(json.dumps(marker, indent=2))
    return seconds


def run_logged(command: list[str], log: Path) -> None:
    """Run a command with no standard input, appending its output to ``log``."""
    with log.open("a") as output:
        output.write(f"$ {' '.join(command)}\n")
        output.flush()
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=INSTALL_TIMEOUT_S,
            env={**os.environ, "PIP_NO_INPUT": "1"},
            check=False,
        )
    if result.returncode != 0:
        raise SynapseError(f"{command[:4]} failed ({result.returncode}):\n{tail(log)}")


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not path.exists():
        return f"({path.name} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- config


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def relaxed_rate_limits() -> dict[str, object]:
    limits: dict[str, object] = {key: dict(UNLIMITED) for key in RATE_LIMIT_KEYS}
    for key, parts in NESTED_RATE_LIMIT_KEYS.items():
        limits[key] = {part: dict(UNLIMITED) for part in parts}
    return limits


def homeserver_config(
    data_dir: Path, port: int, shared_secret: str, *, relaxed_limits: bool
) -> dict[str, object]:
    """A homeserver.yaml as a dict (written as JSON, which YAML reads as it is)."""
    config: dict[str, object] = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://{HOST}:{port}/",
        "pid_file": str(data_dir / "homeserver.pid"),
        "listeners": [client_listener(port)],
        "database": {"name": "sqlite3", "args": {"database": str(data_dir / "homeserver.db")}},
        "media_store_path": str(data_dir / "media_store"),
        "signing_key_path": str(data_dir / f"{SERVER_NAME}.signing.key"),
        "registration_shared_secret": shared_secret,
        "macaroon_secret_key": secrets.token_hex(32),
        "form_secret": secrets.token_hex(32),
        "enable_registration": False,
        "report_stats": False,
        "federation_domain_whitelist": [],
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "enable_metrics": False,
        "bcrypt_rounds": 4,  # registering hundreds of users stays fast
    }
    if relaxed_limits:
        config.update(relaxed_rate_limits())
    return config


def client_listener(port: int) -> dict[str, object]:
    return {
        "port": port,
        "bind_addresses": [HOST],
        "type": "http",
        "tls": False,
        "x_forwarded": False,
        "resources": [{"names": ["client"], "compress": False}],
    }


# What `homeserver --generate-keys` does, without its 2.5 s of importing all of Synapse.
GENERATE_SIGNING_KEY = """
import sys
from signedjson.key import generate_signing_key, write_signing_keys
with open(sys.argv[1], "w") as key_file:
    write_signing_keys(key_file, [generate_signing_key(sys.argv[2])])
"""


def write_config(python: Path, data_dir: Path, config: dict[str, object]) -> Path:
    """Write the config, and a new ed25519 signing key where it points to."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config_path = data_dir / "homeserver.yaml"
    config_path.write_text(json.dumps(config, indent=2))
    key_path = str(config["signing_key_path"])
    key_id = f"a_{secrets.token_hex(2)}"
    command = [str(python), "-c", GENERATE_SIGNING_KEY, key_path, key_id]
    run_logged(command, data_dir / "generate-keys.log")
    return config_path


# --------------------------------------------------------------------------- HTTP


def http_json(
    method: str, url: str, body: dict[str, object] | None = None, token: str | None = None
) -> dict[str, object]:
    """One JSON request straight to the server, bypassing any proxy settings."""
    request = urllib.request.Request(url, method=method, data=encode_body(body))
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT_S) as response:
            return decode_object(response.read())
    except urllib.error.HTTPError as error:
        raise SynapseHTTPError(error.code, error.read().decode(errors="replace")) from None


def encode_body(body: dict[str, object] | None) -> bytes | None:
    return None if body is None else json.dumps(body).encode()


def decode_object(raw: bytes) -> dict[str, object]:
    value = json.loads(raw or b"{}")
    if not isinstance(value, dict):
        raise SynapseError(f"expected a JSON object, got {raw[:200]!r}")
    return value


def text_field(reply: dict[str, object], key: str) -> str:
    value = reply.get(key)
    if not isinstance(value, str):
        raise SynapseError(f"reply has no string {key!r}: {reply}")
    return value


class SynapseHTTPError(SynapseError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def registration_mac(secret: str, nonce: str, user: str, password: str, admin: bool) -> str:
    """HMAC-SHA1 over nonce NUL user NUL password NUL admin|notadmin, as Synapse checks it."""
    role = "admin" if admin else "notadmin"
    message = "\x00".join((nonce, user, password, role)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha1).hexdigest()


def unique_localpart(prefix: str = "user") -> str:
    return f"{prefix.lower()}-{os.getpid()}-{next(_user_counter)}-{secrets.token_hex(3)}"


# --------------------------------------------------------------------------- server


@dataclass(frozen=True)
class RegisteredUser:
    localpart: str
    user_id: str
    password: str
    access_token: str
    device_id: str


@dataclass(frozen=True)
class LoggedInUser:
    user: RegisteredUser
    client: nio.AsyncClient


@dataclass
class SynapseServer:
    """One Synapse process; stop() and start() again keep its database and keys."""

    python: Path
    data_dir: Path
    port: int
    shared_secret: str
    server_name: str = SERVER_NAME
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.data_dir / "homeserver.yaml"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "homeserver.log"

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = START_TIMEOUT_S) -> float:
        """Start the process and wait for /health; return the seconds until it answered."""
        if self.is_running():
            raise SynapseError("Synapse is already running")
        started = time.monotonic()
        self.process = self._spawn()
        try:
            self._wait_until_healthy(started + timeout)
        except SynapseError:
            self.stop()
            raise
        return time.monotonic() - started

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM, then SIGKILL if it has not exited after ``timeout`` seconds."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def restart(self) -> float:
        self.stop()
        return self.start()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return tail(self.log_path, lines)

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self.config_path)]
        with self.log_path.open("ab") as log:
            log.write(f"\n==== starting at {time.strftime('%H:%M:%S')}\n".encode())
            log.flush()
            return subprocess.Popen(
                command,
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _wait_until_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SynapseError(f"Synapse exited while starting:\n{self.log_tail()}")
            if self._health_ok():
                return
            time.sleep(0.05)
        raise SynapseError(f"Synapse did not answer /health in time:\n{self.log_tail()}")

    def _health_ok(self) -> bool:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"{self.base_url}/health", timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    # ----------------------------------------------------------------- users and clients

    def api(
        self, method: str, path: str, body: dict[str, object] | None = None, token: str = ""
    ) -> dict[str, object]:
        """A raw JSON call, e.g. ``api("GET", "/_matrix/client/v3/account/whoami", token=t)``."""
        return http_json(method, self.base_url + path, body, token or None)

    def register_user(
        self, localpart: str | None = None, password: str | None = None, *, admin: bool = False
    ) -> RegisteredUser:
        """Register through the shared-secret admin API (no rate limit, no captcha)."""
        localpart = localpart or unique_localpart()
        password = password or secrets.token_urlsafe(16)
        path = "/_synapse/admin/v1/register"
        nonce = text_field(self.api("GET", path), "nonce")
        mac = registration_mac(self.shared_secret, nonce, localpart, password, admin)
        body: dict[str, object] = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac,
        }
        reply = self.api("POST", path, body)
        return RegisteredUser(
            localpart=localpart,
            user_id=text_field(reply, "user_id"),
            password=password,
            access_token=text_field(reply, "access_token"),
            device_id=text_field(reply, "device_id"),
        )

    def client_for(
        self,
        user: RegisteredUser,
        store_path: Path | None = None,
        config: nio.AsyncClientConfig | None = None,
    ) -> nio.AsyncClient:
        """A nio client already logged in with the user's token and device.

        With ``store_path`` (an existing folder) the client keeps an encryption store there
        and can use end-to-end encryption; without it, encryption is off.
        """
        config = config or nio.AsyncClientConfig(
            encryption_enabled=store_path is not None, store_sync_tokens=True
        )
        client = nio.AsyncClient(
            self.base_url,
            user.user_id,
            device_id=user.device_id,
            store_path=str(store_path) if store_path else "",
            config=config,
        )
        client.restore_login(user.user_id, user.device_id, user.access_token)
        return client

    def new_client(self, prefix: str = "user", store_path: Path | None = None) -> LoggedInUser:
        user = self.register_user(unique_localpart(prefix))
        return LoggedInUser(user, self.client_for(user, store_path))


def create_synapse_server(data_dir: Path, *, relaxed_limits: bool = True) -> SynapseServer:
    """Install Synapse if needed, write a fresh config into ``data_dir``; do not start."""
    python = ensure_synapse_installed()
    port = free_port()
    secret = secrets.token_hex(32)
    config = homeserver_config(data_dir, port, secret, relaxed_limits=relaxed_limits)
    write_config(python, data_dir, config)
    return SynapseServer(python=python, data_dir=data_dir, port=port, shared_secret=secret)


@contextlib.contextmanager
def running_synapse(data_dir: Path, *, relaxed_limits: bool = True) -> Iterator[SynapseServer]:
    server = create_synapse_server(data_dir, relaxed_limits=relaxed_limits)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class SynapseClients:
    """Makes logged-in nio clients for fresh users; ``close()`` closes every one of them."""

    def __init__(self, server: SynapseServer, store_root: Path) -> None:
        self.server = server
        self.store_root = store_root
        self.made: list[LoggedInUser] = []

    def new(self, prefix: str = "user", *, encrypted: bool = False) -> LoggedInUser:
        store_path = self._new_store_path(prefix) if encrypted else None
        logged_in = self.server.new_client(prefix, store_path)
        self.made.append(logged_in)
        return logged_in

    async def close(self) -> None:
        for logged_in in self.made:
            await logged_in.client.close()

    def _new_store_path(self, prefix: str) -> Path:
        path = self.store_root / f"{prefix}-{len(self.made)}-store"
        path.mkdir(parents=True)
        return path


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    """One homeserver for the whole test session, with rate limits raised."""
    with running_synapse(tmp_path_factory.mktemp("synapse")) as server:
        yield server


@pytest.fixture(scope="module")
def synapse_default_rate_limits(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SynapseServer]:
    """A separate homeserver with Synapse's default rate limits (to provoke 429s)."""
    with running_synapse(tmp_path_factory.mktemp("synapse-rl"), relaxed_limits=False) as server:
        yield server


@pytest.fixture
def synapse_user(synapse: SynapseServer) -> RegisteredUser:
    return synapse.register_user()


@pytest.fixture
async def synapse_clients(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[SynapseClients]:
    clients = SynapseClients(synapse, tmp_path / "nio-stores")
    try:
        yield clients
    finally:
        await clients.close()


# --------------------------------------------------------------------------- nio helpers


async def sync_once(client: nio.AsyncClient, timeout_ms: int = 300) -> nio.SyncResponse:
    """One /sync, then the key upkeep that ``sync_forever`` would do for an E2E client."""
    response = await client.sync(timeout=timeout_ms)
    if not isinstance(response, nio.SyncResponse):
        raise SynapseError(f"sync failed for {client.user_id}: {response}")
    if getattr(client, "olm", None) is not None:
        await maintain_keys(client)
    return response


async def maintain_keys(client: nio.AsyncClient) -> None:
    await client.send_to_device_messages()
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())


async def sync_until(
    client: nio.AsyncClient,
    found: Callable[[nio.SyncResponse], T | None],
    timeout: float = 15.0,
) -> T:
    """Sync until ``found`` returns something other than None for one sync response."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found(await sync_once(client))
        if value is not None:
            return value
    raise TimeoutError(f"{client.user_id}: nothing found in {timeout} s of syncing")


def timeline_events(response: nio.SyncResponse, room_id: str) -> list[object]:
    room = response.rooms.join.get(room_id)
    return [] if room is None else list(room.timeline.events)
