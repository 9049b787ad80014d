"""Closing while the journal's file lacks records (a full disk, a removed folder): never "saved".

The therapist is told how many records are not yet in the journal and why; they stay in memory
and are retried every second while the console is open. The therapist may name another place
(a USB stick, another folder) to write the whole journal to; only once that is durable does the
console close. Closing any other way leaves a copy in the cache folder, named on stderr
(`LiveSession.rescue`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen

from companion.core.session import LiveSession
from companion.ui.dialogs.confirm import ConfirmDialog
from companion.ui.dialogs.text_prompt import TextPrompt


async def close_with_unwritten(screen: Screen[Any], session: LiveSession) -> bool:
    """Ask what to do with records not yet written; True when the console may close now."""
    count = session.unwritten
    reason = session.writer.reason or "it could not be written"
    if not await screen.app.push_screen_wait(
        ConfirmDialog(
            "Records not yet written",
            f"{count} record(s) are not yet in the journal ({reason}). They are kept in memory and "
            "retried every second, but would be lost if the console closed now.\n\n"
            "Write the whole journal to another place now?",
            yes="Write elsewhere",
            no="Stay",
        )
    ):
        return False
    suggestion = Path.home() / f"{session.session_id}.jsonl"
    target = await screen.app.push_screen_wait(
        TextPrompt(
            "Write the journal elsewhere",
            f"A new file for the whole journal (Enter on an empty line: {suggestion}).",
            placeholder=str(suggestion),
            allow_empty=True,
            max_length=500,
            prompt_id="journal-elsewhere",
        )
    )
    if target is None:
        return False
    where = Path(target).expanduser() if target else suggestion
    failed = session.write_elsewhere(where)
    if failed is not None:
        screen.notify(
            f"{failed} Nothing was closed; the records are still kept.", severity="warning", timeout=15, markup=False
        )
        return False
    screen.notify(f"The whole journal was written to {where}.", timeout=10, markup=False)
    return True
