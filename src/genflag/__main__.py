"""Allow `python -m genflag`."""

import sys

from .cli import main

sys.exit(main())
