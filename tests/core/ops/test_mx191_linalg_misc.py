"""Every case in tests/fixtures/ops_mx191/linalg_misc_mx191.npz - forward outputs and
input gradients that Apache MXNet 1.9.1 computed (make_linalg_misc_fixtures.py there) -
replayed on our operators: the rest of the linalg family, histogram, split_v2,
Correlation, choose/fill_element_0index, all_finite, reset_arrays (issue 23 point 16).
Finite differences: cases_linalg_misc.py; the mx.nd/mx.sym calls: test_linalg_ops.py,
test_mx191_misc_api.py."""
import json

import numpy as np
import pytest

from .test_mx191_fixtures import FIXTURE_DIR, case_id, replay

FIXTURES = np.load(FIXTURE_DIR / "linalg_misc_mx191.npz", allow_pickle=False)
MANIFEST = json.loads(str(FIXTURES["manifest"]))


@pytest.mark.parametrize("index", range(len(MANIFEST)), ids=lambda i: case_id(MANIFEST, i))
def test_forward_and_gradients_match_mxnet_1_9_1(index):
    replay(FIXTURES, MANIFEST, index)
