"""screens of the therapist's console."""
