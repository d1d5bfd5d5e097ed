"""Scale-out: the same assistant on a real Chroma server (`chroma run` on loopback), shared by several processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.eval.cli import evaluate
from assistant.eval.metrics import check_floors
from assistant.eval.questions import load_floors, load_question_set

from ..conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).parent / "chroma"
    log = open(path / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path / "data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(path / 'server.log').read_text()}")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("chroma run did not answer within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def _settings(port: int, tmp_path: Path) -> Settings:
    return Settings.from_env(environ={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)},
                             corpus_dir=CORPUS, index_dir=tmp_path / "lock")


def test_eval_set_passes_on_the_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    assistant = Assistant(_settings(chroma_server, tmp_path))
    assert assistant.index.count() == 85
    assert not list((tmp_path / "lock").glob("chroma.sqlite3"))  # nothing embedded on local disk
    questions, errors = load_question_set(ROOT / "eval" / "questions.jsonl", assistant.notices)
    evaluation = evaluate(assistant, questions, ("assistant",), errors)["assistant"]
    failures = check_floors(evaluation.overall, evaluation.by_type, load_floors(ROOT / "eval" / "floors.json"))
    assert failures == []


def test_several_processes_share_the_server(chroma_server: int, tmp_path: Path) -> None:
    Assistant(_settings(chroma_server, tmp_path))  # built (or found up to date) once
    env = {**os.environ, "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server),
           "ASSISTANT_CORPUS_DIR": str(CORPUS), "ASSISTANT_INDEX_DIR": str(tmp_path / "lock")}
    procs = [
        subprocess.Popen([sys.executable, "-m", "assistant", "-v", "ask", question], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for question in ("江豚公园谁负责?", "区商务局负责哪些任务?", "停车泊位今年新增多少?")
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert "【任务31】" in outputs[0][0] and "【任务15】" in outputs[1][0] and "600" in outputs[2][0]
    assert not any("rebuilding" in err for _, err in outputs)  # nobody rebuilt what was up to date


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(_free_port()),
           "ASSISTANT_INDEX_DIR": str(tmp_path / "lock")}
    result = subprocess.run([sys.executable, "-m", "assistant", "ask", "江豚公园谁负责?"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "cannot reach the Chroma server" in result.stderr and "Traceback" not in result.stderr
