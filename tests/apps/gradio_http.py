"""Raw HTTP against a running Gradio server: `/ask` through `/gradio_api/call/`, chat events through the queue.

What an attacker's script or a reverse proxy sends: plain requests with any headers (X-Forwarded-For) and any
session hash, no gradio_client in between. Used by the real-server tests and scripts/measure_public.py.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

TIMEOUT = 120.0


def _post(url: str, body: object, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST JSON; (status, parsed JSON or text)."""
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _events(url: str, headers: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Read a server-sent event stream to its end: (event name, data) pairs."""
    request = urllib.request.Request(url, headers=headers or {})
    events: list[tuple[str, str]] = []
    name = ""
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                events.append((name, line[5:].strip()))
    return events


def ask(base: str, question: object, history: object = None, *, session: str | None = None,
        headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One `/ask` call over plain HTTP (POST /gradio_api/call/ask, then its event stream): the reply dict."""
    body: dict[str, Any] = {"data": [question, history]}
    if session is not None:
        body["session_hash"] = session
    status, reply = _post(f"{base}gradio_api/call/ask", body, headers)
    if status != 200:
        raise RuntimeError(f"/ask answered HTTP {status}: {reply}")
    for name, data in _events(f"{base}gradio_api/call/ask/{reply['event_id']}", headers):
        if name == "complete":
            return dict(json.loads(data)[0])
        if name == "error":
            raise RuntimeError(f"/ask failed: {data}")
    raise RuntimeError("/ask stream ended without a result")


def dependency_ids(base: str) -> dict[str, int]:
    """Event handler ids of the chat page by (elem_id or label):event, e.g. "question:submit", "chatbot:like"."""
    with urllib.request.urlopen(f"{base}config", timeout=TIMEOUT) as response:
        config = json.loads(response.read().decode("utf-8"))
    names = {c["id"]: c.get("props", {}).get("elem_id") or c.get("props", {}).get("label") or str(c["id"])
             for c in config["components"]}
    ids: dict[str, int] = {}
    for dep in config["dependencies"]:
        for target, event in dep["targets"]:
            ids.setdefault(f"{names.get(target, target)}:{event}", dep["id"])
    return ids


class ChatSession:
    """One browser session over the queue, as the page's own JavaScript drives it: ask in the chat, rate answers."""

    def __init__(self, base: str, headers: dict[str, str] | None = None, session: str | None = None) -> None:
        self.base = base
        self.headers = headers or {}
        self.session = session or uuid.uuid4().hex[:11]
        self.ids = dependency_ids(base)
        self.messages: list[dict[str, Any]] = []

    def _run(self, fn: int, data: list[Any], event_data: Any = None) -> dict[str, Any]:
        """Join the queue with one event and read this session's stream until it completes."""
        body = {"data": data, "fn_index": fn, "session_hash": self.session, "event_data": event_data,
                "trigger_id": None}
        status, reply = _post(f"{self.base}gradio_api/queue/join", body, self.headers)
        if status != 200:
            raise RuntimeError(f"queue/join answered HTTP {status}: {reply}")
        for _, data_line in _events(f"{self.base}gradio_api/queue/data?session_hash={self.session}", self.headers):
            msg = json.loads(data_line)
            if msg.get("msg") == "process_completed" and msg.get("event_id") == reply["event_id"]:
                return dict(msg)
        raise RuntimeError("queue stream ended without completing the event")

    def ask(self, question: str) -> str:
        """Submit a question in the chat box; the HTML of the answer message."""
        msg = self._run(self.ids["question:submit"], [question, None])
        if not msg.get("success"):
            raise RuntimeError(f"chat failed: {msg}")
        output = msg["output"]["data"][0]
        self.messages = output if isinstance(output, list) else self.messages
        if not self.messages:
            return ""
        content = self.messages[-1]["content"]  # a string, or a list of {"type": "text", "text": …} parts
        return content if isinstance(content, str) else "".join(str(p.get("text", "")) for p in content)

    def filter_units(self, query: str, kind: str = "全部") -> dict[str, Any]:
        """Type into 部门任务一览's filter: the completed event (the table and a fresh CSV download)."""
        return self._run(self.ids["筛选单位:change"], [query, kind])

    def rate(self, message_index: int, liked: bool = True) -> dict[str, Any]:
        """Press 有用 (or 没用) under one message: the completed event."""
        event = {"index": [message_index, None], "value": None, "liked": liked}
        return self._run(self.ids["chatbot:like"], [None], event)
