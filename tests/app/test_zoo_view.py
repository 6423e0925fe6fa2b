"""The Zoo view against a real HTTP server on 127.0.0.1 serving the bundled LeNet checkpoint:
download with progress, Cancel, resume, Remove, and an error shown in the row."""
import hashlib
import json
import shutil

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.core.http_server import FileServer

from .conftest import ROOT, screenshot

BUNDLE = ROOT / "resources" / "zoo" / "fashion-mnist-lenet"
SYMBOL = (BUNDLE / "fashion-mnist-lenet-symbol.json").read_bytes()
PARAMS = (BUNDLE / "fashion-mnist-lenet-0010.params").read_bytes()


@pytest.fixture
def served_zoo(tmp_path, monkeypatch):
    """A registry with one downloadable model, served locally; an empty model cache."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("NETSTUDIO_CACHE", str(tmp_path / "cache"))
    with FileServer() as server:
        resources = tmp_path / "resources"
        (resources / "zoo").mkdir(parents=True)
        shutil.copy(ROOT / "resources" / "fashion_mnist_classes.txt", resources)
        files = [{"name": "served-lenet-symbol.json", "url": server.url("symbol.json"),
                  "sha256": hashlib.sha256(SYMBOL).hexdigest(), "size": len(SYMBOL)},
                 {"name": "served-lenet-0010.params", "url": server.url("0010.params"),
                  "sha256": hashlib.sha256(PARAMS).hexdigest(), "size": len(PARAMS)}]
        entry = {"name": "served-lenet", "task": "image-classification", "dataset": "Fashion-MNIST",
                 "input_size": [1, 28, 28], "source": "download", "classes": "fashion_mnist_classes.txt",
                 "preprocess": {"color": "L", "mode": "resize", "scale": 1 / 255, "mean": [0.0], "std": [1.0]},
                 "checkpoint": {"prefix": "served-lenet", "epoch": 10}, "files": files,
                 "download_size": len(SYMBOL) + len(PARAMS), "description": "LeNet served from 127.0.0.1"}
        (resources / "zoo" / "models.json").write_text(json.dumps({"format": 1, "models": [entry]}))
        monkeypatch.setenv("NETSTUDIO_RESOURCES", str(resources))
        server.add("symbol.json", SYMBOL)
        yield server


def status(zoo):
    return zoo.table_model.index(0, 5).data()


def test_download_shows_progress_cancels_resumes_and_removes(served_zoo, main_window, qtbot, monkeypatch):
    # the server stops sending a third of the way in, so Cancel always lands mid-download
    # (a merely slow server let a loaded machine finish the file before the click)
    served_zoo.add("0010.params", PARAMS, stall_after=len(PARAMS) // 3)
    zoo = main_window.show_view("zoo")
    assert zoo.table_model.info(0).name == "served-lenet" and status(zoo) == "Not installed"
    zoo.download_button.click()
    def params_half_done():
        activity = zoo.table_model.activity("served-lenet")
        return activity is not None and activity.total == len(PARAMS) and 0 < activity.done < len(PARAMS)
    qtbot.waitUntil(params_half_done, timeout=20_000)
    assert status(zoo).startswith("Downloading") and "%" in status(zoo) and "/s" in status(zoo)
    assert zoo.cancel_button.isEnabled() and not zoo.download_button.isEnabled()
    screenshot(main_window, "zoo_downloading")
    zoo.cancel_button.click()
    qtbot.waitUntil(lambda: status(zoo) == "Cancelled · Download resumes", timeout=20_000)
    served_zoo.add("0010.params", PARAMS)                              # full speed now
    zoo.download_button.click()
    qtbot.waitUntil(lambda: status(zoo) == "Installed", timeout=20_000)
    ranges = [r for name, r in served_zoo.requests if name == "0010.params"]
    assert ranges[0] is None and ranges[-1] and ranges[-1].startswith("bytes="), ranges
    assert zoo.classify_button.isEnabled() and zoo.remove_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    zoo.remove_button.click()
    assert status(zoo) == "Not installed"


def test_a_cancel_that_comes_after_the_last_byte_leaves_the_model_installed(
        served_zoo, main_window, qtbot, monkeypatch):
    """Cancel clicked while the finished download's report is still on its way (a busy
    GUI): the files are all there, so the row says Installed, not "Cancelled", and
    Remove works -- Download stays disabled, so a "Cancelled" row would be stuck."""
    import core.zoo
    served_zoo.add("0010.params", PARAMS)
    real_download = core.zoo.download_model

    def download_then_cancel(name, progress=None, cancel=None, **kwargs):
        info = real_download(name, progress=progress, cancel=cancel, **kwargs)
        cancel.set()                                 # the click, just after the last byte
        return info
    monkeypatch.setattr(core.zoo, "download_model", download_then_cancel)
    zoo = main_window.show_view("zoo")
    zoo.download_button.click()
    qtbot.waitUntil(lambda: zoo.table_model.info(0).installed and not zoo.cancel_button.isEnabled(),
                    timeout=20_000)
    assert status(zoo) == "Installed" and zoo.remove_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    zoo.remove_button.click()
    assert status(zoo) == "Not installed" and zoo.download_button.isEnabled()


def test_a_failed_download_shows_its_error_in_the_row(served_zoo, main_window, qtbot):
    zoo = main_window.show_view("zoo")                                 # the params file: 404
    zoo.download_button.click()
    # the error and the worker's end arrive as two queued signals: wait for both
    qtbot.waitUntil(lambda: "404" in status(zoo) and zoo.download_button.isEnabled(), timeout=20_000)
    assert zoo.row_error.isVisible() and "HTTP 404" in zoo.row_error.text()
    screenshot(main_window, "zoo_error")


def test_open_in_editor_is_routed_to_the_build_view(main_window):
    zoo = main_window.show_view("zoo")
    zoo.select_model("resnet-18")                    # not downloaded: both hand-offs wait, saying why
    for button in (zoo.editor_button, zoo.classify_button):
        assert not button.isEnabled() and button.toolTip() == "Download resnet-18 first"
    zoo.select_model("fashion-mnist-lenet")
    assert zoo.classify_button.isEnabled()
    zoo.editor_button.click()
    assert main_window.current_key() == "editor"


def test_the_details_panel_tells_origin_licence_accuracy_and_checksum(main_window, qtbot):
    from PySide6.QtGui import QTextDocument

    def panel_text():
        page = QTextDocument()
        page.setHtml(zoo.details.label.text())
        return page.toPlainText()
    zoo = main_window.show_view("zoo")
    assert zoo.details.parent() is not None and zoo.details.isVisible()
    zoo.select_model("resnet18-torchvision")
    text = panel_text()
    assert text.startswith("ResNet-18 (torchvision)")
    for words in ("torchvision ResNet18_Weights.IMAGENET1K_V1", "BSD-3-Clause", "acc@1 69.758, acc@5 89.078",
                  "46.8 MB", "download", "https://download.pytorch.org/models/resnet18-f37072fd.pth",
                  "SHA-256 starting f37072fd", "ImageNet-1k", "image-classification"):
        assert words in text, words
    assert "legacy host" not in text
    row = zoo.table_model.row_of("resnet18-torchvision")
    assert zoo.table_model.index(row, 4).data() == "46.8 MB"           # the table agrees with the card
    screenshot(main_window, "zoo_details")
    zoo.select_model("resnet-18")
    text = panel_text()
    assert "legacy host - may be offline" in text and "MXNet model zoo" in text
    assert "no checksum: the host never published" in text and "torchvision" not in text
    screenshot(main_window, "zoo_details_legacy")


def test_cancel_and_close_during_a_one_byte_per_second_download_act_within_a_second(
        served_zoo, main_window, qtbot):
    import time
    served_zoo.add("0010.params", PARAMS, byte_delay=1.0)             # days to send it all
    zoo = main_window.show_view("zoo")
    zoo.download_button.click()

    def trickling():
        activity = zoo.table_model.activity("served-lenet")
        return activity is not None and activity.state == "downloading" and activity.done > 0
    qtbot.waitUntil(trickling, timeout=20_000)
    zoo.cancel_button.click()
    clicked = time.monotonic()
    qtbot.waitUntil(lambda: status(zoo) == "Cancelled · Download resumes", timeout=20_000)
    assert time.monotonic() - clicked < 1.0
    zoo.download_button.click()                                        # again, then close the window
    qtbot.waitUntil(trickling, timeout=20_000)
    closing = time.monotonic()
    main_window.close()
    assert time.monotonic() - closing < 1.5
