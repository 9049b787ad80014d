"""Text that came from a file or a keyboard, made safe for where it is shown.

Titles, notes, client codes and safety sources are typed by people or read from files and
journals that may be damaged or hostile. Two functions, used by every screen, listing and
report, so no path forgets one:

- `for_terminal`: escape sequences and every other control character out (a title holding
  "\\x1b[2J" must not blank the console), and with `markup=True` Rich/Textual markup escaped,
  so "[b]" or an unclosed "[/b" stays the words typed;
- `for_markdown`: control characters out, HTML tags and Markdown links, images and code made
  inert, so an offline report never fetches from the network or runs a `javascript:` link.

`control_characters` finds what `for_terminal` would take out, for validation to refuse it.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte escapes: removed whole.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
# C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TAB_OR_NEWLINE = re.compile(r"[\t\n]")
ZERO_WIDTH_SPACE = "\u200b"
# What can open a tag, a link, an image or code in Markdown. With "["
# escaped, "![alt](http://...)" and "[x](javascript:...)" are plain text; "<" escaped opens no
# HTML tag or autolink. Other punctuation is left alone so the words read the same as text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`\[\]<])")


def control_characters(text: str) -> list[str]:
    """The control characters in `text` (tabs and newlines are not), as shown in messages."""
    return sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)})


def for_terminal(text: str, *, markup: bool = False, newlines: bool = False) -> str:
    """`text` without escape sequences or control characters; tabs (and newlines unless
    `newlines`) become spaces. With `markup`, safe inside Rich/Textual markup too."""
    cleaned = _CONTROL.sub("", _ESCAPE.sub("", text))
    if newlines:
        cleaned = cleaned.replace("\t", " ")
    else:
        cleaned = _TAB_OR_NEWLINE.sub(" ", cleaned)
    if not markup:
        return cleaned
    # Escaping every opening bracket is always safe (Textual's own escape leaves "[/b" alone,
    # which then fails to parse); a backslash at the very end would escape the closing tag that
    # follows the text, so a zero-width space keeps it apart.
    escaped = cleaned.replace("[", "\\[")
    return escaped + ZERO_WIDTH_SPACE if escaped.endswith("\\") else escaped


def for_markdown(text: str) -> str:
    """One line of Markdown that reads as the words given: control characters out, and the
    characters that make HTML, links, images and code backslash-escaped (CommonMark shows an
    escaped character as itself)."""
    line = " ".join(for_terminal(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line)
