#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: set up .venv with the test and
# sentence-transformers extras, the LLM extras (llama-cpp-python, built from source, and the 0.5B model),
# install Debian's chromium for the browser tests, lint, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh st,test,llm,llm-0.5b
bash scripts/install_browser.sh
.venv/bin/ruff check assistant app.py tests benchmarks scripts
.venv/bin/mypy assistant app.py
.venv/bin/python -m pytest -q "$@"
