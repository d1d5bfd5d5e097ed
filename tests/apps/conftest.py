"""Shared fixtures of the real-server tests: the session's app.py server and one headless Chromium per module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..web_server import Server, running_server

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
