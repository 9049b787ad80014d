"""What is playing, the volume and mute state, a soundscape's depth and layers, and the player's
one-line notice if any."""

from __future__ import annotations

from companion.ui.safe_text import escape
from companion.ui.widgets.quiet import QuietStatic


class AudioPanel(QuietStatic):
    DEFAULT_CSS = """
    AudioPanel { height: auto; padding: 0 1; border: round $panel-lighten-1; border-title-color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.border_title = "Sound"

    def render_audio(
        self,
        playing: str | None,
        volume: float,
        muted: bool,
        notice: str | None,
        audible: bool = True,
        held_quiet: bool = False,
        depth: float | None = None,
        layers: tuple[tuple[str, float], ...] = (),
    ) -> None:
        if held_quiet:  # distress or a fade: quiet (or fading to it) until the phase changes or `f`
            what = "[dim]silent now ([/][b]f[/][dim] brings it back)[/]"
        elif playing and not audible:  # what would play, said so beside the notice, not "♪ playing"
            what = f"[dim]{escape(playing)}, not heard[/]"
        else:
            what = f"♪ {escape(playing)}" if playing else "[dim]silence[/]"
        level = "[b]muted[/]" if muted else f"vol {round(volume * 100)}%"
        lines = [f"{what}  {level}"]
        if depth is not None and not held_quiet:  # a soundscape: `{` `}` move it, `l` sets a layer
            lines.append(f"depth {round(depth * 100)}%  [dim]{len(layers)} layers ([/][b]l[/][dim])[/]")
        if notice:
            lines.append(f"[dim]{escape(notice)}[/]")
        self.show("\n".join(lines))
