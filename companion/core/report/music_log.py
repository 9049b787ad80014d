"""The report's music log: every change to what was heard (a phase's playlist, the volume, mute,
a soundscape's depth or layer, a fade, distress), in plain words, from the journal's
MusicChanged events."""

from __future__ import annotations

from collections.abc import Iterable

from companion.core.events import Event, MusicChanged
from companion.core.scripts.playlists import volume_lufs

NONE = "No music changes recorded."


def music_changes(events: Iterable[Event]) -> list[MusicChanged]:
    """The journal's music changes, in the order they were recorded."""
    return [event for event in events if isinstance(event, MusicChanged)]


def describe(event: MusicChanged) -> str:
    change, value, playlist = event.change, event.value, event.playlist or "the music"
    if change == "playlist":
        return f"{playlist} began at volume {_volume(value)}" if event.playlist else "Silence (no music in this phase)"
    if change == "volume":
        return f"Volume {_volume(value)}"
    if change == "mute":
        return "Muted"
    if change == "unmute":
        return "Unmuted"
    if change == "depth":
        return f"Depth of {playlist} to {round(value * 100)} %"
    if change == "layer":
        return f"{event.layer or 'A'} layer of {playlist} to {round(value * 100)} %"
    if change == "fade":
        over = f" over {value:g} s" if value > 0 else ""
        return f"{playlist} faded out{over}"
    if change == "distress":
        return f"{playlist} faded to silence (distress)"
    return f"{change} ({playlist})"


def _volume(value: float) -> str:
    if value <= 0:
        return "0 % (silent)"
    return f"{round(value * 100)} % ({volume_lufs(value):.0f} LUFS)"
