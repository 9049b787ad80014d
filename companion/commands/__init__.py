"""One module per `companion` command, each with `run(args) -> int`; `companion.cli` builds the parser.

A command module imports what it needs when it runs, so `companion validate` never loads Textual
and nothing loads pygame before a player opens. `passphrase` is the command line's side of
encryption, shared by the commands that read or write journals.
"""
