"""``python -m alpenglow``: the command-line interface (see :mod:`alpenglow.cli`)."""

import sys

from .cli import main

sys.exit(main())
