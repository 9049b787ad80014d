"""What people type (client codes, notes, script titles) goes into markup as text, never as tags.

Textual's own `escape` leaves an unclosed tag such as "[/b" alone, which then fails to parse;
escaping every opening bracket is always safe. A backslash at the very end would escape the
closing tag that follows the text, so it is kept apart from it by a zero-width space.
"""

from __future__ import annotations

ZERO_WIDTH_SPACE = "\u200b"


def escape(text: str) -> str:
    escaped = text.replace("[", "\\[")
    return escaped + ZERO_WIDTH_SPACE if escaped.endswith("\\") else escaped
