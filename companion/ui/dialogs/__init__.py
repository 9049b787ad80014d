"""dialogs of the therapist's console."""
