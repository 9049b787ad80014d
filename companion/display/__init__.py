"""The client's screen: what a client may see of a session, and nothing more.

Owns the terminal view (`terminal`), the web page and its server (`web/`, started by `serve`),
and what they share: `follow` (which session to show, its clock, its view, read from the
journal through JournalTail) and `status` (the small file beside the journal that tells the
console a screen is connected). Both views show only what `companion.core.client_view` lets
through. May import `companion.core`; the terminal view also uses the console's widgets, the
web server never does. Nothing here writes to a journal.
"""
