"""Run a built bundle's ``--self-test`` and check what it printed.

    python3 packaging/verify_bundle.py [dist/NetStudio/NetStudio] [--relocated]

Checks: exit 0, a build stamp in "Built:", compiled kernels in "Kernels:" (numba came
along), a training worker process in "Lanes:", and the expected top-5s of the sample photos
(coffee -> espresso first; chelsea -> tiger cat, Egyptian cat and tabby as the top three;
rocket -> missile and projectile as the top two). With ``--relocated`` the bundle is
first copied to a fresh temporary folder and run there with an empty HOME (no model
cache), no PYTHONPATH, no NETSTUDIO_* variables and, where ``unshare`` allows, no network;
afterwards the empty HOME must still hold no converted model.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE_NAME = {"win32": "netstudio-cli.exe"}.get(sys.platform, "NetStudio")
RANK = re.compile(r"^\s+(\d)\.\s+(.+?)\s+([\d.]+)%\s+\(class (\d+)\)\s*$")


def expectations(top):
    """Messages for every expectation ``top`` ({image: [labels in rank order]}) misses."""
    problems = []
    coffee, chelsea, rocket = top.get("coffee.png", []), top.get("chelsea.png", []), top.get("rocket.jpg", [])
    if coffee[:1] != ["espresso"]:
        problems.append(f"coffee.png: expected 'espresso' first, got {coffee[:3]}")
    if set(chelsea[:3]) != {"tiger cat", "Egyptian cat", "tabby"}:
        problems.append(f"chelsea.png: expected tiger cat, Egyptian cat, tabby as the top three, got {chelsea[:3]}")
    if set(rocket[:2]) != {"missile", "projectile"}:
        problems.append(f"rocket.jpg: expected missile and projectile as the top two, got {rocket[:3]}")
    return problems


def parse_top5(output):
    top, current = {}, None
    for line in output.splitlines():
        match = RANK.match(line)
        if match and current is not None:
            top[current].append(match.group(2))
        elif re.match(r"^\S+\.(png|jpe?g):$", line):
            current = line[:-1]
            top[current] = []
    return top


def isolated_env(home):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("NETSTUDIO_", "PYTHON", "XDG_", "QT_")) and key != "LD_LIBRARY_PATH"}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen",
               # any connection attempt fails fast even where unshare is not allowed
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
    return env


def without_network(command):
    """Prefix ``command`` with ``unshare -rn`` (a private, empty network) when that works here."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn", *command], True
    return command, False


def run(exe, cwd, env, screenshot, timeout):
    command, offline = without_network([str(exe), "--self-test", "--screenshot", str(screenshot)])
    print(f"verify: {' '.join(command)}  (cwd {cwd}, network {'off' if offline else 'proxied to nowhere'})",
          flush=True)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    print(result.stdout, end="")
    print(result.stderr, end="", file=sys.stderr)
    return result


def check(result):
    problems = [] if result.returncode == 0 else [f"exit code {result.returncode}"]
    built = re.search(r"^Built: (.*)$", result.stdout, re.M)
    if not built or "development build" in built.group(1):
        problems.append(f"no build stamp in About ({built.group(1) if built else 'no Built: line'})")
    kernels = re.search(r"^Kernels: (.*)$", result.stdout, re.M)
    if not kernels or not kernels.group(1).startswith("compiled"):
        problems.append(f"the bundle runs without its compiled kernels "
                        f"({kernels.group(1) if kernels else 'no Kernels: line'})")
    lanes = re.search(r"^Lanes: (.*)$", result.stdout, re.M)
    if not lanes or not (lanes.group(1) == "LeNet trained in 2 processes" or "one core" in lanes.group(1)):
        problems.append(f"the bundle's training worker did not answer "
                        f"({lanes.group(1) if lanes else 'no Lanes: line'})")
    problems += expectations(parse_top5(result.stdout))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", nargs="?", type=Path, default=ROOT / "dist" / "NetStudio" / EXE_NAME)
    parser.add_argument("--relocated", action="store_true",
                        help="copy the bundle elsewhere and run it with an empty HOME, offline")
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    exe = args.exe.resolve()
    if not exe.is_file():
        print(f"verify: {exe} does not exist; build it with `python3 packaging/build.py`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="netstudio-verify-") as scratch:
        scratch = Path(scratch)
        screenshot = args.screenshot or scratch / "self-test.png"
        if args.relocated:
            copy = scratch / "elsewhere" / exe.parent.name
            shutil.copytree(exe.parent, copy, symlinks=True)
            home = scratch / "home"
            home.mkdir()
            result = run(copy / exe.name, scratch, isolated_env(home), screenshot, args.timeout)
            problems = check(result)
            converted = sorted(str(p.relative_to(home)) for p in home.rglob("installed.json"))
            if converted:
                problems.append(f"the bundle installed models into the empty HOME instead of using its "
                                f"own: {converted}")
        else:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
            problems = check(run(exe, exe.parent, env, screenshot, args.timeout))
    if problems:
        print("verify: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"verify: bundle OK ({'relocated, empty HOME, offline' if args.relocated else exe})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
