#!/usr/bin/env bash
# One command for a new user: set up .venv, build the index (offline models), serve the web chat.
# Extra arguments go to app.py (e.g. --host 0.0.0.0 --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/assistant index
exec .venv/bin/python app.py "$@"
