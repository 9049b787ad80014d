"""`companion client` and `companion course` as installed: the editor round trip in a real
terminal (tmux, private socket), the course and its reports from the command line."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from course_fixtures import write_course  # noqa: E402

pytestmark = pytest.mark.e2e


def companion() -> str:
    beside = Path(sys.executable).parent / "companion"
    found = str(beside) if beside.exists() else shutil.which("companion")
    if not found:
        pytest.skip("the companion command is not installed")
    return found


@pytest.fixture
def env(tmp_path, private_dirs) -> dict[str, str]:
    data, config = private_dirs
    write_course(data / "journals")
    values = dict(os.environ, COMPANION_DATA_DIR=str(data), COMPANION_CONFIG_DIR=str(config))
    values.pop("COMPANION_PASSPHRASE", None)
    return values


def run(env, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [companion(), *argv], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def test_course_lists_clients_and_shows_one_in_80_columns(env):
    listing = run(env, "course")
    assert listing.returncode == 0, listing.stderr
    assert "K-007" in listing.stdout and "(1 damaged)" in listing.stdout
    shown = run(env, "course", " k-007")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Course of K-007: 4 sessions")
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    record = json.loads(run(env, "course", "K-007", "--format", "json").stdout)
    assert len(record["sessions"]) == 4


def test_course_pdf_goes_to_the_reports_folder_owner_only(env, private_dirs):
    pytest.importorskip("weasyprint")
    made = run(env, "course", "K-007", "--format", "pdf")
    assert made.returncode == 0, made.stderr
    (pdf,) = (private_dirs[0] / "reports").glob("course-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert "007" not in pdf.name


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_client_edit_in_a_terminal_points_at_the_mistake_and_saves_the_fix(env, tmp_path):
    texts = ["comfrt: a hand\n", "comfort: a hand on the shoulder\n"]
    for number, text in enumerate(texts):
        (tmp_path / f"text{number}").write_text(text)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        f"here = pathlib.Path({str(tmp_path)!r})\n"
        "count = here / 'count'\n"
        "n = int(count.read_text()) if count.exists() else 0\n"
        "count.write_text(str(n + 1))\n"
        "pathlib.Path(sys.argv[1]).write_text((here / f'text{n}').read_text())\n"
    )
    socket = f"companion-course-{uuid.uuid4().hex[:10]}"
    exports = " ".join(
        f"{key}={shlex.quote(env[key])}" for key in ("COMPANION_DATA_DIR", "COMPANION_CONFIG_DIR", "PATH")
    )
    command = (
        f"env {exports} EDITOR={shlex.quote(f'{sys.executable} {editor}')} "
        f"{shlex.quote(companion())} client K-1 --edit; echo EXIT=$?"
    )

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], check=True, capture_output=True, text=True).stdout

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 30
        while text not in (shown := tmux("capture-pane", "-p", "-J", "-t", "edit")):
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{shown}"
            time.sleep(0.2)
        return shown

    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\n")  # the pane stays to be read once the command ends
    tmux("-f", str(config), "new-session", "-d", "-s", "edit", "-x", "100", "-y", "30", command)
    try:
        shown = wait_for("Edit again? [Y/n]")
        assert 'comfrt: unknown key (did you mean "comfort"?)' in shown and ".yaml:1:1:" in shown
        tmux("send-keys", "-t", "edit", "y", "Enter")
        shown = wait_for("EXIT=")
        assert "Saved as version 1." in shown and "EXIT=0" in shown
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
    shown = run(env, "client", "k-1")
    assert "How they want to be calmed: a hand on the shoulder" in shown.stdout
