"""`python -m assistant.bench …`: the same as `assistant bench …` (and how the worker processes are started)."""

import sys

from .runner import main

sys.exit(main())
