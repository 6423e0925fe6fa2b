"""Choose what the network will get: the validation split, the normalisation and, for
image folders, the picture size and colour. Emits ``sigChanged`` when any of them changes;
the view recomputes the InputSpec (mean/std) on a worker."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QLabel

from core.session import NORMALIZATIONS

SIZES = (28, 32, 48, 64, 96, 128, 224)
FRACTIONS = (0.05, 0.1, 0.2, 0.3)


class InputPanel(QFrame):
    sigChanged = Signal()             # normalisation, size or colour: the InputSpec changes
    sigValidationChanged = Signal()   # only which examples validate

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.validation = QComboBox(self)
        self.normalize = QComboBox(self)
        for key, text in NORMALIZATIONS.items():
            self.normalize.addItem(text, key)
        self.normalize.setCurrentIndex(self.normalize.findData("standardize"))
        self.size = QComboBox(self)
        for side in SIZES:
            self.size.addItem(f"{side} × {side}", side)
        self.colour = QComboBox(self)
        self.colour.addItem("Grey", 1)
        self.colour.addItem("RGB", 3)
        self.summary = QLabel("")
        self.summary.setObjectName("ViewSubtitle")
        self.summary.setWordWrap(True)
        # one row of label/choice pairs, the summary underneath
        for column, (text, combo) in enumerate((("Validation", self.validation), ("Preprocessing", self.normalize),
                                                ("Picture size", self.size), ("Colour", self.colour))):
            label = QLabel(text)
            label.setObjectName("ViewSubtitle")
            grid.addWidget(label, 0, column)
            grid.addWidget(combo, 1, column)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.summary, 2, 0, 1, 4)
        for combo in (self.validation, self.normalize, self.size, self.colour):
            # long item texts must not set the window's minimum width
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        for combo in (self.normalize, self.size, self.colour):
            combo.currentIndexChanged.connect(lambda _i: self.sigChanged.emit())
        self.validation.currentIndexChanged.connect(lambda _i: self.sigValidationChanged.emit())
        self.set_source(None)

    def set_source(self, source) -> None:
        """Offer what fits the dataset: 'the test set' only when it has one; size and
        colour only for image folders (IDX and CSV pictures keep their own)."""
        for combo in (self.validation, self.size, self.colour):
            combo.blockSignals(True)
        self.validation.clear()
        if source is not None and source.test is not None:
            self.validation.addItem(f"Test set ({len(source.test):,} examples)", 0.0)
        for fraction in FRACTIONS:
            self.validation.addItem(f"Hold out {fraction:.0%} of train", fraction)
        if source is not None and source.test is None:
            self.validation.setCurrentIndex(self.validation.findData(0.1))
        folder = source is not None and source.kind == "folder"
        self.size.setEnabled(folder)
        self.colour.setEnabled(folder)
        if folder:
            self.size.setCurrentIndex(self.size.findData(64))
            self.colour.setCurrentIndex(1)
        elif source is not None:
            shape = source.picture_shape()
            self.size.setCurrentIndex(max(0, self.size.findData(shape[0])))
            if self.size.currentData() != shape[0]:
                self.size.insertItem(0, f"{shape[0]} × {shape[1]}", shape[0])
                self.size.setCurrentIndex(0)
            self.colour.setCurrentIndex(0 if len(shape) == 2 else 1)
        for combo in (self.validation, self.size, self.colour):
            combo.blockSignals(False)

    # ---- what was chosen ----
    def val_fraction(self) -> float:
        return float(self.validation.currentData() or 0.0)

    def normalization(self) -> str:
        return str(self.normalize.currentData())

    def size_override(self):
        """(H, W) for image folders, None to keep the dataset's own size."""
        return (self.size.currentData(),) * 2 if self.size.isEnabled() else None

    def channels_override(self):
        return self.colour.currentData() if self.colour.isEnabled() else None

    def set_validation(self, fraction: float) -> None:
        index = self.validation.findData(float(fraction))
        if index >= 0:
            self.validation.setCurrentIndex(index)

    def set_normalization(self, key: str) -> None:
        index = self.normalize.findData(key)
        if index >= 0:
            self.normalize.setCurrentIndex(index)

    def show_spec(self, spec, validation_text: str) -> None:
        self.summary.setText(f"The network gets {spec.describe()}; validation on {validation_text}.")
