"""config.yaml checked once: the same text and code give the same settings without reading it again."""

from __future__ import annotations

import stat
import subprocess
import sys

from companion.core import config_cache
from companion.core.config import load_config


def write(private_dirs, text: str):
    folder = private_dirs[1]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(text)
    return folder / "config.yaml"


def counting_check():
    calls = []

    def check(config):
        calls.append(config)
        return config

    return check, calls


def test_the_second_load_comes_from_the_cache_and_equals_the_first(private_dirs, tmp_path):
    write(private_dirs, "volume: 0.3\nkeymap:\n  session.next: j\nvolum: 2\n")
    check, calls = counting_check()
    first = config_cache.load(check)
    second = config_cache.load(check)
    assert len(calls) == 1
    assert second == first
    assert second.settings.volume == 0.3 and second.settings.keymap == {"session.next": "j"}
    assert [str(p) for p in second.problems] == [str(p) for p in load_config().problems]
    entry = tmp_path / "cache" / "config.json"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_other_text_is_read_and_checked_again(private_dirs):
    path = write(private_dirs, "volume: 0.3\n")
    check, calls = counting_check()
    config_cache.load(check)
    path.write_text("volume: 0.4\n")
    assert config_cache.load(check).settings.volume == 0.4
    assert len(calls) == 2


def test_a_damaged_entry_is_ignored(private_dirs, tmp_path):
    write(private_dirs, "start_dimmed: true\n")
    check, calls = counting_check()
    config_cache.load(check)
    (tmp_path / "cache" / "config.json").write_text("{not json")
    assert config_cache.load(check).settings.start_dimmed is True
    assert len(calls) == 2


def test_no_file_is_the_defaults_and_writes_nothing(private_dirs, tmp_path):
    config = config_cache.load(lambda c: c)
    assert config.settings == load_config().settings
    assert not (tmp_path / "cache" / "config.json").exists()


def test_from_the_cache_the_yaml_reader_is_not_loaded(private_dirs, tmp_path):
    write(private_dirs, "volume: 0.3\n")
    config_cache.load(lambda c: c)
    probe = (
        "import sys; from companion.core import config_cache; c = config_cache.load();"
        "print(c.settings.volume, 'yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0.3", "False"]
