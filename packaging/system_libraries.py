"""Before Qt loads: are the Linux system libraries it needs on this machine?

PyInstaller bundles most of Qt's dependencies but deliberately not the graphics stack
(libGL, libEGL, libxcb), and we leave fontconfig/freetype to the system so they match
the machine's font configuration. Without them Qt dies with a loader error deep inside
an import; this check names the missing apt packages instead.

>>> missing_libraries([("libc.so.6", "libc6")])
[]
"""
from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

# (soname, Debian/Ubuntu package) that every start needs, offscreen included
BASE = [("libGL.so.1", "libgl1"), ("libEGL.so.1", "libegl1"),
        ("libfontconfig.so.1", "libfontconfig1"), ("libxcb.so.1", "libxcb1")]
# what Qt's xcb platform plugin loads on a real X11 display (Qt >= 6.5 needs xcb-cursor)
XCB = [("libX11-xcb.so.1", "libx11-xcb1"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
       ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxcb-icccm.so.4", "libxcb-icccm4"),
       ("libxcb-image.so.0", "libxcb-image0"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
       ("libxcb-randr.so.0", "libxcb-randr0"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
       ("libxcb-shape.so.0", "libxcb-shape0"), ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
       ("libxcb-xkb.so.1", "libxcb-xkb1"), ("libxcb-sync.so.1", "libxcb-sync1"),
       ("libxcb-shm.so.0", "libxcb-shm0"), ("libxcb-render.so.0", "libxcb-render0"),
       ("libxcb-util.so.1", "libxcb-util1")]
SKIP_VARIABLE = "NETSTUDIO_SKIP_LIBRARY_CHECK"


def uses_xcb(environ=os.environ):
    """Will Qt pick its X11 (xcb) platform plugin? Explicitly, or by default on an X
    display outside a Wayland session."""
    platform = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    if platform:
        return platform == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def _bundled(soname):
    # a copy PyInstaller put in the bundle counts even if the loader path does not list it
    bundle = getattr(sys, "_MEIPASS", None)
    return bool(bundle) and any((Path(bundle) / sub / soname).is_file()
                                for sub in (".", "PySide6/Qt/lib"))


def _loadable(soname):
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(wanted):
    """The (soname, package) pairs of ``wanted`` that neither the bundle nor the system has."""
    return [(soname, package) for soname, package in wanted
            if not _bundled(soname) and not _loadable(soname)]


def explain(missing):
    packages = " ".join(dict.fromkeys(package for _, package in missing))
    names = "\n".join(f"  {soname:<26} (Debian/Ubuntu package {package})" for soname, package in missing)
    return (f"Net Studio cannot start: Qt needs system libraries this machine lacks:\n{names}\n\n"
            f"Install them, then start Net Studio again:\n"
            f"  sudo apt-get install {packages}\n"
            f"(Fedora: dnf install mesa-libGL mesa-libEGL fontconfig libxcb xcb-util-cursor "
            f"xcb-util-wm xcb-util-image xcb-util-keysyms xcb-util-renderutil libxkbcommon-x11)\n"
            f"To try anyway, set {SKIP_VARIABLE}=1.")


def check(environ=os.environ, stream=sys.stderr):
    """0 when Qt can load (or not on Linux, or the check is skipped); else prints what to
    install and returns 3."""
    if not sys.platform.startswith("linux") or environ.get(SKIP_VARIABLE):
        return 0
    wanted = BASE + (XCB if uses_xcb(environ) else [])
    missing = missing_libraries(wanted)
    if not missing:
        return 0
    print(explain(missing), file=stream)
    return 3
