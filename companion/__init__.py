"""Session Companion: timeline, calm audio and grounding exercises for KAP sessions."""

__version__ = "0.1.0"
