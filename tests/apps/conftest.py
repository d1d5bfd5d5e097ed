"""Shared fixtures of the real-server tests: the session's app.py server and one headless Chromium per module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..web_server import ROOT, Server, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000


def browser_marks() -> list[pytest.MarkDecorator]:
    """The marks of a browser test module: slow, and skipped where Chromium is missing (never in CI)."""
    marks = [pytest.mark.slow]
    if not CHROMIUM.exists() and not os.environ.get("CI"):  # in CI the browser tests must run: see `browser`
        marks.append(pytest.mark.skip(reason=f"{CHROMIUM} is missing: run scripts/install_browser.sh"))
    return marks


@pytest.fixture(scope="module")
def web_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Server:
    return running_server(request, tmp_path_factory)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():  # only reached in CI, where the browser tests must run
        pytest.fail(f"{CHROMIUM} is missing: .ci/run must run scripts/install_browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# -- the CLI's report on the full question set, which the 评测 tab and /evaluate must match ------------------------
QUESTIONS = ROOT / "eval" / "questions.jsonl"
LATENCY = ("latency_p50_ms", "latency_p95_ms")


def cli_report_of(path: Path, folder: Path) -> dict[str, Any]:
    """`python -m assistant.eval PATH --output …` in a subprocess, on an index folder of its own: the report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"ASSISTANT_INDEX_DIR": str(folder / "index"), "PYTHONPATH": str(ROOT)}
    out = folder / "report.json"
    done = subprocess.run([sys.executable, "-m", "assistant.eval", str(path), "--output", str(out),
                           "--report-dir", str(folder / "reports")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(json.loads(out.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def cli_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return cli_report_of(QUESTIONS, tmp_path_factory.mktemp("cli-eval"))


def scores(report: dict[str, Any]) -> dict[str, Any]:
    """A report's summary without the latencies (the only numbers that differ between two runs of one set)."""
    def strip(metrics: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in metrics.items() if k not in LATENCY}

    summary = report["summary"]
    return {"overall": strip(summary["overall"]),
            "by_type": {t: strip(m) for t, m in summary["by_type"].items()}}


def verdicts(report: dict[str, Any]) -> dict[str, tuple[bool, tuple[Any, ...], bool]]:
    """Per question: exact or not, the tasks it cites, refused or not."""
    return {r["id"]: (r["exact"], tuple(tuple(ref) for ref in r["refs"]), r["refused"]) for r in report["results"]}


def headline(report: dict[str, Any]) -> dict[str, float]:
    """The numbers of the closing note: exact-set accuracy and its lower bound, citation R/P, refusal accuracy."""
    o = report["summary"]["overall"]
    return {k: o[k] for k in ("exact_set", "exact_set_low", "citation_recall", "citation_precision",
                              "refusal_accuracy")}
