"""The Train view's settings: network, dataset, optimizer and its numbers, initializer
and device, read into core's ``NetworkChoice`` / ``TrainSettings`` (whose checks name
any field that is out of range)."""
from __future__ import annotations

from PySide6.QtCore import QLocale, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QLineEdit, QVBoxLayout

from core.session import INITIALIZERS, OPTIMIZERS, TEMPLATES, NetworkChoice, TrainSettings
from core.session.settings import MOMENTUM_OPTIMIZERS

from ..widgets.device_selector import DeviceSelector
from .run_size import RunSizeChooser


class NumberEdit(QLineEdit):
    """A number typed as people write learning rates: 0.003, 3e-3, 1e4."""

    def __init__(self, low: float, high: float, value: float, parent=None, integer: bool = False):
        super().__init__(parent)
        self.low, self.high, self.integer = low, high, integer
        if integer:
            validator = QIntValidator(int(low), int(high), self)
        else:
            validator = QDoubleValidator(low, high, 8, self)
            validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        validator.setLocale(QLocale.c())
        self.setValidator(validator)
        self.setValue(value)

    def value(self):
        try:
            return int(self.text()) if self.integer else float(self.text())
        except ValueError:
            return 0 if self.integer else float("nan")   # settings() names the field

    def setValue(self, value) -> None:
        self.setText(str(int(value)) if self.integer else f"{value:g}")


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setStyleSheet("color: #64748b; font-size: 7.5pt; font-weight: 600; letter-spacing: 1px;")
    return label


class SettingsForm(QFrame):
    sigChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Card")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 14)
        outer.setSpacing(6)
        self._editor_symbol = None
        self._data_choice = None
        self._handed_over = 0        # counts networks and data handed over (part of the estimate's key)
        outer.addWidget(_heading("Model and data"))
        top = self._form(outer)
        self.network = QComboBox(self)
        self.dataset = QComboBox(self)
        for combo in (self.network, self.dataset):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        top.addRow("Network", self.network)
        top.addRow("Dataset", self.dataset)
        self._add_finetune_rows(top)
        self.data_note = QLabel("")
        self.data_note.setObjectName("ViewSubtitle")
        self.data_note.setWordWrap(True)
        outer.addWidget(self.data_note)
        self.run_size = RunSizeChooser(self)
        outer.addWidget(self.run_size)
        outer.addSpacing(6)
        outer.addWidget(_heading("Optimization"))
        form = self.numbers = self._form(outer)
        self.optimizer = QComboBox(self)
        for key, text in OPTIMIZERS.items():
            self.optimizer.addItem(text, key)
        self.learning_rate = self._number(1e-6, 1e5, 6, 0.003)
        self.momentum = self._number(0.0, 0.999, 3, 0.9)
        self.weight_decay = self._number(0.0, 1.0, 6, 0.0)
        self.batch_size = self._integer(1, 4096, 128)
        self.epochs = self._integer(1, 1000, 5)
        self.initializer = QComboBox(self)
        for key, text in INITIALIZERS.items():
            self.initializer.addItem(text, key)
        self.device = DeviceSelector(self)
        for label, widget in (("Optimizer", self.optimizer), ("Learning rate", self.learning_rate),
                              ("Momentum", self.momentum), ("Weight decay", self.weight_decay),
                              ("Batch size", self.batch_size), ("Epochs", self.epochs),
                              ("Initializer", self.initializer), ("Device", self.device)):
            form.addRow(label, widget)
        outer.addStretch(1)
        self.fill_networks()
        self.optimizer.setCurrentIndex(self.optimizer.findData("adam"))
        self.optimizer.currentIndexChanged.connect(self._optimizer_changed)
        self._optimizer_changed()

    @staticmethod
    def _form(outer) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(7)
        outer.addLayout(form)
        return form

    def _number(self, low, high, decimals, value) -> "NumberEdit":
        return NumberEdit(low, high, value, self)

    def _integer(self, low, high, value) -> "NumberEdit":
        return NumberEdit(low, high, value, self, integer=True)

    def _optimizer_changed(self) -> None:
        """Momentum only for the optimizers that have one (the row hides otherwise)."""
        has_momentum = self.optimizer.currentData() in MOMENTUM_OPTIMIZERS
        self.momentum.setEnabled(has_momentum)
        self.numbers.setRowVisible(self.momentum, has_momentum)

    # ---- networks ----
    def fill_networks(self) -> None:
        current = self.network.currentData()
        self.network.clear()
        if self._editor_symbol is not None:
            self.network.addItem(f"From the editor: {self._editor_symbol[1]}", "editor:")
        for key, title in TEMPLATES.items():
            self.network.addItem(title, f"template:{key}")
        for name in _installed_zoo_models():
            self.network.addItem(f"Fine-tune {name}", f"zoo:{name}")
        index = self.network.findData(current) if current is not None else -1
        self.network.setCurrentIndex(max(index, 0))

    def set_editor_network(self, symbol, title: str) -> None:
        self._editor_symbol = (symbol, title)
        self._handed_over += 1
        self.fill_networks()
        self.network.setCurrentIndex(0)

    def network_choice(self) -> NetworkChoice:
        kind, _, name = str(self.network.currentData()).partition(":")
        if kind == "editor":
            return NetworkChoice.editor(self._editor_symbol[0], self._editor_symbol[1])
        if kind == "zoo":   # NetworkChoice.zoo names a base rate out of range
            return NetworkChoice.zoo(name, self.finetune.currentData(), self.base_lr_mult.value())
        return NetworkChoice.template(name)

    def _add_finetune_rows(self, form) -> None:
        """A zoo model: frozen (a new last layer on cached features) or full (every layer,
        the pretrained ones at a smaller rate); the rows show for zoo models only."""
        self.finetune = QComboBox(self)
        self.finetune.addItem("New last layer (frozen base)", "frozen")
        self.finetune.addItem("Every layer", "full")
        self.finetune.setToolTip("Frozen: each picture goes through the pretrained layers once; only a new "
                                 "last layer trains (fast, as good when the classes are like the model's own).\n"
                                 "Every layer: the pretrained layers train too, at the base rate below "
                                 "(slower; wins on tasks the model never learnt).")
        self.base_lr_mult = NumberEdit(0.0, 1.0, 0.1, self)
        self.base_lr_mult.setToolTip("The pretrained layers learn at this times the learning rate (0: fixed)")
        self._finetune_form = form
        form.addRow("Fine-tune", self.finetune)
        form.addRow("Base rate ×", self.base_lr_mult)
        self.network.currentIndexChanged.connect(self._finetune_changed)
        self.finetune.currentIndexChanged.connect(self._finetune_changed)
        self._finetune_changed()

    def _finetune_changed(self) -> None:
        zoo = str(self.network.currentData()).startswith("zoo:")
        self._finetune_form.setRowVisible(self.finetune, zoo)
        self._finetune_form.setRowVisible(self.base_lr_mult, zoo and self.finetune.currentData() == "full")

    def select_template(self, name: str) -> None:
        self.network.setCurrentIndex(self.network.findData(f"template:{name}"))

    # ---- datasets ----
    def fill_datasets(self, choices) -> None:
        """``choices``: [(title, format name, path)] of datasets found on this machine
        (``core.io.formats.found_datasets``)."""
        current = self.dataset.currentData()
        self.dataset.clear()
        if self._data_choice is not None:
            self.dataset.addItem(f"From the Data view: {self._data_choice.source.name}", "data:")
        for title, kind, root in choices:
            self.dataset.addItem(title, f"{kind}:{root}")
        self.dataset.setCurrentIndex(max(0, self.dataset.findData(current)) if current else 0)

    def set_data_choice(self, choice, builtin_choices) -> None:
        self._data_choice = choice
        self._handed_over += 1
        self.fill_datasets(builtin_choices)
        self.dataset.setCurrentIndex(0)

    def select_dataset_folder(self, root) -> bool:
        found = [i for i in range(self.dataset.count())
                 if str(self.dataset.itemData(i)).partition(":")[2] == str(root)]
        index = found[0] if found else -1
        if index >= 0:
            self.dataset.setCurrentIndex(index)
        return index >= 0

    def dataset_request(self):
        """A DataChoice, or (format name, path) to be opened on the training thread."""
        kind, _, root = str(self.dataset.currentData()).partition(":")
        return self._data_choice if kind == "data" else (kind, root)

    def estimate_key(self) -> tuple:
        """What an epoch's time depends on: network, data, device and batch size."""
        return (str(self.network.currentData()), self.finetune.currentData(), self.base_lr_mult.text(),
                str(self.dataset.currentData()), self._handed_over, self.device.current_key(),
                self.batch_size.text())

    # ---- numbers ----
    def settings(self) -> TrainSettings:
        """The chosen settings; SettingsError names a field that is not a usable number."""
        from core.session import SettingsError
        for name, edit in (("Learning rate", self.learning_rate), ("Momentum", self.momentum),
                           ("Weight decay", self.weight_decay), ("Batch size", self.batch_size),
                           ("Epochs", self.epochs)):
            if edit.isEnabled() and not edit.hasAcceptableInput():
                raise SettingsError(f"{name}: {edit.text()!r} is not a number between {edit.low:g} "
                                    f"and {edit.high:g}")
        return TrainSettings(optimizer=self.optimizer.currentData(), learning_rate=self.learning_rate.value(),
                             momentum=self.momentum.value(), weight_decay=self.weight_decay.value(),
                             batch_size=self.batch_size.value(), epochs=self.epochs.value(),
                             initializer=self.initializer.currentData(), device=self.device.current_key())

    def set_running(self, running: bool) -> None:
        for widget in (self.network, self.dataset, self.optimizer, self.learning_rate, self.momentum,
                       self.weight_decay, self.batch_size, self.epochs, self.initializer, self.device,
                       self.finetune, self.base_lr_mult, self.run_size):
            widget.setEnabled(not running)
        if not running:
            self._optimizer_changed()


def _installed_zoo_models() -> list[str]:
    """Zoo classifiers already on disk (fine-tuning never starts a download)."""
    try:
        from core.zoo import installed_models
        return [info.name for info in installed_models() if info.task == "image-classification"]
    except Exception:  # noqa: BLE001 - a broken zoo store must not break the Train view
        return []
