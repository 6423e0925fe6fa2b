"""Build the standalone Net Studio: ``python3 packaging/build.py`` -> ``dist/NetStudio/``
(``dist/NetStudio.app`` on macOS) and an archive next to it.

Steps: convert the offline EfficientNet-Lite0 model into a staging folder (the bundle
carries the converted checkpoint, not the PyTorch file), write the build stamp that
About shows, run PyInstaller on packaging/netstudio.spec, then pack the archive
(``.tar.gz`` on Linux, ``.zip`` elsewhere) and print sizes and times.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import __version__  # noqa: E402
from core.fileio import atomic_write_text  # noqa: E402


def convert_model(stage: Path) -> Path:
    """Convert EfficientNet-Lite0 into ``<stage>/convert-cache`` (kept between builds)."""
    env = dict(os.environ, NETSTUDIO_CACHE=str(stage / "convert-cache"))
    env.pop("NETSTUDIO_BUNDLED_MODELS", None)
    code = "from core.zoo.convert_efficientnet import ensure_converted; ensure_converted()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return stage / "convert-cache" / "models" / "efficientnet-lite0"


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def write_build_info(stage: Path) -> str:
    """``<stage>/_build_info.py``, bundled as ``app/_build_info.py`` (read by app.about)."""
    now = datetime.now(timezone.utc)
    commit = git_commit()
    stamp = f"{now:%Y-%m-%d %H:%M} UTC" + (f", commit {commit}" if commit else "")
    text = (f'"""Written by packaging/build.py when this bundle was built."""\n'
            f"BUILD_DATE = {stamp!r}\nVERSION = {__version__!r}\nCOMMIT = {commit!r}\n"
            f"PLATFORM = {platform.platform()!r}\n")
    atomic_write_text(stage / "_build_info.py", text)
    return stamp


def run_pyinstaller(stage: Path, dist: Path, work: Path, clean: bool, gpu: bool) -> None:
    env = dict(os.environ, NETSTUDIO_STAGE=str(stage), NETSTUDIO_VERSION=__version__,
               NETSTUDIO_GPU_BUILD="1" if gpu else "0")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
               str(ROOT / "packaging" / "netstudio.spec")]
    if clean:
        command.insert(3, "--clean")
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def archive_name(dist: Path) -> Path:
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    suffix = ".tar.gz" if sys.platform.startswith("linux") else ".zip"
    return dist / f"NetStudio-{__version__}-{system}-{machine}{suffix}"


def make_archive(app: Path, target: Path) -> Path:
    """Pack ``app`` (folder or .app) into ``target``; written under a temporary name first."""
    partial = target.with_name(target.name + ".partial")
    if target.suffix == ".gz":
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(app, arcname=app.name)
    elif sys.platform == "darwin":
        # ditto keeps the .app's symlinks, permissions and extended attributes
        subprocess.run(["ditto", "-c", "-k", "--keepParent", str(app), str(partial)], check=True)
    else:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(app.rglob("*")):
                archive.write(path, Path(app.name, path.relative_to(app)))
    os.replace(partial, target)
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder (build/)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's caches first")
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.gz/.zip")
    parser.add_argument("--gpu", action="store_true", help="keep CuPy in the bundle (CUDA build)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stage = args.work / "netstudio-stage"
    stage.mkdir(parents=True, exist_ok=True)

    model = convert_model(stage)
    stamp = write_build_info(stage)
    print(f"build: model {model} ({folder_size(model) / 1e6:.1f} MB), stamp {stamp}", flush=True)
    run_pyinstaller(stage, args.dist, args.work, args.clean, args.gpu)

    folder = args.dist / "NetStudio"
    app = args.dist / "NetStudio.app" if sys.platform == "darwin" else folder
    print(f"build: {app} is {folder_size(app) / 1e6:.0f} MB unpacked")
    if not args.no_archive:
        archive = make_archive(app, archive_name(args.dist))
        print(f"build: {archive} is {archive.stat().st_size / 1e6:.0f} MB")
    print(f"build: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
