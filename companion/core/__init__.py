"""The pure core: script model, timeline and journal. Imports neither textual nor pygame."""
