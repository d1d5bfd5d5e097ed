"""The command line for real: index with progress, ask with sources, chat over stdin, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import CORPUS, ROOT


def run(args: list[str], index_dir: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_CORPUS_DIR": str(CORPUS), **env}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=300,
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-index")


def test_index_shows_progress_then_is_up_to_date(index_dir: Path) -> None:
    first = run(["index"], index_dir)
    assert first.returncode == 0, first.stderr
    assert "索引中 85/85" in first.stderr
    assert "索引已重建" in first.stdout and "78 项任务" in first.stdout
    second = run(["index"], index_dir)
    assert "已是最新" in second.stdout


def test_ask_prints_answer_and_sources(index_dir: Path) -> None:
    result = run(["ask", "区商务局负责哪些任务?"], index_dir)
    assert result.returncode == 0, result.stderr
    assert "区商务局在通知中共涉及 9 项任务" in result.stdout
    assert "—— 出处 ——" in result.stdout
    assert "【任务9】以省市区三级跨境电商发展行动计划为引领" in result.stdout
    follow = run(["ask", "其中哪些是协办的?", "--history", "区房产局负责哪些任务?"], index_dir)
    assert "【任务55】" in follow.stdout and "【任务68】" in follow.stdout


def test_chat_keeps_the_conversation(index_dir: Path) -> None:
    result = run(["chat"], index_dir, stdin="今年新增多少公共停车泊位?\n那共享泊位呢?\nclear\n其中哪些是协办的?\nexit\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("【任务43】") >= 2
    assert "对话已清空" in result.stdout
    assert "Traceback" not in result.stderr


def test_bad_arguments_and_broken_setup_give_clear_errors(index_dir: Path, tmp_path: Path) -> None:
    usage = run(["ask"], index_dir)
    assert usage.returncode == 2 and "usage" in usage.stderr
    missing = run(["ask", "问题"], index_dir, ASSISTANT_CORPUS_DIR=str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "错误:corpus folder not found" in missing.stderr and "Traceback" not in missing.stderr
    bad = run(["ask", "问题"], index_dir, ASSISTANT_CANDIDATES="many")
    assert bad.returncode == 2 and "ASSISTANT_CANDIDATES must be an integer" in bad.stderr
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    unusable = run(["ask", "问题"], a_file)
    assert unusable.returncode == 2 and "cannot use the index folder" in unusable.stderr
    assert "Traceback" not in unusable.stderr


def test_broken_index_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert run(["index"], index_dir).returncode == 0
    (index_dir / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    result = run(["ask", "江豚公园谁负责?"], index_dir)
    assert result.returncode == 0, result.stderr
    assert "【任务31】" in result.stdout
    assert "rebuilding" in result.stderr
