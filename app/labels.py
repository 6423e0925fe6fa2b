"""Class names as people read them.

>>> readable_label("n07920052 espresso")
'espresso'
>>> readable_label("n02123045 tabby, tabby cat")
'tabby'
>>> readable_label("T-shirt/top")
'T-shirt/top'
"""
from __future__ import annotations

import re

_WNID = re.compile(r"^n\d{8}\s+")


def readable_label(label: str) -> str:
    """Drop a leading WordNet id and keep the first synonym."""
    text = _WNID.sub("", str(label).strip())
    first = text.split(",")[0].strip()
    return first or text or str(label)
