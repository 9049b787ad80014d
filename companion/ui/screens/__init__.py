"""Screens of the therapist console: the script picker, the session, an exercise and its picker."""
