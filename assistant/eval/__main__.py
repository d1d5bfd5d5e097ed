"""`python -m assistant.eval QUESTIONS.jsonl …`: see assistant.eval.cli."""

import sys

from .cli import main

sys.exit(main())
