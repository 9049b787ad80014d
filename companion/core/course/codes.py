"""How client codes are matched: one client, however the code was typed on the day.

A code is free text. Two codes name the same client when they are equal once case is ignored
(Unicode case folding) and every space is removed: "K-014", "k-014 " and "K 014" are one client;
"K-014" and "K-14" are two. What is shown is the code as it was typed most recently.
"""

from __future__ import annotations

MATCH_RULE = "client codes match ignoring case and spaces"


def code_key(code: str) -> str:
    """The form two codes are compared in: case-folded, with all whitespace removed."""
    return "".join(code.split()).casefold()


def same_client(first: str, second: str) -> bool:
    return bool(code_key(first)) and code_key(first) == code_key(second)


def file_stem(code: str) -> str:
    """A file name for a client's folder that does not spell the code out (the folder name is
    seen by anyone who lists the data folder, and the notes may be encrypted)."""
    import hashlib  # here, not at the top: loading OpenSSL's hashes costs the console's start 2 ms

    return "c-" + hashlib.sha256(code_key(code).encode("utf-8")).hexdigest()[:24]
