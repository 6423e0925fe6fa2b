"""What a run did: pictures, errors, pictures per second, and each actor's throughput."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Summary:
    images: int = 0           # rows written by this run (pictures read or not)
    errors: int = 0           # of which pictures that could not be read
    skipped: int = 0          # already written by an earlier run
    seconds: float = 0.0      # wall time of the work
    workers: dict = field(default_factory=dict)   # actor -> [pictures, busy seconds]

    def add(self, table):
        self.images += table.num_rows
        self.errors += table.num_rows - table.column("error").null_count
        for worker, seconds in zip(table.column("worker").to_pylist(), table.column("seconds").to_pylist()):
            entry = self.workers.setdefault(worker, [0, 0.0])
            entry[0] += 1
            entry[1] += seconds

    @property
    def rate(self):
        return self.images / self.seconds if self.seconds > 0 else 0.0

    def lines(self):
        out = [f"{self.images} images ({self.errors} errors, {self.skipped} already done) in "
               f"{self.seconds:.1f} s: {self.rate:.1f} images/s"]
        for worker, (count, busy) in sorted(self.workers.items()):
            out.append(f"  actor {worker}: {count} images, {count / busy if busy > 0 else 0:.1f} images/s busy")
        return out

    def as_dict(self):
        return {"images": self.images, "errors": self.errors, "skipped": self.skipped,
                "seconds": round(self.seconds, 3), "images_per_second": round(self.rate, 2),
                "actors": {w: {"images": c, "busy_seconds": round(b, 3)} for w, (c, b) in self.workers.items()}}
