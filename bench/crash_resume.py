"""Crash and resume: SIGKILL the console at random moments of an accelerated session, then resume.

Runs the installed `companion` command in tmux (a private tmux server), on the bundled demo
script at --speed 60 (a rehearsal, so its journal lives in the rehearsal store under TMPDIR).
Between kills it presses keys as a therapist would (a note, vitals, pause, next phase,
+5 minutes), each time waiting until the screen shows the result. Then it kills the process at
a random (seeded) moment, sometimes in the middle of typing a note or vitals, and checks:

- every event the screen showed as recorded is in the journal (notes by their text, vitals
  by their numbers, the phase reached, paused or not);
- `companion resume` shows exactly the state the journal holds: the phase title and number,
  PAUSED or not, the latest notes and the last vitals reading, as compute_state over
  read_journal gives them at the moment of the screen capture.

    python bench/crash_resume.py [--kills 20] [--seed 7] [--encrypt]

With --encrypt the session runs with `run --encrypt` (passphrase in COMPANION_PASSPHRASE), so
the same guarantees are checked on sealed journal lines.

Prints the kills survived beside the kills tried and the seconds per kill; exit 1 on any
mismatch. tests/test_crash_resume.py runs the same engine with fewer kills.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.core.events import NoteAdded, VitalsRecorded  # noqa: E402
from companion.core.journal.store import JournalStore, read_journal  # noqa: E402
from companion.core.scripts.library import load_library  # noqa: E402
from companion.core.timeline import compute_state  # noqa: E402

SPEED = 60.0
SCRIPT_ID = "demo"
PHASE_LINE = re.compile(r"phase (\d+) of (\d+)")


def companion_command() -> str | None:
    beside = Path(sys.executable).parent / "companion"
    return str(beside) if beside.exists() else shutil.which("companion")


class Terminal:
    """One tmux server of our own (private socket) running one window."""

    def __init__(self, env: dict[str, str], width: int = 110, height: int = 34) -> None:
        self.socket = f"companion-rel-{uuid.uuid4().hex[:10]}"
        self.env = env
        self.width, self.height = width, height
        self.name = "console"
        self._config = Path(env["TMPDIR"]) / f"{self.socket}.conf"
        self._config.write_text(f"set -g default-size {width}x{height}\nset -g remain-on-exit on\n")

    def tmux(self, *args: str, check: bool = True) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=check, capture_output=True, text=True, timeout=20
        ).stdout

    def _command(self, argv: tuple[str, ...]) -> str:
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env.items())
        return f"exec env -u COLUMNS -u LINES {exports} {' '.join(shlex.quote(a) for a in argv)}"

    def start(self, *argv: str) -> None:
        self.tmux(
            "-f",
            str(self._config),
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            self._command(argv),
        )

    def respawn(self, *argv: str) -> None:
        """Run `argv` in the same (dead) pane: the tmux server and the window size stay."""
        self.tmux("respawn-pane", "-k", "-t", self.name, self._command(argv))

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, predicate, timeout: float = 20.0, what: str = "") -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if predicate(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{what or predicate} never appeared; the screen shows:\n{shown}")
            time.sleep(0.1)

    def wait_text(self, text: str, timeout: float = 20.0) -> str:
        return self.wait_for(lambda shown: text in shown, timeout, repr(text))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def dead(self) -> bool:
        return self.tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "1"

    def exit_status(self, timeout: float = 3.0) -> str:
        """The exit status of the dead pane's process, "signal N" when a signal ended it, or
        "unknown" when tmux recorded neither (it marks a pane dead at the terminal's end of
        file, and now and then never learns the status)."""
        deadline = time.monotonic() + timeout
        while True:
            status, signal_number = (
                self.tmux("display-message", "-p", "-t", self.name, "#{pane_dead_status}:#{pane_dead_signal}")
                .strip()
                .split(":")
            )
            if status:
                return status
            if signal_number:
                return f"signal {signal_number}"
            if time.monotonic() > deadline:
                return "unknown"
            time.sleep(0.1)

    def kill_process(self, timeout: float = 15.0) -> None:
        os.kill(self.pid(), signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while not self.dead():
            if time.monotonic() > deadline:
                raise AssertionError("the console did not die after SIGKILL")
            time.sleep(0.05)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def private_env(root: Path) -> dict[str, str]:
    """Data, config, cache and TMPDIR (where rehearsal journals go) all under `root`."""
    for name in ("data", "config", "cache", "tmp"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return {
        "COMPANION_DATA_DIR": str(root / "data"),
        "COMPANION_CONFIG_DIR": str(root / "config"),
        "COMPANION_CACHE_DIR": str(root / "cache"),
        "TMPDIR": str(root / "tmp"),
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
        "TERM": "xterm-256color",
    }


@dataclass
class Shown:
    """What the screen showed as recorded before the kill."""

    notes: list[str] = field(default_factory=list)
    vitals: list[tuple[int, int]] = field(default_factory=list)  # (systolic, heart rate)
    phase_number: int = 1
    paused: bool = False


@dataclass
class Outcome:
    kills: int = 0
    survived: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)


def shown_phase(screen: str) -> int:
    found = PHASE_LINE.search(screen)
    if not found:
        raise AssertionError(f"no phase line on the screen:\n{screen}")
    return int(found.group(1))


def phase_or_zero(screen: str) -> int:
    found = PHASE_LINE.search(screen)
    return int(found.group(1)) if found else 0


def session_screen(screen: str) -> bool:
    return PHASE_LINE.search(screen) is not None and "Notes" in screen


PASSPHRASE = "crash and resume"


class CrashRun:
    def __init__(self, root: Path, seed: int, encrypt: bool = False) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.encrypt = encrypt
        self.env = private_env(root)
        if encrypt:
            self.env["COMPANION_PASSPHRASE"] = PASSPHRASE
        self.term = Terminal(self.env)
        self.exe = companion_command()
        if self.exe is None:
            raise RuntimeError("the companion command is not installed")
        self._saved = {k: os.environ.get(k) for k in self.env if k.startswith("COMPANION_")}
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("COMPANION_")})
        self.script = load_library([]).session(SCRIPT_ID)
        self.shown = Shown()
        self.note_count = 0
        self.vitals_count = 0

    # -- the journal ------------------------------------------------------------------------

    def journal_path(self) -> Path:
        rehearsals = Path(self.env["TMPDIR"]) / f"session-companion-rehearsal-{os.getuid()}"
        sessions = JournalStore(rehearsals).list_sessions() or JournalStore(rehearsals.parent).list_sessions()
        if len(sessions) != 1:
            raise AssertionError(f"expected one rehearsal journal in {rehearsals}, found {len(sessions)}")
        return sessions[0].path

    def state_at(self, contents, virtual_now: float):
        return compute_state(self.script, list(contents.events), virtual_now)

    def virtual_now(self, contents) -> float:
        header = contents.header
        last = max((event.at for event in contents.events), default=header.created)
        return max(header.created + (time.time() - header.created) * header.speed, last)

    # -- keys -------------------------------------------------------------------------------

    def act(self, finish: bool = True) -> str:
        """One random action; with finish=False it may stop half way (a note typed, not sent)."""
        name = self.rng.choice(["note", "note", "vitals", "pause", "next", "extend"])
        screen = self.term.screen()
        if name == "note":
            self.note_count += 1
            text = f"crash note {self.note_count}"
            self.term.keys("t")
            self.term.wait_text("The time is added")
            self.term.type(text)
            if not finish:
                return "note (typed, not sent)"
            self.term.keys("Enter")
            # Shown as recorded: in the notes panel, the note dialog closed.
            self.term.wait_for(lambda s: text in s and "The time is added" not in s, what=f"the note {text!r}")
            self.shown.notes.append(text)
        elif name == "vitals":
            self.vitals_count += 1
            systolic, rate = 100 + self.vitals_count, 60 + self.vitals_count
            self.term.keys("v")
            self.term.wait_text("Record vitals")
            self.term.type(str(systolic))
            self.term.keys("Tab")
            self.term.type("70")
            self.term.keys("Tab")
            self.term.type(str(rate))
            if not finish:
                return "vitals (typed, not sent)"
            self.term.keys("Enter")
            shown = f"BP {systolic}/70  HR {rate}"
            self.term.wait_for(lambda s: shown in s and "Record vitals" not in s, what=shown)
            self.shown.vitals.append((systolic, rate))
        elif name == "pause":
            was = "PAUSED" in screen
            self.term.keys("space")
            self.term.wait_for(lambda s: ("PAUSED" in s) != was, what="the pause mark to change")
            self.shown.paused = not was
        elif name == "next":
            number, total = (int(x) for x in PHASE_LINE.search(screen).groups())
            if number == total:
                return "next (last phase: skipped)"
            self.term.keys("n")
            shown = self.term.wait_for(
                lambda s: "Move on" in s or "Amount" in s or phase_or_zero(s) > number,
                what="the next phase or a question",
            )
            if "Move on" in shown:  # the checklist is not complete
                self.term.keys("y")
                shown = self.term.wait_for(lambda s: "Amount" in s or phase_or_zero(s) > number, what="next phase")
            reached = phase_or_zero(shown)
            if "Amount" in shown or reached and self.script.phases[reached - 1].dose:
                # Entering the dosing phase asks for the dose (the form may open a moment later).
                self.term.wait_text("Record the dose")
                self.term.keys("Escape")
                shown = self.term.wait_for(
                    lambda s: "Record the dose" not in s and phase_or_zero(s) > 0, what="the dose form to close"
                )
            self.shown.phase_number = shown_phase(shown)
            self.shown.paused = "PAUSED" in shown  # a new phase starts with its clock running
        else:
            self.term.keys("+")
            time.sleep(0.2)
        self.outcome.actions[name] = self.outcome.actions.get(name, 0) + 1
        return name

    # -- one cycle --------------------------------------------------------------------------

    def cycle(self, index: int) -> None:
        for _ in range(self.rng.randint(1, 3)):
            self.act()
        if self.rng.random() < 0.25:
            self.act(finish=False)  # killed while a note or vitals are typed but not sent
        time.sleep(self.rng.uniform(0.0, 1.5))
        self.term.kill_process()
        self.outcome.kills += 1
        self.check_journal(index)
        self.term.respawn(self.exe, "resume")
        self.term.wait_for(session_screen, what="the resumed session")
        screen = self.check_resumed(index)  # a screen that matched the journal: the new baseline
        self.shown.phase_number = shown_phase(screen)
        self.shown.paused = "PAUSED" in screen

    def check_journal(self, index: int) -> None:
        contents = read_journal(self.journal_path())
        notes = [event.text for event in contents.events if isinstance(event, NoteAdded)]
        missing = [text for text in self.shown.notes if text not in notes]
        readings = [(e.systolic, e.heart_rate) for e in contents.events if isinstance(e, VitalsRecorded)]
        missing += [f"vitals {reading}" for reading in self.shown.vitals if reading not in readings]
        state = self.state_at(contents, self.virtual_now(contents))
        problems = []
        if missing:
            problems.append(f"shown but not journaled: {missing}")
        if state.phase_index + 1 < self.shown.phase_number:
            problems.append(f"phase {self.shown.phase_number} was shown, the journal has {state.phase_index + 1}")
        if state.paused != self.shown.paused:
            problems.append(f"paused was shown {self.shown.paused}, the journal says {state.paused}")
        if problems:
            events = "\n".join(f"  {event}" for event in contents.events[-8:])
            raise AssertionError(f"kill {index}: " + "; ".join(problems) + f"; the journal ends with:\n{events}")

    def check_resumed(self, index: int) -> str:
        """The resumed screen shows what compute_state over the journal gives, at that moment."""
        for _attempt in range(30):
            contents = read_journal(self.journal_path())
            before = self.state_at(contents, self.virtual_now(contents))
            screen = self.term.screen()
            after = self.state_at(contents, self.virtual_now(contents))
            mismatch = [self.mismatch(screen, state) for state in (before, after)]
            if not all(mismatch):
                return screen
            time.sleep(0.2)  # the screen may not have painted every widget yet
        raise AssertionError(f"kill {index}: after resume, {mismatch[0]}; the screen shows:\n{screen}")

    @staticmethod
    def mismatch(screen: str, state) -> str:
        total = len(state.script.phases)
        if f"phase {state.phase_index + 1} of {total}" not in screen:
            return f"the journal is at phase {state.phase_index + 1} of {total}"
        if state.phase.title not in screen:
            return f"the phase title {state.phase.title!r} is not shown"
        if state.paused != ("PAUSED" in screen):
            return f"the journal says paused={state.paused}"
        for note in state.notes[-4:]:
            if note.text not in screen:
                return f"the note {note.text!r} is not shown"
        if state.vitals:
            last = state.vitals[-1]
            if f"BP {last.systolic}/{last.diastolic}  HR {last.heart_rate}" not in screen:
                return f"the last vitals ({last.systolic}/{last.diastolic}) are not shown"
        return ""

    def run(self, kills: int) -> Outcome:
        self.outcome = Outcome()
        started = time.monotonic()
        try:
            extra = ["--encrypt"] if self.encrypt else []
            self.term.start(self.exe, "run", SCRIPT_ID, "--speed", f"{SPEED:g}", "--client", "CR-1", *extra)
            self.term.wait_for(session_screen, what="the session screen")
            for index in range(1, kills + 1):
                try:
                    self.cycle(index)
                except AssertionError as error:
                    self.outcome.failures.append(str(error))
                    break
                self.outcome.survived += 1
            if self.encrypt and b"crash note" in self.journal_path().read_bytes():
                self.outcome.failures.append("a note is readable in the encrypted journal")
        finally:
            self.outcome.seconds = time.monotonic() - started
            self.term.close()
            for key, value in self._saved.items():  # this process's environment as it was
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return self.outcome


def run_kills(kills: int, seed: int, root: Path | None = None, encrypt: bool = False) -> Outcome:
    if root is not None:
        return CrashRun(root, seed, encrypt).run(kills)
    with tempfile.TemporaryDirectory(prefix="companion-crash-") as folder:
        return CrashRun(Path(folder), seed, encrypt).run(kills)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--encrypt", action="store_true", help="run the session with --encrypt")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 1
    outcome = run_kills(args.kills, args.seed, encrypt=args.encrypt)
    per_kill = outcome.seconds / max(1, outcome.kills)
    kind = "encrypted journal" if args.encrypt else "plain journal"
    print(
        f"kills survived: {outcome.survived} of {args.kills} tried ({kind}, seed {args.seed}); "
        f"{outcome.seconds:.1f} s in all, {per_kill:.1f} s per kill and resume"
    )
    print(f"actions between kills: {dict(sorted(outcome.actions.items()))}")
    for failure in outcome.failures:
        print(f"FAILED: {failure}")
    return 0 if outcome.survived == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
