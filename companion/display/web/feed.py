"""What the page is told: a client view as a small JSON message, with the times the page needs.

Only what `client_view` lets through goes in: the phase's client words, the calm status lines,
and a running exercise's words, dots, stage length and breathing pattern. Times are sent as
seconds into the current stage at the moment of sending (or where the therapist holds it), so
the page counts on from its own monotonic clock and never needs the tablet's clock to be right.
The page works out the pacer from them with the same formula as `core.breathing.pacer_at`.
"""

from __future__ import annotations

import json
from typing import Any

from companion.core.client_view import ENDED, WAITING, ClientView
from companion.display.follow import SessionTime, step_dots

KEEPALIVE = json.dumps({"type": "still"})  # sent now and then, so a page can tell a dead link


def view_message(view: ClientView, session_time: SessionTime) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "view",
        "mode": view.mode,
        "words": view.text if view.mode == "session" else "",
        "status": {"waiting": WAITING, "ended": ENDED}.get(view.mode, ""),
    }
    e = view.exercise
    if view.mode == "exercise" and e is not None:
        elapsed = (
            e.held if e.held is not None else session_time.exercise_now(e.exercise_started_at) - e.stage_started_at
        )
        index, total = step_dots(e)
        exercise: dict[str, Any] = {
            "kind": e.exercise.kind,
            "stage": e.stage,
            "text": e.text or ("" if e.stage == "breathing" else e.exercise.title),
            "dots": [index, total],
            "stageSeconds": e.stage_seconds,
            "elapsed": max(0.0, elapsed),
            "held": e.held is not None,
        }
        pattern = e.exercise.pattern
        if e.stage == "breathing" and pattern is not None:
            exercise["pattern"] = {
                "in": pattern.inhale,
                "hold": pattern.hold,
                "out": pattern.exhale,
                "rest": pattern.rest,
            }
            exercise["rounds"] = e.exercise.rounds
        message["exercise"] = exercise
    return message


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
