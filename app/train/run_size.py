"""Full dataset or a quick run, and how long it will take -- said before Start.

The numbers come from ``core.session.estimate`` (measured on this machine): "About 3 s
per epoch on CPU · 5 epochs: about 20 s", and a quick run sized for about a minute
("Quick run: 1,800 of 6,000 pictures, about 1 min").
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from core.session.estimate import QUICK_SECONDS, about, say_seconds


class RunSizeChooser(QWidget):
    sigChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.full_run = QRadioButton("Full dataset", self)
        self.quick_run = QRadioButton("Quick run", self)
        self.full_run.setChecked(True)
        self.quick_run.setEnabled(False)
        group = QButtonGroup(self)
        for button in (self.full_run, self.quick_run):
            group.addButton(button)
            layout.addWidget(button)
        self.note = QLabel("", self)
        self.note.setObjectName("ViewSubtitle")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Time estimate")
        self.note.setToolTip("Measured on this machine: a few training steps of this network on this data")
        layout.addWidget(self.note)
        self.estimate = None
        self.epochs = 1
        self.quick_run.toggled.connect(lambda _: self._say())
        self.quick_run.toggled.connect(self.sigChanged)

    # ---- what the view tells it ----
    def show_measuring(self) -> None:
        self.estimate = None
        self.quick_run.setEnabled(False)
        self.quick_run.setText("Quick run (measuring…)")
        self.note.setText("Measuring how long an epoch takes…")

    def show_unknown(self, why: str) -> None:
        self.estimate = None
        self.quick_run.setEnabled(False)
        self.quick_run.setText("Quick run")
        self.note.setText(f"No time estimate: {why}")

    def show_estimate(self, estimate, epochs: int) -> None:
        self.estimate, self.epochs = estimate, max(1, int(epochs))
        self._say()

    def set_epochs(self, epochs: int) -> None:
        self.epochs = max(1, int(epochs))
        if self.estimate is not None:
            self._say()

    # ---- what Start reads ----
    def quick_limit(self) -> int | None:
        """Pictures per split for the quick run when it is chosen, else None (all)."""
        if self.estimate is None or not self.quick_run.isChecked():
            return None
        return self.estimate.quick_limit(self.epochs)

    def _say(self) -> None:
        estimate, epochs = self.estimate, self.epochs
        if estimate is None:
            return
        full_train, _ = estimate.sizes()
        self.full_run.setText(f"Full dataset · {full_train:,} pictures")
        limit = estimate.quick_limit(epochs)
        if limit is None:
            self.quick_run.setChecked(False)
            self.full_run.setChecked(True)
            self.quick_run.setEnabled(False)
            self.quick_run.setText("Quick run: not needed")
            self.quick_run.setToolTip(f"The whole run takes under {say_seconds(QUICK_SECONDS)} already")
        else:
            self.quick_run.setEnabled(True)
            quick_train, _ = estimate.sizes(limit)
            self.quick_run.setText(f"Quick run · {quick_train:,} pictures")
            self.quick_run.setToolTip(f"{quick_train:,} of the {full_train:,} training pictures: the whole run "
                                      f"takes {about(estimate.run_seconds(epochs, limit))}")
        chosen = self.quick_limit()
        wait = about(estimate.epoch_seconds_at(chosen))
        self.note.setText(f"{wait[:1].upper()}{wait[1:]} per epoch on {estimate.device} · {epochs} "
                          f"epoch{'s' if epochs != 1 else ''}: {about(estimate.run_seconds(epochs, chosen))}")
