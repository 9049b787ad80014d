"""Dialogs of the therapist's console, each imported when first opened (start-up stays quick)."""
