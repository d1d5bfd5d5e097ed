"""The real web app (`python app.py`) as a subprocess on a free loopback port, shared by the web and browser tests.

`running_server(request, tmp_path_factory)` starts it once per test session (its own index folder and feedback
file under pytest's temp dir), waits until it answers, and stops it when the session ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 300.0  # seconds: loading the model and building the index of a fresh folder


def free_port() -> int:
    """A port nobody listens on right now (bind port 0 on loopback and let the kernel pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    feedback_path: Path
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_server(folder: Path, extra_env: dict[str, str] | None = None) -> Server:
    """Start app.py on a free loopback port with everything it writes under `folder`; return once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_WEB_")}
    env.update(
        {
            "ASSISTANT_INDEX_DIR": str(folder / "index"),
            "ASSISTANT_FEEDBACK_PATH": str(folder / "feedback" / "feedback.jsonl"),
            "GRADIO_TEMP_DIR": str(folder / "gradio"),
            "GRADIO_ANALYTICS_ENABLED": "False",
            "PYTHONUNBUFFERED": "1",
            # every test client comes from 127.0.0.1: the shared server must not rate-limit them as one client
            "ASSISTANT_RATE_LIMIT": "0",
            "ASSISTANT_ADDRESS_RATE_LIMIT": "0",
            "ASSISTANT_FEEDBACK_RATE_LIMIT": "0",
            "ASSISTANT_AUDIT_PATH": str(folder / "audit" / "audit.jsonl"),
            **(extra_env or {}),
        }
    )
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}/", port, process, folder / "feedback" / "feedback.jsonl", log_path)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "config", timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"app.py did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


_SERVER = pytest.StashKey[Server]()


def running_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The session's one server: started on first use, stopped when the test session ends."""
    config = request.config
    if _SERVER not in config.stash:
        server = start_server(tmp_path_factory.mktemp("web"))
        config.stash[_SERVER] = server
        config.add_cleanup(server.stop)
    server = config.stash[_SERVER]
    if server.process.poll() is not None:
        pytest.fail(f"the app.py test server died:\n{server.log_tail()}")
    return server
