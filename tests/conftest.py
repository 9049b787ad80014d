"""Hermetic tests: temporary data and config dirs, headless audio, no user files touched."""

from __future__ import annotations

import os

# Before anything imports pygame.
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import pytest

from companion.core.clock import FakeClock


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    data = tmp_path / "data"
    config = tmp_path / "config"
    monkeypatch.setenv("COMPANION_DATA_DIR", str(data))
    monkeypatch.setenv("COMPANION_CONFIG_DIR", str(config))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))
    return data, config


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
