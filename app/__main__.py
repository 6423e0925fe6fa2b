"""``python -m app`` = ``netstudio``: open the window (or ``--self-test``)."""
import sys

from .launcher import launch

sys.exit(launch())
