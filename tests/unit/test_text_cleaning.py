"""Every text that reaches a terminal or a report is cleaned in one place (issue 12, item 6)."""

from __future__ import annotations

import re
import textwrap

import pytest
from console_kit import START
from script_kit import console_script

from companion.cli import main
from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore, read_journal
from companion.core.report.files import render_report
from companion.core.scripts.library import load_library
from companion.core.scripts.loading import load_session
from companion.core.scripts.problems import ScriptError
from companion.core.session import LiveSession
from companion.core.text import control_characters, for_markdown, for_terminal
from companion.ui.safe_text import escape

HOSTILE = "\x1b[2J\x1b[HK-1\x1b]0;title\x07\x9b31m\x07\x00"


@pytest.mark.parametrize(
    "text, shown",
    [
        (HOSTILE, "K-1"),
        ("tab\there\nnext", "tab here next"),
        ("right-to-left \u202eevil", "right-to-left evil"),
        ("calm words, ünïcode, 呼吸 🌿", "calm words, ünïcode, 呼吸 🌿"),
    ],
)
def test_for_terminal_takes_out_escape_sequences_and_controls(text, shown):
    assert for_terminal(text) == shown
    assert not control_characters(for_terminal(text))


def test_markup_is_escaped_as_well():
    assert escape("[b]bold[/b] \x1b[31m") == "\\[b]bold\\[/b] "
    assert escape("ends in \\").endswith("\\\u200b")
    assert escape("line one\nline two") == "line one\nline two"  # guide texts keep their lines


@pytest.mark.parametrize(
    "text, forbidden",
    [
        ("<script>alert(1)</script>", "<script>"),
        ("[click](http://example.com/track)", "<a href"),
        ("[click](javascript:alert(1))", ""),  # markdown-it refuses it itself; other viewers may not
        ("![](http://example.com/pixel.png)", "<img"),
        ("<img src=http://example.com/x>", "<img"),
        ("<http://example.com>", "<a href"),
        ("`code` and \x1b[2J", "<code>"),
    ],
)
def test_for_markdown_leaves_no_tag_link_or_image(text, forbidden):
    raw = rendered(text)
    assert forbidden in raw  # rendered as it came, it would be live
    safe = rendered(for_markdown(text))
    assert not re.search(r"<(?!/?p>)", safe), safe  # nothing but the paragraph: no tag, link, image, code
    # Unescaped, the words read as typed (less the control characters).
    assert re.sub(r"\\(.)", r"\1", for_markdown(text)) == " ".join(for_terminal(text).split())


def rendered(markdown: str) -> str:
    """HTML as a CommonMark viewer makes it (markdown-it, as Rich and Textual use), raw HTML on."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def _session_with_hostile_text(tmp_path) -> tuple[JournalStore, LiveSession]:
    store = JournalStore(tmp_path / "journals")
    session = LiveSession.start(console_script(), store, FakeClock(START), client_code="<b>K</b>" + HOSTILE)
    session.add_note("said [x](javascript:alert(1)) ![](http://example.com/p.png) \x1b[2J")
    session.close()
    return store, session


def test_the_markdown_report_has_no_raw_html_live_link_remote_image_or_escape(tmp_path):
    store, session = _session_with_hostile_text(tmp_path)
    contents = read_journal(store.path_for(session.session_id))
    text = render_report(contents, console_script(), "md")
    html = rendered(text)
    assert "<b>" not in html and "<a " not in html and "<img" not in html and "<script" not in html
    assert not control_characters(text.replace("\n", ""))
    assert "K-1" in text
    for fmt in ("html", "json"):
        assert "\x1b" not in render_report(contents, console_script(), fmt)


def test_sessions_prints_client_codes_without_escape_codes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path))
    _session_with_hostile_text(tmp_path)
    with pytest.raises(SystemExit) as done:
        main(["sessions"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "K-1" in out


def test_validation_refuses_control_characters_in_scripts(tmp_path):
    path = tmp_path / "sessions" / "bad.yaml"
    path.parent.mkdir()
    path.write_text(
        textwrap.dedent(
            """\
            id: bad
            title: "\\e[2J\\e[Hcalm"
            route: IM
            phases:
              - id: one
                title: One
                duration: 10m
            """
        )
    )
    with pytest.raises(ScriptError, match=r"bad.yaml:2:\d+: title: control characters \(U\+001B\)"):
        load_session(path)
    library = load_library([tmp_path])
    assert "bad" not in library.sessions and any("control characters" in str(p) for p in library.problems)
