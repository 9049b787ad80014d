"""The journal: one append-only, fsync'd JSON-lines file per session, the only session state kept.

Owns the line format and its checks (`records`: the header, numbered events, every value judged
before it reaches the timeline; `shapes`: the checks that follow from a record's shape, worked
out once per shape), reading (`reading`: replay and listings), writing (`writer`:
durable appends, records kept in memory while the disk refuses them, the journal written again
if its file is removed), the folder of journals (`store`, which also gathers the public names),
following one another process writes (`tail`), whether another window holds one (`in_use`) and
encryption at rest (`crypto`). Pure Python plus the `cryptography` package; imports
`companion.core.events`, `companion.core.limits` and `companion.paths`, never Textual, pygame or
aiohttp.
"""
