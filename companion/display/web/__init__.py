"""The client's screen in a browser: a page shipped in the package and the one server that feeds it.

`server` is an aiohttp application in the display process: it serves `static/` (HTML, CSS and
plain JavaScript, nothing fetched from elsewhere) and one WebSocket stream per viewer of the
view `follow.Follower` reads from the journal, as `feed` writes it. The animation (the pacer,
the shrinking line, the drifting colour) runs in the browser; the server wakes for its poll of
the journal and sends only when the view changes. May import `companion.core`,
`companion.display.follow` and `companion.display.status`; never the console's widgets.
"""
