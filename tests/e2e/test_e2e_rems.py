"""The bundled esketamine session rehearsed in a real terminal, start to end, then its REMS form.

Everything the Patient Monitoring Form asks is recorded through the keys a clinician would use:
the REMS questions, the medicines, blood pressure before dosing, at about 40 minutes and before
the end, the dose and its lot, MOAA/S and the post-session check; the discharge gate is passed
with what is still missing, and `companion report --format rems` fills every field.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from test_e2e_tmux import companion_command, pytestmark, terminal  # noqa: F401 - its marks and fixture apply here too

from companion.core.events import AssessmentFinished, DischargeChecked, DoseGiven, VitalsRecorded
from companion.core.journal.store import JournalStore, read_journal


def record_vitals(term, *fields: str, shown: str) -> None:
    term.keys("v")
    term.wait_for("Record vitals")
    for index, value in enumerate(fields):
        if index:
            term.keys("Tab")
        if value:
            term.type(value)
    term.keys("Enter")
    term.wait_for(shown)


def choose(term, *keys: str, then: str) -> None:
    """Answer items by their numbers, sent as fast as tmux sends them, then wait for `then`."""
    term.keys(*keys)
    term.wait_for(then)


def test_esketamine_rehearsed_in_tmux_gives_a_rems_form_with_no_field_missing(terminal, tmp_path):  # noqa: F811
    exe = companion_command()
    terminal.start(exe, "run", "esketamine-in", "--speed", "60", "--client", "K-21")
    terminal.wait_for("phase 1 of 5", timeout=30)

    # The REMS questions are due at once: `a` opens them.
    terminal.wait_for("a opens it")
    terminal.keys("a")
    terminal.wait_for("first esketamine treatment")
    choose(terminal, "2", "1", then="Monitoring provider")
    terminal.type("A. Example, RN")
    terminal.keys("Enter")
    terminal.wait_for("Healthcare setting")
    terminal.type("Example Clinic")
    terminal.keys("Enter")
    terminal.wait_for("Vitals acceptable before dosing")
    choose(terminal, "1", then="All items done")
    terminal.keys("Enter")
    terminal.wait_for("phase 1 of 5")

    terminal.keys("M")
    terminal.wait_for("Concomitant medicines")
    choose(terminal, "n", "n", "y", "n", "n", then="yes, taking it")
    terminal.keys("Escape")
    terminal.wait_for("phase 1 of 5")

    record_vitals(terminal, "132", "84", "70", "98", shown="BP 132/84")

    terminal.keys("n")
    terminal.wait_for("Move on to Dosing")
    terminal.keys("y")
    terminal.wait_for("Record the dose")
    terminal.type("84")
    terminal.keys("Tab", "Tab", "Tab", "Tab")
    terminal.type("LOT-5521")
    terminal.keys("Enter")
    terminal.wait_for("TIME SINCE DOSE")

    terminal.keys("n")
    terminal.wait_for("phase 3 of 5")
    terminal.keys("s")
    terminal.wait_for("Enter opens")  # the picker's own words: its titles are on the screen too
    terminal.keys("Enter")  # the phase's own assessment comes first
    terminal.wait_for("How does the client respond?")
    choose(terminal, "2", then="All items done")
    terminal.keys("Enter")
    terminal.wait_for("phase 3 of 5")
    record_vitals(terminal, "146", "90", "78", "96", "14", shown="BP 146/90")

    terminal.keys("n")
    terminal.wait_for("phase 4 of 5")
    terminal.keys("n")
    terminal.wait_for("phase 5 of 5")
    record_vitals(terminal, "128", "80", "68", "98", shown="BP 128/80")

    terminal.keys("s")
    terminal.wait_for("Enter opens")
    terminal.keys("Enter")
    terminal.wait_for("Sedation")
    choose(terminal, "2", "2", "1", then="When had they resolved?")
    now = time.strftime("%H:%M")
    terminal.type(now)
    terminal.keys("Enter")
    terminal.wait_for("Vitals acceptable before the end")
    choose(terminal, "1", "1", then="ready to leave")
    terminal.type(now)
    terminal.keys("Enter")
    terminal.wait_for("All items done")
    terminal.keys("Enter")
    terminal.wait_for("phase 5 of 5")

    # The gate lists what is missing (the checklist is not ticked) and the clinician ends anyway.
    terminal.keys("e")
    shown = terminal.wait_for("End the session anyway?")
    assert "Not ticked: Clinically stable" in shown
    terminal.keys("y")
    terminal.wait_for("Write the session report now")
    terminal.keys("n")

    deadline = time.monotonic() + 20
    while not (found := [s for s in _all_sessions(tmp_path) if s.finished]) and time.monotonic() < deadline:
        time.sleep(0.2)
    (summary,) = found
    events = read_journal(summary.path).events
    assert [e.amount for e in events if isinstance(e, DoseGiven)] == [84]
    assert len([e for e in events if isinstance(e, VitalsRecorded)]) == 3
    assert {e.run for e in events if isinstance(e, AssessmentFinished)} == {
        "rems-enrolment#1",
        "moaa-s#1",
        "post-session-check#1",
    }
    (check,) = [e for e in events if isinstance(e, DischargeChecked)]
    assert check.ended and "Not ticked: Clinically stable" in check.missing

    form = subprocess.run(
        [exe, "report", str(summary.path), "--format", "rems"],
        env={**os.environ, **terminal.env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "not recorded" not in form, form
    assert "26 of 26 fields filled" in form
    assert "- **Dose:** 84 mg" in form and "LOT-5521" in form
    assert "- **Blood pressure before dosing:** 132/84" in form
    assert "- **Blood pressure about 40 minutes after dosing:** 146/90" in form
    assert "- **Blood pressure before the end of monitoring:** 128/80" in form
    assert "- **Sedation ratings (MOAA/S):** 4 at" in form


def _all_sessions(tmp_path):
    """Every journal under the test's private folders: rehearsals are kept apart from real sessions."""
    found = []
    for folder in (tmp_path / "tmp").glob("*"):
        if folder.is_dir():
            found += JournalStore(folder).list_sessions()
    return found


def test_killed_mid_phq9_the_resumed_console_continues_the_form_at_the_next_item(terminal):  # noqa: F811
    exe = companion_command()
    terminal.start(exe, "run", "esketamine-in", "--client", "K-22")
    terminal.wait_for("phase 1 of 5", timeout=30)
    terminal.keys("s")
    terminal.wait_for("Enter opens")
    terminal.keys("Down", "Enter")  # the phase's own: REMS enrolment, then PHQ-9
    terminal.wait_for("Little interest or pleasure")
    choose(terminal, "2", "3", "1", then="Item 4 of 10")
    pid = terminal.pid()
    os.kill(pid, signal.SIGKILL)  # no chance to close anything
    terminal.wait_until_gone(pid)
    terminal.respawn(exe, "resume")
    terminal.wait_for("PHQ-9 left open, 3 answered", timeout=30)
    terminal.keys("s")
    terminal.wait_for("Continue PHQ-9")
    terminal.keys("Enter")
    shown = terminal.wait_for("Item 4 of 10")
    assert "Feeling tired or having little energy" in shown
