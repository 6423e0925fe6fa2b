"""The packaged app's start-up library check and the bundle verifier's parsing (the build
itself runs in .ci/run: packaging/build.py, then packaging/verify_bundle.py)."""
import importlib.util
import io
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def load(name):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


libs = load("system_libraries")
verify = load("verify_bundle")
entry = load("netstudio_main")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check only runs on Linux")
def test_this_machine_has_what_qt_needs_offscreen():
    stream = io.StringIO()
    assert libs.check({"QT_QPA_PLATFORM": "offscreen"}, stream) == 0
    assert stream.getvalue() == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="dlopen by soname is Linux's")
def test_missing_library_is_named_with_its_package(monkeypatch):
    wanted = [("libc.so.6", "libc6"), ("libnetstudio-absent.so.9", "libnetstudio-absent9")]
    assert libs.missing_libraries(wanted) == [("libnetstudio-absent.so.9", "libnetstudio-absent9")]
    monkeypatch.setattr(libs, "BASE", wanted)
    stream = io.StringIO()
    assert libs.check({"QT_QPA_PLATFORM": "offscreen"}, stream) == 3
    message = stream.getvalue()
    assert "libnetstudio-absent.so.9" in message and "apt-get install libnetstudio-absent9" in message
    assert "libc6" not in message
    assert libs.check({"QT_QPA_PLATFORM": "offscreen", libs.SKIP_VARIABLE: "1"}, io.StringIO()) == 0


def test_xcb_libraries_are_wanted_only_for_an_x11_display():
    assert libs.uses_xcb({"DISPLAY": ":0"})
    assert libs.uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not libs.uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not libs.uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert not libs.uses_xcb({})


def test_only_starting_the_app_checks_libraries():
    from netstudio import LANE_WORKER_FLAG, opens_the_app   # the rule netstudio_main.py asks
    assert opens_the_app([]) and opens_the_app(["--self-test"])
    assert not opens_the_app(["classify", "photo.jpg"])
    assert not opens_the_app(["--version"])
    assert not opens_the_app([LANE_WORKER_FLAG, "ADDRESS"])   # a training worker of the frozen app


GOOD = """Version: 0.1.0
Built: 2026-01-02 10:00 UTC, commit abc1234
Kernels: compiled (numba 0.68.1)
Lanes: LeNet trained in 2 processes
chelsea.png:
  1. tiger cat                         37.89%  (class 282)
  2. Egyptian cat                      37.52%  (class 285)
  3. tabby                             16.78%  (class 281)
  4. lynx                               1.57%  (class 287)
coffee.png:
  1. espresso                          95.67%  (class 967)
  2. cup                                1.36%  (class 968)
rocket.jpg:
  1. projectile                        40.75%  (class 744)
  2. missile                           24.39%  (class 657)
  3. drilling platform                  5.01%  (class 540)
self-test passed
"""


class Result:
    def __init__(self, stdout, returncode=0):
        self.stdout, self.returncode = stdout, returncode


def test_verifier_accepts_the_expected_top5():
    top = verify.parse_top5(GOOD)
    assert top["chelsea.png"][:3] == ["tiger cat", "Egyptian cat", "tabby"]
    assert verify.check(Result(GOOD)) == []


def test_verifier_names_each_miss():
    wrong = GOOD.replace("espresso", "cup     ").replace("3. tabby", "3. lynx ")
    problems = verify.check(Result(wrong.replace("2026-01-02 10:00 UTC", "development build (source checkout of 2026-01-02)"), 1))
    text = "\n".join(problems)
    assert "exit code 1" in text and "build stamp" in text
    assert "coffee.png" in text and "chelsea.png" in text and "rocket.jpg" not in text


def test_verifier_wants_the_training_worker_to_answer():
    problems = verify.check(Result(GOOD.replace("in 2 processes", "in 1 processes")))
    assert len(problems) == 1 and "training worker" in problems[0]
    assert verify.check(Result(GOOD.replace("LeNet trained in 2 processes", "one process (one core)"))) == []


def test_verifier_wants_the_compiled_kernels_in_the_bundle():
    numpy_only = GOOD.replace("compiled (numba 0.68.1)", "NumPy (numba is not installed: pip install numba)")
    problems = verify.check(Result(numpy_only))
    assert len(problems) == 1 and "without its compiled kernels" in problems[0]
