"""The suite's own set-up: external programs skip outside CI and fail in it."""

import pytest

from tests.conftest import require_tool


def test_a_missing_program_skips_on_a_developer_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-program not installed"):
        require_tool("no-such-program", "poppler-utils")


def test_a_missing_program_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install poppler-utils"):
        require_tool("no-such-program", "poppler-utils")


def test_a_present_program_is_found():
    assert require_tool("sh", "dash").endswith("/sh")
