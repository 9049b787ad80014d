"""The cache of checked scripts: used only for exactly the same text and code, never trusted beyond."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from companion import paths
from companion.core.scripts import cache as script_cache
from companion.core.scripts.library import load_library, load_session_alone
from companion.core.scripts.loading import load_session

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """\
id: cached-demo
title: Cached demo
route: IM
phases:
  - id: arrival
    title: Arrival
    duration: 10m
    music: none
    checklist: [Consent confirmed]
  - id: dosing
    title: Dosing
    duration: 5m
    dose: true
    volume: 0.3
    reminders:
      - after_dose: 2m
        text: Check in gently.
"""


def write_script(folder: Path, text: str = SCRIPT) -> Path:
    path = folder / "sessions" / "cached-demo.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def entries() -> list[Path]:
    return sorted((paths.cache_dir() / "scripts").glob("*.json"))


@pytest.mark.parametrize("ident", sorted(load_library().sessions))
def test_every_bundled_script_comes_back_from_the_cache_equal(ident):
    first = load_session_alone(ident)
    assert entries()  # the script, and any read before it in the library's order
    assert first == load_library().session(ident)
    again = load_session_alone(ident)
    assert again == first
    assert again.text_hash == first.text_hash and again.source == first.source


def test_a_cached_script_is_read_without_the_yaml_reader(tmp_path):
    folder = tmp_path / "scripts"
    write_script(folder)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from companion.core.scripts.library import load_session_alone\n"
        f"script = load_session_alone('cached-demo', [Path({str(folder)!r})])\n"
        "print(script.id, 'yaml' in sys.modules)\n"
    )

    def run():
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.split()

    assert run() == ["cached-demo", "True"]  # read and checked, then kept
    assert run() == ["cached-demo", "False"]  # from the cache


def test_changed_text_is_read_again_even_with_the_same_size_and_mtime(tmp_path):
    folder = tmp_path / "scripts"
    path = write_script(folder)
    assert load_session_alone("cached-demo", [folder]).phases[0].duration == 600
    info = path.stat()
    path.write_text(SCRIPT.replace("duration: 10m", "duration: 20m"))  # same length
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    script = load_session_alone("cached-demo", [folder])
    assert script.phases[0].duration == 1200
    assert script == load_session(path)


def test_a_changed_reader_module_means_the_cache_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "scripts"
    write_script(folder)
    load_session_alone("cached-demo", [folder])
    entry = json.loads(entries()[0].read_text())
    entry["script"]["title"] = "From an older reader"
    entries()[0].write_text(json.dumps(entry))
    assert load_session_alone("cached-demo", [folder]).title == "From an older reader"  # the same code: trusted
    monkeypatch.setattr(script_cache, "_readers", lambda: ["another version"])
    assert load_session_alone("cached-demo", [folder]).title == "Cached demo"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"format": 1}',
        b"\xff\xfe",
        b'{"format": 1, "readers": null}',
    ],
)
def test_a_damaged_entry_is_read_past_and_replaced(tmp_path, damage):
    folder = tmp_path / "scripts"
    path = write_script(folder)
    load_session_alone("cached-demo", [folder])
    entries()[0].write_bytes(damage)
    assert load_session_alone("cached-demo", [folder]) == load_session(path)
    assert script_cache.cached(path, path.read_bytes()) == load_session(path)  # written anew


def test_an_entry_with_the_right_text_but_a_broken_model_is_not_used(tmp_path):
    folder = tmp_path / "scripts"
    path = write_script(folder)
    load_session_alone("cached-demo", [folder])
    entry = json.loads(entries()[0].read_text())
    del entry["script"]["phases"][0]["reminders"]
    entries()[0].write_text(json.dumps(entry))
    assert script_cache.cached(path, path.read_bytes()) is None
    assert load_session_alone("cached-demo", [folder]) == load_session(path)


def test_a_script_with_problems_is_never_cached_and_its_problems_still_reported(tmp_path):
    folder = tmp_path / "scripts"
    path = write_script(folder, SCRIPT.replace("duration: 5m", "duration: five minutes"))
    assert load_session_alone("cached-demo", [folder]) is None  # the caller reads the whole library
    assert entries() == []
    problems = [str(problem) for problem in load_library([folder]).problems]
    assert any(str(path) in problem and "duration" in problem for problem in problems)


def test_the_cache_is_private(tmp_path):
    folder = tmp_path / "scripts"
    write_script(folder)
    load_session_alone("cached-demo", [folder])
    assert stat.S_IMODE((paths.cache_dir() / "scripts").stat().st_mode) == 0o700
    assert stat.S_IMODE(entries()[0].stat().st_mode) == 0o600


def test_an_unwritable_cache_costs_nothing_but_the_reading(tmp_path, monkeypatch):
    folder = tmp_path / "scripts"
    path = write_script(folder)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(blocker))
    assert load_session_alone("cached-demo", [folder]) == load_session(path)
    assert load_session_alone("cached-demo", [folder]) == load_session(path)


def test_an_entry_for_another_path_is_not_used(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    write_script(first)
    path = write_script(second)
    load_session_alone("cached-demo", [first])
    entry = entries()[0]
    # The same text at another path: the entry's own path must match, whatever its file name.
    target = script_cache._entry_path(path)
    entry.rename(target)
    assert script_cache.cached(path, path.read_bytes()) is None
    assert load_session_alone("cached-demo", [second]).source == path


def test_reading_the_whole_library_keeps_every_good_session_for_the_next_start(tmp_path):
    folder = tmp_path / "scripts"
    good = write_script(folder)
    broken = folder / "sessions" / "broken.yaml"
    broken.write_text(SCRIPT.replace("cached-demo", "broken-demo").replace("duration: 5m", "duration: soon"))
    library = load_library([folder])
    assert script_cache.cached(good, good.read_bytes()) == library.session("cached-demo")
    assert script_cache.cached(broken, broken.read_bytes()) is None
    bundled = {str(script.source) for script in library.sessions.values() if script.source != good}
    assert bundled and all(script_cache.cached(Path(p), Path(p).read_bytes()) for p in bundled)
    before = {entry: entry.stat().st_mtime_ns for entry in entries()}
    load_library([folder])  # nothing changed: nothing written again
    assert {entry: entry.stat().st_mtime_ns for entry in entries()} == before
