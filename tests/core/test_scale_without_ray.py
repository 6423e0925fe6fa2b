"""--ray without Ray installed says how to install it (exit 2); the actor pool's CPU plan
(pure arithmetic, no Ray needed) always leaves decoding a CPU."""
import os
import subprocess
import sys

import pytest

from core.scale.cluster import plan
from core.errors import NetStudioError
from .zoo_support import REPO, SAMPLES

HIDE_RAY = "import sys; sys.modules['ray'] = None; from netstudio import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.parametrize("command", ["classify", "detect", "features"])
def test_ray_options_without_ray_say_how_to_install_it(command, tmp_path):
    done = subprocess.run([sys.executable, "-c", HIDE_RAY, command, str(SAMPLES), "--ray", "--out", str(tmp_path)],
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"netstudio {command}: --ray needs Ray, which is not installed: "
                                   "pip install 'netstudio[cluster]'")


def test_out_without_ray_is_refused(tmp_path):
    done = subprocess.run([sys.executable, "-m", "netstudio", "classify", str(SAMPLES), "--out", str(tmp_path)],
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--ray and --out DIR go together" in done.stderr


@pytest.mark.parametrize("cpus, actors, expected", [
    (2, None, (2, 0.5, 1.0)),      # this machine: decoding keeps a whole CPU
    (1, None, (1, 0.5, 0.5)),
    (8, None, (6, 1.0, 1.0)),
    (4, 8, (8, 0.375, 1.0)),       # more actors than CPUs: fractions
])
def test_actors_never_take_the_cpu_decoding_needs(cpus, actors, expected):
    chosen = plan(cpus, actors)
    assert (chosen.actors, chosen.actor_cpus, chosen.decode_cpus) == expected
    assert chosen.actors * chosen.actor_cpus + chosen.decode_cpus <= cpus + 1e-9


def test_no_actor_is_refused():
    with pytest.raises(NetStudioError, match="at least one actor"):
        plan(2, 0)


def test_features_without_ray_prints_each_pictures_vector(tmp_path):
    import json

    import numpy as np

    from core.zoo import ImageClassifier
    lenet = REPO / "resources" / "zoo" / "fashion-mnist-lenet" / "fashion-mnist-lenet"
    bad = tmp_path / "bad.png"
    bad.write_text("not a picture")
    photos = [str(SAMPLES / "coffee.png"), str(bad)]
    done = subprocess.run([sys.executable, "-m", "netstudio", "features", *photos, "--checkpoint", str(lenet),
                           "--epoch", "10"], env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "bad.png" in done.stderr
    rows = json.loads(done.stdout)
    want = ImageClassifier.from_checkpoint(lenet, 10).extract_features(photos[:1])[0]
    np.testing.assert_allclose(rows[0]["feature"], want, atol=1e-5)
    assert rows[1]["image"] == str(bad) and "bad.png" in rows[1]["error"]
