"""The stop flags of running answers and evaluations, by browser session."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.apps.stops import Stops, session_of


def request(session: str | None) -> SimpleNamespace:
    return SimpleNamespace(session_hash=session)


def test_stop_flags_only_the_runs_of_that_session() -> None:
    stops = Stops()
    with stops.run(request("a")) as first, stops.run(request("a")) as second, stops.run(request("b")) as other:
        assert stops.running() == 3
        assert stops.stop(request("a"))
        assert first.is_set() and second.is_set()
        assert not other.is_set()
    assert stops.running() == 0


def test_a_stop_with_nothing_running_changes_nothing() -> None:
    stops = Stops()
    assert not stops.stop(request("a"))
    with stops.run(request("a")) as flag:
        assert not flag.is_set()  # an earlier stop does not stop a later run


def test_a_run_that_raises_is_forgotten() -> None:
    stops = Stops()
    try:
        with stops.run(request("a")):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert stops.running() == 0


def test_session_of_a_request_without_one() -> None:
    assert session_of(None) == "" and session_of(request(None)) == "" and session_of(request("x")) == "x"
