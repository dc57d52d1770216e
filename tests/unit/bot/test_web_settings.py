"""The live board's settings: both or neither, with a clear line when one is wrong."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from bot.web import host_and_port


def test_the_pages_are_served_only_with_both_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    monkeypatch.setenv("BARCAMP_WEB_LISTEN", "127.0.0.1:8080")
    assert not load_settings().web_enabled
    monkeypatch.setenv("BARCAMP_WEB_BASE_URL", "https://board.example.org/")
    settings = load_settings()
    assert settings.web_enabled
    assert settings.web_base_url == "https://board.example.org"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BARCAMP_WEB_LISTEN", "8080"),
        ("BARCAMP_WEB_LISTEN", "127.0.0.1:99999"),
        ("BARCAMP_WEB_BASE_URL", "board.example.org"),
    ],
)
def test_a_wrong_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.chdir("/")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_listen_addresses() -> None:
    assert host_and_port("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert host_and_port("[::1]:8443") == ("::1", 8443)
    assert host_and_port(":8080") == ("0.0.0.0", 8080)
