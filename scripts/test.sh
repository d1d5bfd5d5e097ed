#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: set up .venv with the test and
# sentence-transformers extras, install Debian's chromium for the browser tests, lint, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh st,test
bash scripts/install_browser.sh
.venv/bin/ruff check assistant app.py tests
.venv/bin/python -m pytest -q "$@"
