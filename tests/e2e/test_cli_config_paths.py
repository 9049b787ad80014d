"""`companion config`, `companion paths`, `--help` and shell completion, as a person runs them."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from companion.cli import COMMANDS, main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as excinfo:
        main(list(argv))
    out, err = capsys.readouterr()
    return excinfo.value.code, out, err


def test_paths_prints_every_folder_and_creates_none(capsys, private_dirs, tmp_path):
    code, out, err = run_cli(capsys, "paths")
    assert code == 0, err
    data, config = private_dirs
    for name, folder in (("config", config), ("data", data), ("cache", tmp_path / "cache"), ("logs", data / "logs")):
        assert f"{name}  " in out and str(folder) in out
    assert "rehearsal" in out
    assert not config.exists() and not (tmp_path / "cache").exists()
    code, out, _ = run_cli(capsys, "paths", "--only", "data")
    assert (code, out) == (0, f"{data}\n")


def test_config_says_where_each_setting_came_from(capsys, private_dirs):
    code, out, _ = run_cli(capsys, "config")
    assert code == 0
    assert "not there: every setting is its default" in out
    config = private_dirs[1]
    config.mkdir()
    (config / "config.yaml").write_text("volume: 0.3\nkeymap:\n  session.next: j\n")
    code, out, _ = run_cli(capsys, "config")
    assert code == 0, out
    lines = {line.split()[0]: line for line in out.splitlines() if line and not line.startswith("config file")}
    assert "0.3" in lines["volume"] and f"{config / 'config.yaml'}:1" in lines["volume"]
    assert "session.next: j" in lines["keymap"] and f"{config / 'config.yaml'}:2" in lines["keymap"]
    assert "default" in lines["volume_step"] and "0.1" in lines["volume_step"]


def test_config_lists_problems_and_exits_1(capsys, private_dirs):
    config = private_dirs[1]
    config.mkdir()
    (config / "config.yaml").write_text("volum: 0.3\nkeymap:\n  session.next: m\n")
    code, out, _ = run_cli(capsys, "config")
    assert code == 1
    assert f'{config / "config.yaml"}:1:1: volum: unknown key (did you mean "volume"?)' in out
    assert f"{config / 'config.yaml'}:3:17: keymap.session.next:" in out and "session.mute" in out


def test_config_keys_lists_the_binding_ids_and_marks_the_remapped(capsys, private_dirs):
    config = private_dirs[1]
    config.mkdir()
    (config / "config.yaml").write_text("keymap:\n  session.mute: u\n")
    code, out, _ = run_cli(capsys, "config", "--keys")
    assert code == 0
    rows = {
        line.split()[0]: line.split()[1] for line in out.splitlines()[1:] if line.startswith(("session.", "confirm."))
    }
    assert rows["session.next"] == "n"
    assert rows["session.mute"] == "u"
    assert "*" in next(line for line in out.splitlines() if line.startswith("session.mute"))
    assert rows["confirm.yes"] == "y"


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_has_examples_and_the_environment(capsys, command):
    code, out, _ = run_cli(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert "examples:\n  companion" in out or "examples:\n  eval" in out
    assert "COMPANION_DATA_DIR" in out and "COMPANION_DEBUG=1" in out
    assert all(len(line) <= 80 for line in out.splitlines()), [line for line in out.splitlines() if len(line) > 80]


def test_help_shows_defaults_and_the_format_choices(capsys):
    _, out, _ = run_cli(capsys, "--help")
    assert "list session scripts, exercises and playlists" in out
    assert "sessions scripts" not in out
    _, out, _ = run_cli(capsys, "display", "--help")
    assert "(default: 8000)" in out and "(default: 127.0.0.1" in out
    _, out, _ = run_cli(capsys, "report", "--help")
    assert "md: Markdown" in out and "html:" in out and "json:" in out and "(default: md)" in out
    _, out, _ = run_cli(capsys, "run", "--help")
    assert "--encrypt, --no-encrypt" in out and "(default: 1)" in out


def test_bash_completion_is_valid_bash_and_knows_the_commands(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "completion", "bash")
    assert code == 0
    for name in COMMANDS:
        assert name in out
    assert "--scripts" in out and "--format" in out
    script = tmp_path / "companion.bash"
    script.write_text(out)
    check = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # Completing `companion re` offers resume and report.
    probe = (
        f"source {script}; COMP_WORDS=(companion re); COMP_CWORD=1; COMP_LINE='companion re'; COMP_POINT=12; "
        "_shtab_companion; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    offered = subprocess.run(["bash", "-c", probe], capture_output=True, text=True)
    assert {"resume", "report"} <= set(offered.stdout.split()), offered.stdout + offered.stderr


def test_zsh_completion_registers_itself(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "completion", "zsh")
    assert code == 0
    assert out.startswith("#compdef companion")
    assert "compdef _shtab_companion -N companion" in out
    for name in COMMANDS:
        assert name in out
    if shutil.which("zsh"):
        script = tmp_path / "_companion"
        script.write_text(out)
        check = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_encrypt_comes_from_config_unless_the_command_line_says(capsys, private_dirs, monkeypatch):
    import companion.commands.run as run_command

    seen = []
    monkeypatch.setattr(run_command, "run", lambda args: seen.append(args.encrypt) or 0)
    monkeypatch.setattr("companion.commands.passphrase.prepare", lambda args: None)
    config = private_dirs[1]
    config.mkdir()
    (config / "config.yaml").write_text("encrypt: true\n")
    for argv in (["run"], ["run", "--no-encrypt"]):
        with pytest.raises(SystemExit):
            main(argv)
    (config / "config.yaml").write_text("encrypt: false\n")
    for argv in (["run"], ["run", "--encrypt"]):
        with pytest.raises(SystemExit):
            main(argv)
    assert seen == [True, False, False, True]


def test_validate_takes_config_yaml_for_settings_not_a_script(capsys, private_dirs):
    config = private_dirs[1]
    config.mkdir()
    (config / "config.yaml").write_text("volume: 0.3\n")
    code, out, _ = run_cli(capsys, "validate")
    assert code == 0, out
    assert "files valid" in out
    (config / "config.yaml").write_text("volume: 0.3\nstart_dim: true\n")
    code, out, _ = run_cli(capsys, "validate")
    assert code == 1
    assert f'{config / "config.yaml"}:2:1: start_dim: unknown key (did you mean "start_dimmed"?)' in out


def test_companion_play_starts_at_the_configured_volume_and_steps_by_it(private_dirs, monkeypatch):
    import argparse

    from companion.commands import play
    from companion.ui.play_app import PlayApp

    opened = []
    monkeypatch.setattr(PlayApp, "run", lambda self: opened.append(self))
    config = private_dirs[1]
    config.mkdir()
    (config / "config.yaml").write_text("volume: 0.3\nvolume_step: 0.1\n")
    assert play.run(argparse.Namespace(playlist="settling", seconds=None, scripts=[])) == 0
    (app,) = opened
    assert (app.start_volume, app.volume_step) == (0.3, 0.1)
