"""`python -m benchmarks …` from a checkout (and how the worker processes are started)."""

import sys

from .runner import main

sys.exit(main())
