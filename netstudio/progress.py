"""A one-line text progress bar on stderr, for folders of pictures, downloads and training epochs."""
from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, total, label="", stream=None, width=30, unit=""):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.unit = unit
        self._last = 0.0
        self._shown = 0
        self.done = 0

    def __call__(self, done, total=None, rate=None, note=""):
        """Show ``done`` of ``total`` (bytes or items; ``rate`` per second is shown when
        given, as downloads report it; ``note`` follows, e.g. a running loss); at most
        ~10 redraws a second."""
        self.done = done
        if total:
            self.total = total
        now = time.monotonic()
        if now - self._last < 0.1 and not (self.total and done >= self.total):
            return
        self._last = now
        if self.total:
            filled = int(self.width * min(done / self.total, 1.0))
            bar = "#" * filled + "." * (self.width - filled)
            text = f"\r{self.label} [{bar}] {_amount(done, self.unit)}/{_amount(self.total, self.unit)}"
        else:
            text = f"\r{self.label} {_amount(done, self.unit)}"
        if rate:
            text += f"  {_amount(rate, self.unit)}/s"
        if note:
            text += f"  {note}"
        self._shown = max(self._shown, len(text))
        self.stream.write(text)
        self.stream.flush()

    def clear(self):
        """Blank the bar's line so other output starts clean; the next update redraws it."""
        self.stream.write("\r" + " " * max(self._shown, self.width + len(self.label) + 40) + "\r")
        self.stream.flush()
        self._last = 0.0

    def close(self):
        self.stream.write("\n")
        self.stream.flush()


def _amount(value, unit):
    if unit != "B":
        return str(value)
    for suffix in ("B", "KB", "MB", "GB"):
        if value < 1024 or suffix == "GB":
            return f"{value:.0f} {suffix}" if suffix == "B" else f"{value:.1f} {suffix}"
        value /= 1024
    return str(value)
