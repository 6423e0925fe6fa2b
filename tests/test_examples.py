"""Every script in examples/ runs (quick mode, in a subprocess) and prints sensible metrics."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py"))

# what each example prints last, and the worst value that still means it learned
EXPECTED = {
    "lenet_fashion_mnist.py": (r"test accuracy after 1 epoch\(s\): ([\d.]+)", lambda v: v > 0.2),
    "mlp_fashion_mnist.py": (r"test accuracy: ([\d.]+)", lambda v: v > 0.5),
    "linear_regression_csv.py": (r"validation rmse: ([\d.]+) px", lambda v: v < 3.5),  # predicting the mean: 5.8
    "logistic_regression_csv.py": (r"validation accuracy: ([\d.]+)", lambda v: v > 0.9),
    # the seeds' own code, translated (issue 16)
    "seed001_r_tutorial.py": (r"lenet test accuracy: ([\d.]+)", lambda v: v > 0.3),        # 10 batches
    "seed002_graphlab_tour.py": (r"feature classifier accuracy: ([\d.]+)", lambda v: v > 0.9),
    "seed003_aws_workshop.py": (r"top-1 probability: ([\d.]+)", lambda v: v > 0.5),
    "seed004_cats_dogs_finetune.py": (r"kaggle-results.csv accuracy: ([\d.]+)", lambda v: v > 0.75),
}


def test_every_example_has_an_expectation():
    assert set(EXAMPLES) == set(EXPECTED)


@pytest.mark.parametrize("script", EXAMPLES)
def test_example_runs_quickly(script, tmp_path):
    # zoo models install into a cache of the test's own, not the user's
    env = dict(os.environ, NETSTUDIO_CACHE=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    pattern, good = EXPECTED[script]
    match = re.search(pattern, result.stdout)
    assert match, f"{script} printed:\n{result.stdout[-2000:]}"
    assert good(float(match.group(1))), match.group(0)
