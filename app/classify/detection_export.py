"""Detections written out: CSV (one row per box) or JSON (one object per picture),
atomically, only the boxes at or above the threshold in use."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from core.fileio import atomic_write_text


def visible(detections, threshold: float) -> list:
    return [d for d in detections if d["score"] >= threshold]


def write_detections(path, results, threshold: float) -> int:
    """Write ``results`` (DetectionResult) as .json or else CSV; returns the box count."""
    rows = [(r.name, d) for r in results if r.error is None for d in visible(r.detections, threshold)]
    if Path(path).suffix.lower() == ".json":
        doc = [{"image": r.name, "detections": visible(r.detections, threshold)}
               for r in results if r.error is None]
        atomic_write_text(path, json.dumps(doc, indent=2) + "\n")
        return len(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["image", "label", "index", "score", "x0", "y0", "x1", "y1"])
    for name, d in rows:
        writer.writerow([name, d["label"], d["index"], f"{d['score']:.4f}", *d["box"]])
    atomic_write_text(path, buffer.getvalue())
    return len(rows)
