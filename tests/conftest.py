"""Shared fixtures and helpers for the test suite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cybertnoc.ethics import Pseudonymiser
from cybertnoc.store import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TEST_KEY = b"test-key-0123456789abcdef"


def shared_data(relative: str) -> Path:
    """A path under ../shared/data; skip outside CI when missing, fail loudly in CI."""
    path = SHARED_DATA / relative
    if not path.exists():
        message = f"real dataset missing: {path} (expected ../shared/data beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def chromium() -> str:
    """Debian's headless Chromium; skip outside CI when missing, fail loudly in CI.

    `make test` installs it (package `chromium`) where it can.
    """
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        message = "headless Chromium is missing: install Debian's `chromium` package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def pseudonymiser():
    return Pseudonymiser(TEST_KEY)
