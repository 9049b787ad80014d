"""config.yaml: read and checked as scripts are, every problem with FILE:LINE:COL, defaults kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.core.config import (
    DEFAULT,
    BindingSpec,
    Settings,
    check_keymap,
    config_path,
    display_font_scale,
    key_name,
    load_config,
)

SESSION = frozenset({"SessionScreen"})
SPECS = [
    BindingSpec("session.next", ("n",), "Move on to the next phase", SESSION),
    BindingSpec("session.mute", ("m",), "Mute or unmute the music", SESSION),
    BindingSpec("session.keys", ("question_mark",), "List every key", SESSION),
    BindingSpec("confirm.no", ("n",), "Answer no", frozenset({"ConfirmDialog"})),
    BindingSpec("app.quit", ("ctrl+q",), "Quit", SESSION | {"ConfirmDialog"}, remappable=False),
]


def write(config_dir: Path, text: str) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "config.yaml"
    path.write_text(text)
    return path


def test_no_file_gives_the_defaults_from_nowhere(private_dirs):
    config = load_config()
    assert config.settings == Settings()
    assert config.problems == ()
    assert config.source("volume") == DEFAULT
    assert config.path == config_path() == private_dirs[1] / "config.yaml"


def test_every_setting_is_read_and_its_line_recorded(private_dirs):
    path = write(
        private_dirs[1],
        "volume: 0.3\nvolume_step: 0.1\ndisplay_font_scale: 1.5\nstart_dimmed: true\n"
        "report_format: html\nencrypt: true\nkeymap:\n  session.next: j\n",
    )
    config = load_config()
    assert config.problems == ()
    assert config.settings == Settings(
        volume=0.3,
        volume_step=0.1,
        display_font_scale=1.5,
        start_dimmed=True,
        report_format="html",
        encrypt=True,
        keymap={"session.next": "j"},
    )
    assert config.source("volume") == f"{path}:1"
    assert config.source("keymap") == f"{path}:7"
    assert display_font_scale() == 1.5


def test_an_unknown_key_is_refused_with_did_you_mean_and_the_rest_still_counts(private_dirs):
    path = write(private_dirs[1], "volume: 0.4\nstart_dimed: true\n")
    config = load_config()
    assert [str(p) for p in config.problems] == [f'{path}:2:1: start_dimed: unknown key (did you mean "start_dimmed"?)']
    assert config.settings.volume == 0.4
    assert config.settings.start_dimmed is False


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("volume: 2\n", "1:9: volume", "expected a number from 0 to 1, got 2"),
        ("volume_step: none\n", "1:14: volume_step", 'expected a number from 0.01 to 0.5, got text "none"'),
        ("display_font_scale: 9\n", "1:21: display_font_scale", "from 0.5 to 3"),
        ("start_dimmed: maybe\n", "1:15: start_dimmed", "expected true or false"),
        ("report_format: pdf\n", "1:16: report_format", 'expected "md" or "html" or "json", got text "pdf"'),
        ("keymap: j\n", "1:9: keymap", "expected a mapping of binding ids to keys"),
        ("keymap:\n  session.next: 3\n", "2:17: keymap.session.next", "expected a key such as j"),
        ("keymap:\n  session.next: ctrl+shift+meta+hyper+zz+j\n", "2:17: keymap.session.next", "is not a key"),
        ("keymap:\n  Next: j\n", "2:3: keymap.Next", "expected a binding id such as session.next"),
    ],
)
def test_a_wrong_value_names_file_line_column_and_keeps_the_default(private_dirs, text, where, words):
    path = write(private_dirs[1], text)
    config = load_config()
    assert len(config.problems) == 1, config.problems
    message = str(config.problems[0])
    assert message.startswith(f"{path}:{where}: "), message
    assert words in message
    assert config.settings == Settings()
    assert config.sources == {}


def test_a_file_that_is_not_yaml_is_one_problem_and_the_defaults(private_dirs):
    path = write(private_dirs[1], "volume: [0.3\n")
    config = load_config()
    assert len(config.problems) == 1
    assert str(config.problems[0]).startswith(f"{path}:2:1: not valid YAML")
    assert config.settings == Settings()


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("j", "j"),
        ("J", "J"),
        ("?", "question_mark"),
        ("+", "plus"),
        ("[", "left_square_bracket"),
        (" ", "space"),
        ("space", "space"),
        ("F5", "f5"),
        ("ctrl+N", "ctrl+n"),
        ("Ctrl+Left", "ctrl+left"),
        ("ctrl++", "ctrl+plus"),
        ("", None),
        ("bogus+j", None),
        ("\t", None),
    ],
)
def test_keys_are_written_as_a_person_writes_them(written, name):
    assert key_name(written) == name


def test_keys_may_be_a_list_or_comma_separated(private_dirs):
    write(private_dirs[1], "keymap:\n  session.next: 'j, ctrl+n'\n  session.mute: [M, '?']\n")
    config = load_config()
    assert config.problems == ()
    assert config.settings.keymap == {"session.next": "j,ctrl+n", "session.mute": "M,question_mark"}


def test_an_unknown_binding_id_is_refused_with_did_you_mean(private_dirs):
    path = write(private_dirs[1], "keymap:\n  session.nxt: j\n  session.mute: u\n")
    config = check_keymap(load_config(), SPECS)
    assert [str(p) for p in config.problems] == [
        f'{path}:2:16: keymap.session.nxt: no such binding (did you mean "session.next"?)'
    ]
    assert config.settings.keymap == {"session.mute": "u"}


def test_a_key_taken_by_another_binding_on_the_same_screen_is_refused_naming_both(private_dirs):
    path = write(private_dirs[1], "keymap:\n  session.next: m\n")
    config = check_keymap(load_config(), SPECS)
    assert len(config.problems) == 1
    message = str(config.problems[0])
    assert message.startswith(f"{path}:2:17: keymap.session.next: ")
    assert "session.next" in message and "session.mute" in message
    assert config.settings.keymap == {}
    assert config.source("keymap") == DEFAULT


def test_of_two_lines_asking_for_one_key_the_later_is_refused(private_dirs):
    path = write(private_dirs[1], "keymap:\n  session.next: j\n  session.mute: j\n")
    config = check_keymap(load_config(), SPECS)
    assert [p.line for p in config.problems] == [3]
    assert "session.mute" in str(config.problems[0]) and "session.next" in str(config.problems[0])
    assert config.settings.keymap == {"session.next": "j"}
    assert str(path) in str(config.problems[0])


def test_swapping_two_keys_and_sharing_a_key_across_screens_are_fine(private_dirs):
    # n is also confirm.no's key, but the confirm dialog and the session screen are apart.
    write(private_dirs[1], "keymap:\n  session.next: m\n  session.mute: n\n")
    config = check_keymap(load_config(), SPECS)
    assert config.problems == ()
    assert config.settings.keymap == {"session.next": "m", "session.mute": "n"}


def test_textuals_own_keys_block_a_key_and_cannot_be_remapped(private_dirs):
    write(private_dirs[1], "keymap:\n  session.next: ctrl+q\n  app.quit: ctrl+x\n")
    config = check_keymap(load_config(), SPECS)
    messages = [str(p) for p in config.problems]
    assert len(messages) == 2
    assert "app.quit" in messages[0] and "session.next" in messages[0]
    assert "cannot be remapped" in messages[1]
    assert config.settings.keymap == {}


def test_the_defaults_are_those_of_the_parts_that_use_them():
    from companion.audio.director import VOLUME_STEP, AudioDirector
    from companion.ui.app import CompanionApp
    from companion.ui.play_app import PlayApp

    settings = Settings()
    assert settings.volume_step == VOLUME_STEP
    assert settings.volume == AudioDirector({}, {}).volume
    assert settings.report_format == CompanionApp.report_format
    assert PlayApp.__init__.__kwdefaults__["volume"] == settings.volume
