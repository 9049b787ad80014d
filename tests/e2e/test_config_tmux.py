"""config.yaml and --debug with the installed command in a real terminal (tmux)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import test_e2e_tmux
from test_e2e_tmux import Terminal, companion_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
terminal = test_e2e_tmux.terminal  # the same private tmux server and folders as the other console tests


def test_a_key_remapped_in_config_yaml_shows_and_acts_and_the_log_keeps_no_secrets(terminal: Terminal):
    config = terminal.env["COMPANION_CONFIG_DIR"]
    Path(config).mkdir(parents=True, exist_ok=True)
    (Path(config) / "config.yaml").write_text("keymap:\n  session.next: j\nstart_dimmed: true\n")
    exe = companion_command()
    terminal.start(exe, "run", "e2e-demo", "--client", "K-SECRET-77", "--scripts", terminal.scripts, "--debug")
    terminal.wait_for("phase 1 of 2")
    shown = terminal.wait_for("j Next")
    assert "n Next" not in shown
    terminal.keys("t")
    terminal.wait_for("The time is added")
    terminal.type("lavender and quiet")
    terminal.keys("Enter")
    terminal.wait_for("lavender and quiet")
    terminal.keys("n")  # no longer a key of the session screen
    terminal.keys("j")
    terminal.wait_for("Checklist not complete")
    terminal.keys("y")
    terminal.wait_for("phase 2 of 2")
    pid = terminal.pid()
    terminal.keys("q")
    terminal.wait_for("Close the console?")
    terminal.keys("y")
    terminal.wait_until_gone(pid)

    (log,) = (terminal.data / "logs").glob("companion-*.log")
    text = log.read_text()
    assert "run, Python" in text and "NoteAdded" in text and "PhaseStarted" in text
    for secret in ("lavender", "quiet", "K-SECRET-77", "SECRET"):
        assert secret not in text, text
