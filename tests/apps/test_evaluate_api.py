"""`/evaluate` through gradio_client on the real app.py server (loopback: the endpoint is on), against the CLI.

The same question file gives the same report as `python -m assistant.eval --output`: the same scores per type,
the same verdict and citations per question. An evaluation runs in its own queue: a chat question is answered
while one runs.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file

from ..web_server import Server
from .conftest import QUESTIONS, headline, scores, verdicts
from .gradio_http import ask

pytestmark = [pytest.mark.slow]


@pytest.fixture()
def client(web_server: Server) -> Client:
    return Client(web_server.url, verbose=False)


def test_evaluate_gives_the_scores_of_the_cli(client: Client, cli_report: dict[str, Any]) -> None:
    report = client.predict(handle_file(str(QUESTIONS)), api_name="/evaluate")
    assert report["errors"] == cli_report["errors"] == []
    assert set(report) >= {"summary", "results", "wrong", "errors"}
    assert scores(report) == scores(cli_report)
    assert verdicts(report) == verdicts(cli_report)
    assert [w["id"] for w in report["wrong"]] == [w["id"] for w in cli_report["wrong"]]
    assert len(report["wrong"]) == sum(not r["exact"] for r in report["results"])
    print(f"\n/evaluate: {headline(report)}\nCLI:       {headline(cli_report)}")


def test_evaluate_reports_bad_rows_and_unusable_files(client: Client, tmp_path: Path) -> None:
    sheet = tmp_path / "q.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["问题", "期望任务", "应拒答"], ["区长是谁?", "", "是"], ["", "3", ""],
                                 ["停车泊位今年新增多少?", "abc", ""]])
    report = client.predict(handle_file(str(sheet)), api_name="/evaluate")
    assert [r["id"] for r in report["results"]] == ["row2"] and report["results"][0]["exact"] is True
    assert [e.split(":")[0] for e in report["errors"]] == ["第3行", "第4行"]
    other = tmp_path / "q.txt"
    other.write_text("区长是谁?\n", encoding="utf-8")
    refused = client.predict(handle_file(str(other)), api_name="/evaluate")
    assert refused["status"] == 400 and ".txt" in refused["error"]


def test_a_chat_question_is_answered_while_an_evaluation_runs(client: Client, web_server: Server,
                                                             tmp_path: Path) -> None:
    sheet = tmp_path / "long.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["问题"], *[[q] for q in ("区商务局负责哪些任务?", "江豚公园谁负责?") * 1000]])
    job = client.submit(handle_file(str(sheet)), api_name="/evaluate")
    deadline = time.monotonic() + 60
    while job.status().code.name not in ("PROCESSING", "FINISHED") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert job.status().code.name == "PROCESSING", job.status()
    started = time.monotonic()
    reply = ask(web_server.url, "停车泊位今年新增多少?")
    took = time.monotonic() - started
    assert reply["citations"] == [43]
    assert not job.done(), "the evaluation ended before the chat question: the test proves nothing"
    report = job.result(timeout=600)
    assert report["summary"]["overall"]["questions"] == 2000
    print(f"\n/ask answered in {took:.2f} s while a 2000-question evaluation ran")
