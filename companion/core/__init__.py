"""The pure core: the session as events, and everything that reads them.

Owns the events (`events`), the pure fold `compute_state(script, events, now)` (`timeline`),
the live session that journals every change (`session`), clocks (`clock`), exercises against a
clock (`stepper`, `breathing`), the one door to the client's screen (`client_view`), the user's
settings in config.yaml (`config`, kept checked by `config_cache`), vitals with the
thresholds they crossed (`vitals`), the clinical record read from the events (`assessment_state`: each assessment's answers, score, band and notices;
`clinical_record`: medicines and adverse events; `discharge`: the gate), and the subpackages
`journal/`, `scripts/` and `report/`. Imports only the standard library, PyYAML,
`cryptography` and `companion.paths`: never Textual, pygame or aiohttp (a test checks).
"""
