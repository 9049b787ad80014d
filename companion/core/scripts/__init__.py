"""What the user writes: session scripts, exercises, assessments and playlists, as typed models.

Owns the one YAML reader (`yamlio`), typed field reading (`fields`) and the one problem format
(`problems`: `FILE:LINE:COL: field.path: what was expected`), durations, each model and its
loader (`script` + `loading`, `exercises`, `assessments`, `playlists`), the cache of checked scripts (`cache`),
the layered library (`library`) and finding a journal's script (`lookup`). Pure Python and
PyYAML; never Textual, pygame or aiohttp.
"""
