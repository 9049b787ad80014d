"""A client's standing notes: strict YAML with FILE:LINE:COL, every version kept, owner-only,
encrypted like the journals, and `companion client CODE --edit` through a real editor process."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from companion.commands import client as client_command
from companion.core.course.notes import StandingNotes, notes_yaml, parse_notes
from companion.core.course.notes_store import NotesError, NotesStore
from companion.core.journal import crypto
from companion.core.scripts.problems import ScriptError

SECRET = "a long and private passphrase"


pytestmark = pytest.mark.usefixtures("fresh_keys")


def test_notes_round_trip_through_their_yaml():
    notes = StandingNotes(comfort="A hand on the shoulder\nonly if asked", touch="Hands only", music="No drums")
    assert parse_notes(notes_yaml(notes, "K-1"), Path("k.yaml")) == notes


def test_a_typo_and_a_wrong_type_are_named_with_file_line_and_column():
    with pytest.raises(ScriptError) as caught:
        parse_notes("music: strings\ncomfrt: words\ntouch: [1, 2]\n", Path("notes.yaml"))
    assert [str(p) for p in caught.value.problems] == [
        'notes.yaml:2:1: comfrt: unknown key (did you mean "comfort"?)',
        "notes.yaml:3:8: touch: expected text, got a list",
    ]
    with pytest.raises(ScriptError, match=r"notes.yaml:2:1: not valid YAML"):
        parse_notes("music: [unclosed\n", Path("notes.yaml"))


def test_every_save_is_a_new_owner_only_version_and_the_old_ones_stay(private_dirs):
    store = NotesStore()
    first = store.save("K-007", StandingNotes(comfort="words"), now=100.0)
    assert first is not None and first.number == 1 and first.changed == ("comfort",)
    assert store.save("k-007 ", StandingNotes(comfort="words"), now=101.0) is None  # same client, nothing new
    second = store.save(" K-007", StandingNotes(comfort="silence", music="strings"), session_id="S-2", now=102.0)
    assert second is not None and second.number == 2 and second.changed == ("comfort", "music")
    assert store.current("K-007")[0].comfort == "silence"
    assert store.version("K-007", 1).comfort == "words"
    assert [(v.number, v.session_id) for v in store.versions("K-007")] == [(1, ""), (2, "S-2")]
    folder = store.folder("K-007")
    assert "007" not in folder.name
    for path in (store.root, folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_notes_are_sealed_when_journals_are_and_stay_sealed(private_dirs):
    crypto.remember(SECRET)
    store = NotesStore()
    version = store.save("K-9", StandingNotes(safety_contact="Sister, 555 0100"), encrypt=True)
    assert version is not None and version.encrypted and version.path.name.endswith(".json.enc")
    assert b"Sister" not in version.path.read_bytes()
    again = store.save("K-9", StandingNotes(safety_contact="Brother, 555 0101"))
    assert again is not None and again.encrypted  # once sealed, always sealed
    crypto.forget()
    with pytest.raises(NotesError, match="passphrase"):
        store.current("K-9")
    crypto.remember(SECRET)
    assert store.current("K-9")[0].safety_contact == "Brother, 555 0101"


def _editor(tmp_path: Path, *texts: str) -> str:
    """An editor command that writes the next of `texts` into the file each time it runs."""
    for number, text in enumerate(texts):
        (tmp_path / f"text{number}").write_text(text)
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        f"here = pathlib.Path({str(tmp_path)!r})\n"
        "count = here / 'count'\n"
        "n = int(count.read_text()) if count.exists() else 0\n"
        "count.write_text(str(n + 1))\n"
        "pathlib.Path(sys.argv[1]).write_text((here / f'text{n}').read_text())\n"
    )
    return f"{sys.executable} {script}"


def test_edit_with_a_mistake_keeps_the_old_version(private_dirs, tmp_path, monkeypatch, capsys):
    store = NotesStore()
    store.save("K-1", StandingNotes(music="strings"))
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "musik: drums\n"))
    monkeypatch.delenv("VISUAL", raising=False)
    assert client_command.edit(store, "K-1", ask_again=lambda: False) == 1
    err = capsys.readouterr().err
    assert ".yaml:1:1: musik: unknown key" in err and "last version is kept" in err
    assert store.current("K-1")[0].music == "strings" and len(store.versions("K-1")) == 1
    assert not list((store.root / ".editing").iterdir())  # the file edited is not left behind


def test_edit_again_after_a_mistake_saves_the_fixed_text(private_dirs, tmp_path, monkeypatch):
    store = NotesStore()
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "touch: [\n", "touch: Hands only\n"))
    monkeypatch.delenv("VISUAL", raising=False)
    answers = iter([True])
    assert client_command.edit(store, "K-2", ask_again=lambda: next(answers)) == 0
    assert store.current("K-2")[0].touch == "Hands only"


def test_show_and_history_name_the_session_each_change_was_made_in(private_dirs):
    store = NotesStore()
    store.save("K-3", StandingNotes(intention="to rest"), session_id="20270105-0800-im-standard", now=1_799_136_000)
    text = client_command.history_text(store.versions("K-3"))
    assert "in session 20270105-0800-im-standard: intention" in text
    notes, version = store.current("K-3")
    shown = client_command.show("K-3", notes, version)
    assert "Intention: to rest" in shown and "version 1" in shown
