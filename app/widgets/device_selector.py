"""Choose where models run: the CPU, or one of the GPUs CuPy sees.

Without CUDA the GPU entry stays in the list, disabled, and its tooltip says why (from
``core.context.gpu_unavailable_reason()``), so people learn what to install.
Device keys are plain strings ("cpu", "gpu:0") so they can be stored in QSettings.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox

from core import context as devices

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def context_from_key(key: str):
    """'cpu' -> cpu(0); 'gpu:1' -> gpu(1) (raises DeviceError where unavailable)."""
    kind, _, index = str(key).partition(":")
    if kind == "gpu":
        return devices.gpu(int(index or 0))
    return devices.cpu()


def key_from_context(ctx) -> str:
    return f"gpu:{ctx.device_id}" if ctx.device_type == "gpu" else "cpu"


def _gpu_name(index: int) -> str:
    try:
        import cupy
        name = cupy.cuda.runtime.getDeviceProperties(index)["name"]
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception:  # noqa: BLE001 - a name is a nicety; the device still works
        return "CUDA device"


class DeviceSelector(QComboBox):
    sigDeviceChanged = Signal(str)   # the new device key

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setModel(QStandardItemModel(self))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._populate()
        self.currentIndexChanged.connect(self._emit_change)

    def _populate(self) -> None:
        model: QStandardItemModel = self.model()
        model.appendRow(self._item("CPU", "cpu", "Run on the processor (NumPy)."))
        count = devices.num_gpus()
        if count:
            for index in range(count):
                model.appendRow(self._item(f"GPU {index} · {_gpu_name(index)}", f"gpu:{index}",
                                           f"Run on CUDA device {index} (CuPy)."))
            return
        reason = devices.gpu_unavailable_reason() or "No CUDA device found."
        unavailable = self._item("GPU (unavailable)", "gpu:0", reason)
        unavailable.setEnabled(False)
        model.appendRow(unavailable)

    @staticmethod
    def _item(text: str, key: str, tooltip: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(key, KEY_ROLE)
        item.setToolTip(tooltip)
        return item

    def current_key(self) -> str:
        return self.currentData(KEY_ROLE) or "cpu"

    def is_key_available(self, key: str) -> bool:
        index = self.findData(key, KEY_ROLE)
        return index >= 0 and self.model().item(index).isEnabled()

    def set_current_key(self, key: str) -> bool:
        """Select ``key`` if it is usable here; otherwise keep the CPU and return False."""
        usable = self.is_key_available(key)
        self.setCurrentIndex(self.findData(key if usable else "cpu", KEY_ROLE))
        return usable

    def current_context(self):
        return context_from_key(self.current_key())

    def _emit_change(self, _index: int) -> None:
        self.setToolTip(self.model().item(self.currentIndex()).toolTip())
        self.sigDeviceChanged.emit(self.current_key())
