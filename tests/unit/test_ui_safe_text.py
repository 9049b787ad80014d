"""Text people type shows exactly as typed inside the console's markup."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content

from companion.ui.safe_text import ZERO_WIDTH_SPACE, escape


@given(st.text(alphabet=st.sampled_from("ab[]/\\ =#@$"), max_size=30))
def test_any_text_survives_a_styled_span_unchanged(text):
    plain = Content.from_markup(f"[b]{escape(text)}[/] after").plain
    assert plain.replace(ZERO_WIDTH_SPACE, "") == f"{text} after"
