"""The web app under load: app.py on a loopback port, /ask clients, one client in turn and a closed-loop generator."""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .measure import ROOT, LoadSampler, loadavg, stats
from .questions import BenchQuestion
from .workers import child_env

NOT_ANSWERED = ("rate_limited", "error")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class App:
    """app.py as a subprocess on a free loopback port (as tests/web_server.py starts it), its files in `folder`."""

    def __init__(self, folder: Path, index_dir: Path, extra_env: dict[str, str] | None = None,
                 start_timeout: float = 600.0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = child_env(extra_env)
        # everything the app writes stays in the bench folder; the per-address rate limit is off, since every
        # client of the load generator comes from 127.0.0.1 (with it, most replies would be "rate_limited")
        env.update({"ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_FEEDBACK_PATH": str(folder / "feedback.jsonl"),
                    "ASSISTANT_AUDIT_PATH": str(folder / "audit.jsonl"), "ASSISTANT_RATE_LIMIT": "0", "ASSISTANT_ADDRESS_RATE_LIMIT": "0",
                    "GRADIO_TEMP_DIR": str(folder / "gradio"), "GRADIO_ANALYTICS_ENABLED": "False"})
        self.settings_note = "ASSISTANT_RATE_LIMIT=0 and ASSISTANT_ADDRESS_RATE_LIMIT=0, audit log on (in the bench folder)"
        self.log_path = folder / "server.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        start = time.monotonic()
        while time.monotonic() - start < start_timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=5) as response:
                    if response.status == 200:
                        self.start_s = round(time.monotonic() - start, 2)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"app.py did not answer within {start_timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def cpu_s(self) -> float:
        """CPU seconds the server process has used so far (user + system)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def answered(reply: Any) -> str:
    """"" when the /ask reply is an answer, else why it is not (counted as an error by the benchmark)."""
    if not isinstance(reply, dict) or not reply.get("answer"):
        return f"bad reply: {str(reply)[:100]}"
    if reply.get("route") in NOT_ANSWERED:
        return f"route {reply.get('route')}"
    return ""


class GradioAsk:
    """One virtual user: gradio_client's Client, as the README calls /ask."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self._client = Client(url, verbose=False)

    def __call__(self, question: str, history: Sequence[str] = ()) -> dict[str, Any]:
        if history:
            return self._client.predict(question, history=list(history), api_name="/ask")  # type: ignore[no-any-return]
        return self._client.predict(question, api_name="/ask")  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # noqa: BLE001 - closing a finished client must not fail a benchmark
            pass


class RawAsk:
    """One virtual user speaking Gradio's HTTP API to /ask directly (POST /gradio_api/call/ask, then read the
    event stream), over one keep-alive connection: the same endpoint and queue as gradio_client, at ~2 ms of
    client CPU per request instead of ~50 (gradio_client opens a new connection and stream thread per call)."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        import httpx

        self._http = httpx.Client(base_url=url, timeout=timeout)

    def __call__(self, question: str, history: Sequence[str] = ()) -> dict[str, Any]:
        posted = self._http.post("gradio_api/call/ask", json={"data": [question, list(history)]})
        posted.raise_for_status()
        event_id = posted.json()["event_id"]
        event, data = "", ""
        with self._http.stream("GET", f"gradio_api/call/ask/{event_id}") as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                    if event in ("complete", "error"):
                        break
        if event != "complete":
            raise RuntimeError(f"/ask ended with event {event!r}: {data[:200]}")
        reply = json.loads(data)
        return reply[0] if isinstance(reply, list) and reply else reply  # type: ignore[no-any-return]

    def close(self) -> None:
        self._http.close()


CLIENTS: dict[str, Callable[[str], Any]] = {"raw": RawAsk, "gradio_client": GradioAsk}


def http_sequential(app: App, questions: Sequence[BenchQuestion], rounds: int, kind: str = "raw") -> dict[str, Any]:
    """One client, every question (with its history) `rounds` times: /ask latency per route."""
    client = CLIENTS[kind](app.url)
    cpu = time.process_time()
    by_route: dict[str, list[float]] = {}
    errors: list[str] = []
    load_before = loadavg()
    try:
        for q in questions[: min(len(questions), 5)]:
            client(q.question, q.history)  # warm-up
        for _ in range(rounds):
            for q in questions:
                start = time.perf_counter()
                try:
                    reply = client(q.question, q.history)
                    ms = (time.perf_counter() - start) * 1000
                    problem = answered(reply)
                    if problem:
                        errors.append(problem)
                    else:
                        by_route.setdefault(str(reply.get("route", "?")), []).append(ms)
                except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        client.close()
    all_ms = [x for v in by_route.values() for x in v]
    cpu = time.process_time() - cpu
    return {"client": kind, "questions": len(questions), "rounds": rounds, "overall": stats(all_ms),
            "client_cpu_ms_per_request": round(cpu * 1000 / max(1, len(all_ms) + 5), 2),
            "routes": {r: stats(v) for r, v in sorted(by_route.items())}, "errors": len(errors),
            "error_samples": errors[:5], "load": {"before": load_before, "after": loadavg()}}


def http_load(app: App, clients: int, questions: Sequence[BenchQuestion], total: int, time_cap: float,
              kind: str = "raw") -> dict[str, Any]:
    """`clients` threads, each its own client and connection, each asking its share of `total` questions in turn
    (no think time, a closed loop); stops early at `time_cap` seconds. Throughput counts successful replies."""
    per_client = max(3, math.ceil(total / clients))
    users = [CLIENTS[kind](app.url) for _ in range(clients)]
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def user(i: int) -> None:
        barrier.wait()
        for j in range(per_client):
            if time.monotonic() > deadline[0]:
                return
            q = questions[(i * 7 + j) % len(questions)]
            start = time.perf_counter()
            try:
                reply = users[i](q.question)
                err = answered(reply)
                ok = not err
            except Exception as exc:  # noqa: BLE001 - counted as an error
                ok, err = False, f"{type(exc).__name__}: {exc}"[:200]
            ms = (time.perf_counter() - start) * 1000
            with lock:
                if ok:
                    lat.append(ms)
                else:
                    errors.append(err)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(clients)]
    for th in threads:
        th.start()
    load_before = loadavg()
    cpu_server, cpu_client = app.cpu_s(), time.process_time()
    deadline[0] = time.monotonic() + time_cap
    with LoadSampler(2.0) as sampler:
        barrier.wait()
        start = time.perf_counter()
        for th in threads:
            th.join(time_cap + 120)
        wall = time.perf_counter() - start
    cpu_server, cpu_client = app.cpu_s() - cpu_server, time.process_time() - cpu_client
    for u in users:
        u.close()
    return {"client": kind, "clients": clients, "requests": len(lat) + len(errors), "ok": len(lat), "errors": len(errors),
            "error_samples": errors[:5], "wall_s": round(wall, 2), "throughput_rps": round(len(lat) / wall, 2),
            "latency": stats(lat), "timed_out": any(th.is_alive() for th in threads) or wall >= time_cap,
            "server_cpu_s": round(cpu_server, 2), "client_cpu_s": round(cpu_client, 2),
            "load": {"before": load_before, "after": loadavg(), "sampled_1min": sampler.summary()}}
