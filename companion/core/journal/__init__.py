"""The journal: one append-only, fsync'd JSON-lines file per session, the only session state kept.

Owns writing and reading journals (`store`), following one another process writes (`tail`) and
encryption at rest (`crypto`). Pure Python plus the `cryptography` package; imports
`companion.core.events` and `companion.paths`, never Textual, pygame or aiohttp.
"""
