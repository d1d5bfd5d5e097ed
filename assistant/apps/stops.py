"""Stopping a running answer or evaluation: cooperative, per browser session.

Gradio's `cancels=` is not used for this. It cannot interrupt the step a generator is in (the answer being computed),
so the browser waits on its `/cancel` call for as long as that step takes, and a question asked in that time was
dropped without a word (the event still counted as running), while an update already on its way could arrive after
the stop and show a run that looks alive. Instead the stop button flags the session's runs; each run checks its flag
between steps and ends with its own "stopped" update, so that update is always the last one the page receives.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def session_of(request: Any) -> str:
    """The browser session a request comes from ("" when Gradio gives none)."""
    return str(getattr(request, "session_hash", None) or "")


class Stops:
    """The stop flags of the runs in progress, by session."""

    def __init__(self) -> None:
        self._runs: dict[str, set[threading.Event]] = {}
        self._lock = threading.Lock()

    @contextmanager
    def run(self, request: Any) -> Iterator[threading.Event]:
        """A run of this request's session, for as long as the block lasts: the flag that says it was stopped."""
        session, flag = session_of(request), threading.Event()
        with self._lock:
            self._runs.setdefault(session, set()).add(flag)
        try:
            yield flag
        finally:
            with self._lock:
                runs = self._runs.get(session, set())
                runs.discard(flag)
                if not runs:
                    self._runs.pop(session, None)

    def stop(self, request: Any) -> bool:
        """Flag every run of this request's session; whether there was one."""
        with self._lock:
            runs = list(self._runs.get(session_of(request), ()))
        for flag in runs:
            flag.set()
        return bool(runs)

    def running(self) -> int:
        """How many runs are in progress, in all sessions."""
        with self._lock:
            return sum(len(runs) for runs in self._runs.values())
