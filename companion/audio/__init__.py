"""Sound: everything the session hears, and nothing it shows.

Owns the block mixer (`engine`: fades, crossfades, the master gain), the decoder that reads a
file a block at a time (`stream`), measurements of rendered audio (`measure`), the `Player`
protocol and the silent player (`player`), the player that is heard (`pygame_player`) and the
director that turns session state into what the player should do (`director`, which also fades
the music on distress). May import `companion.core` and numpy/soundfile/pygame; never Textual.
Only `pygame_player` imports pygame, and only when a player is opened.
"""
