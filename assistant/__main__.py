"""`python -m assistant …`: the command line (assistant.apps.cli)."""

import sys

from .apps.cli import main

sys.exit(main())
