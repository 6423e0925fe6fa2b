"""A one-shot command on a few pictures runs NumPy paths, not the compiled kernels:
loading them from numba's cache costs more than they save (benchmarks/cli_start.py). A
folder of many pictures loads them; NETSTUDIO_JIT set by the user always wins. Each case
is a new process, as a user's command is."""
import json
import os
import subprocess
import sys

import pytest

from netstudio.kernels import COMPILED_FROM_PICTURES
from .zoo_support import REPO, SAMPLES

PROBE = """
import json, sys
import netstudio
code = netstudio.main(sys.argv[1:])
print(json.dumps({"code": code, "numba_imported": "numba" in sys.modules}))
"""


def command(*args, jit=None):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("NETSTUDIO_JIT", None)
    if jit is not None:
        env["NETSTUDIO_JIT"] = jit
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout


@pytest.mark.parametrize("verb", ["classify", "detect"])
def test_a_few_pictures_run_without_loading_compiled_kernels(verb):
    result, out = command(verb, SAMPLES / "coffee.png")
    assert result["code"] == 0
    assert not result["numba_imported"]
    if verb == "classify":
        assert "espresso" in out


def test_the_users_choice_of_kernels_stands():
    pytest.importorskip("numba")
    result, out = command("classify", SAMPLES / "coffee.png", jit="1")
    assert result["numba_imported"]
    assert "espresso" in out


def test_many_pictures_load_the_compiled_kernels(tmp_path):
    pytest.importorskip("numba")
    for i in range(COMPILED_FROM_PICTURES):
        os.link(SAMPLES / "coffee.png", tmp_path / f"cup{i}.png")
    result, out = command("classify", tmp_path, "--json")
    assert result["code"] == 0 and result["numba_imported"]
    rows = json.loads(out[:out.rindex("]") + 1])
    assert len(rows) == COMPILED_FROM_PICTURES
    assert {row["top"][0]["label"] for row in rows} == {"espresso"}


def test_the_choice_lasts_for_the_command_only(capsys):
    """netstudio.main called in a process (a script, a test) leaves the kernels as it found them."""
    import netstudio
    from core.runtime import describe
    before = describe().kernels
    assert netstudio.main(["classify", str(SAMPLES / "coffee.png")]) == 0
    assert "espresso" in capsys.readouterr().out
    assert describe().kernels == before


def test_a_job_inside_a_process_without_compiled_kernels_keeps_the_reason():
    from core.backend.cpu import jit
    from core.runtime import compiled_kernels, describe
    with compiled_kernels(False, "turned off by NETSTUDIO_JIT=0"):
        with compiled_kernels(False, "not loaded for 1 picture"):
            assert describe().kernels == "NumPy (compiled kernels not loaded for 1 picture)"
        assert describe().kernels == "NumPy (compiled kernels turned off by NETSTUDIO_JIT=0)"
        assert not jit.ENABLED
