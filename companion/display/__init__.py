"""The client's screen: what a client may see of a session, and nothing more.

Owns the terminal view (`terminal`) and the browser server (`serve`). Both read a session's
journal and show only what `companion.core.client_view` lets through. May import
`companion.core` and the console's widgets; nothing here writes to a journal.
"""
