"""The therapist's console, in Textual.

Owns the App (`app`), its screens (`screens/`), dialogs (`dialogs/`) and widgets (`widgets/`),
the theme and `companion.tcss`, config.yaml's keys and settings applied to the App (`keymap`,
`settings`), and the small apps behind `companion exercise` and `companion
play`. Reads session state from `companion.core`, drives sound only through
`companion.audio.director`; holds no session state of its own.
"""
