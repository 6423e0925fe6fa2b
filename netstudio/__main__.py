"""``python -m netstudio``, the same as the ``netstudio`` command."""
import sys

from . import main

sys.exit(main())
