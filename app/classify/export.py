"""Classify results as CSV: one row per image, the top-k labels and probabilities."""
from __future__ import annotations

import io

from core.fileio import atomic_write_bytes
from core.io.csv_write import csv_writer

from .results_model import ClassifyItem


def results_csv(items: list[ClassifyItem], k: int = 5) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    header = ["file", "status", "model", "error"]
    for rank in range(1, k + 1):
        header += [f"label_{rank}", f"class_index_{rank}", f"probability_{rank}"]
    writer.writerow(header)
    for item in items:
        row = [item.source, item.state, item.model, item.error or ""]
        for rank in range(k):
            if rank < len(item.predictions):
                index, label, probability = item.predictions[rank]
                row += [label, index, f"{probability:.6f}"]
            else:
                row += ["", "", ""]
        writer.writerow(row)
    return buffer.getvalue()


def write_results_csv(path, items: list[ClassifyItem], k: int = 5) -> None:
    atomic_write_bytes(path, results_csv(items, k).encode("utf-8"))   # CRLF rows as they are
