"""widgets of the therapist's console."""
