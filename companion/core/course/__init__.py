"""A course of treatment: one client's sessions read together, and what carries from one to the next.

Owns how client codes are matched (`codes`), the client's standing notes and their versions
(`notes`, `notes_store`), the course itself gathered from the journals (`model`), what a new
session offers from the last one (`carry`), the course's renderings (`text`, `html`,
`json_course`), and the one door to a session's assessment results (`assessments_seam`). Pure
Python: imports `companion.core` and `companion.paths`, never Textual, pygame or aiohttp.
"""
