"""Reports for the clinical record, built from a journal and its script.

Owns gathering the facts (`model`), the words both renderers share (`words`), each format
(`markdown`, `html`, `json_report` with its `schema.json`), the clinical sections they share
(`clinical` gathers, `clinical_words` lays out), the REMS Patient Monitoring Form (`rems`) and
writing report files owner-only (`files`). Pure Python; never Textual, pygame or aiohttp.
"""
