"""Measure the public-deployment figures of issue 14 on the real server (app.py on loopback), as JSON.

    .venv/bin/python scripts/measure_public.py [--out figures.json]

Figures: answers for 20 colleagues at one address, a 40-question flood from one session, forged X-Forwarded-For
(without and with a trusted proxy), bytes written per flood (feedback, /ask, upload), temp folders left behind,
and what the audit log keeps of personal data typed into a question.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradio_client import Client  # noqa: E402

from assistant.settings import Settings  # noqa: E402
from tests.apps import gradio_http  # noqa: E402
from tests.web_server import Server, start_server  # noqa: E402

PERSONAL = "我叫张三,电话13812345678,身份证号320102199001011234,邮箱zhang.san@example.com,住中山北路88号3栋502室,区商务局负责哪些任务?"


def size(path: Path) -> int:
    """Bytes in a file or under a folder (0 when missing)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def colleagues(server: Server) -> int:
    """20 sessions from one address asking at once: how many got an answer (not rate-limited)."""
    barrier = threading.Barrier(20)

    def one(i: int) -> str:
        client = Client(server.url, verbose=False)
        barrier.wait(timeout=120)
        return str(client.predict(f"区商务局负责哪些任务?{i}", api_name="/ask")["route"])

    with ThreadPoolExecutor(20) as pool:
        routes = list(pool.map(one, range(20)))
    return sum(r != "rate_limited" for r in routes)


def flood(server: Server, n: int = 40) -> dict[str, Any]:
    """One API session asking n quick questions: how many were refused, and the reply to the first refusal."""
    client = Client(server.url, verbose=False)
    replies = [client.predict("江豚公园谁负责?", api_name="/ask") for _ in range(n)]
    refused = [r for r in replies if r["route"] == "rate_limited"]
    return {"asked": n, "refused": len(refused), "first_refusal": refused[0] if refused else None}


def forged(server: Server) -> dict[str, Any]:
    """Exhaust one address's quota with plain requests, then send 10 with made-up X-Forwarded-For addresses."""
    plain = [gradio_http.ask(server.url, "江豚公园谁负责?") for _ in range(40)]
    fakes = [f"203.0.113.{i}" for i in range(1, 10)] + ["evil-not-an-ip"]
    spoofed = [gradio_http.ask(server.url, "江豚公园谁负责?", headers={"X-Forwarded-For": f}) for f in fakes]
    return {"plain_answered": sum(r["route"] != "rate_limited" for r in plain), "plain_sent": len(plain),
            "forged_answered": sum(r["route"] != "rate_limited" for r in spoofed), "forged_sent": len(spoofed),
            "evil_answered": spoofed[-1]["route"] != "rate_limited"}


def feedback_flood(server: Server, folder: Path, n: int = 200) -> dict[str, Any]:
    """One session rates its one answer n times: lines and bytes added to the feedback file."""
    path = folder / "feedback" / "feedback.jsonl"
    chat = gradio_http.ChatSession(server.url)
    chat.ask("区商务局负责哪些任务?")
    before_bytes, before_lines = size(path), (len(path.read_text("utf-8").splitlines()) if path.exists() else 0)
    started = time.perf_counter()
    for i in range(n):
        chat.rate(1, liked=i % 2 == 0)
    lines = len(path.read_text("utf-8").splitlines()) if path.exists() else 0
    return {"events": n, "lines_added": lines - before_lines, "bytes_added": size(path) - before_bytes,
            "seconds": round(time.perf_counter() - started, 1)}


def ask_flood(server: Server, folder: Path, n: int = 100) -> dict[str, Any]:
    """One session sends n /ask calls of 2,000 characters: bytes added to the audit log."""
    path = folder / "audit"
    before = size(path)
    client = Client(server.url, verbose=False)
    routes = [client.predict("区" * 2000, api_name="/ask")["route"] for _ in range(n)]
    return {"calls": n, "rate_limited": routes.count("rate_limited"), "bytes_added": size(path) - before}


def upload(server: Server, folder: Path, megabytes: int = 20) -> dict[str, Any]:
    """POST a file to /gradio_api/upload anonymously: the HTTP status and bytes kept in Gradio's temp folder."""
    boundary = uuid.uuid4().hex
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.bin\"\r\n"
               "Content-Type: application/octet-stream\r\n\r\n").encode() + b"\0" * (megabytes << 20) + \
        f"\r\n--{boundary}--\r\n".encode()
    before = size(folder / "gradio")
    status: int | str
    request = urllib.request.Request(f"{server.url}gradio_api/upload", data=payload, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, ConnectionError):
        status = "reset"  # refused before the body was read: the connection closed under the sender
    return {"sent_mb": megabytes, "status": status, "bytes_kept": size(folder / "gradio") - before}


def masking(server: Server, folder: Path) -> dict[str, Any]:
    """Ask one question full of personal data through /ask and the chat; what the audit and feedback files keep."""
    Client(server.url, verbose=False).predict(PERSONAL, api_name="/ask")
    chat = gradio_http.ChatSession(server.url)
    chat.ask(PERSONAL)
    chat.rate(1)
    audit = [json.loads(line) for p in sorted((folder / "audit").glob("audit.jsonl*"))
             for line in p.read_text("utf-8").splitlines()]
    feedback_path = folder / "feedback" / "feedback.jsonl"
    feedback = [json.loads(line) for line in feedback_path.read_text("utf-8").splitlines()] if feedback_path.exists() else []
    return {"typed": PERSONAL,
            "audit_keeps": [e.get("question") for e in audit if "区商务局负责哪些任务" in str(e.get("question"))][-1:],
            "feedback_keeps": [e.get("question") for e in feedback][-1:]}


def temp_folders() -> list[str]:
    """The web app's own temp folders in the system temp dir."""
    return sorted(glob.glob(str(Path(tempfile.gettempdir()) / "assistant-web-*")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="measure-public-"))
    index = base / "index"
    defaults = Settings.from_env(environ={})
    default_limit = str(defaults.rate_limit_per_minute)
    figures: dict[str, Any] = {"temp_folders_before": len(temp_folders())}
    env = {"ASSISTANT_RATE_LIMIT": default_limit, "ASSISTANT_INDEX_DIR": str(index),
           # tests/web_server.py turns every limit off for the shared test server: keep the defaults here
           "ASSISTANT_ADDRESS_RATE_LIMIT": str(getattr(defaults, "address_rate_limit_per_minute", 0)),
           "ASSISTANT_FEEDBACK_RATE_LIMIT": str(getattr(defaults, "feedback_rate_limit_per_minute", 0))}

    def fresh(name: str, extra: dict[str, str] | None = None) -> tuple[Server, Path]:
        folder = base / name
        folder.mkdir()
        return start_server(folder, {**env, **(extra or {})}), folder

    server, folder = fresh("colleagues")
    try:
        figures["temp_folders_running"] = len(temp_folders())
        figures["colleagues_answered_of_20"] = colleagues(server)
    finally:
        server.stop()
    figures["temp_folders_after_stop"] = len(temp_folders())
    for name, extra in (("flood", None), ("forged", None), ("forged_trusted", {"ASSISTANT_TRUSTED_PROXIES": "127.0.0.1"})):
        server, folder = fresh(name, extra)
        try:
            figures[name] = flood(server) if name == "flood" else forged(server)
        finally:
            server.stop()
    server, folder = fresh("disk")
    try:
        figures["feedback_flood"] = feedback_flood(server, folder)
        figures["ask_flood"] = ask_flood(server, folder)
        figures["upload"] = upload(server, folder)
    finally:
        server.stop()
    server, folder = fresh("privacy", {"ASSISTANT_RATE_LIMIT": "0"})
    try:
        figures["masking"] = masking(server, folder)
    finally:
        server.stop()
    figures["temp_folders_end"] = len(temp_folders())
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
