"""Gradient cases for activations: LeakyReLU's act_types, softmax family, standalone forms."""
import numpy as np

from .gradcase import GradCase

# away from 0, where leaky/prelu/rrelu have a kink the finite differences would straddle
AWAY_FROM_ZERO = np.array([[-1.5, -0.7, -0.2, 0.3], [0.9, -2.1, 1.4, -0.05], [0.6, 2.0, -1.1, 0.15]])

CASES = [
    GradCase("LeakyReLU", {}, [AWAY_FROM_ZERO]),
    GradCase("LeakyReLU", {"act_type": "leaky", "slope": 0.1}, [AWAY_FROM_ZERO]),
    GradCase("LeakyReLU", {"act_type": "elu", "slope": 0.3}, [AWAY_FROM_ZERO]),
    GradCase("LeakyReLU", {"act_type": "selu"}, [AWAY_FROM_ZERO]),
    GradCase("LeakyReLU", {"act_type": "gelu"}, [(3, 4)]),
    GradCase("LeakyReLU", {"act_type": "rrelu"}, [AWAY_FROM_ZERO], forward_seed=3),
    GradCase("LeakyReLU", {"act_type": "rrelu", "lower_bound": 0.3, "upper_bound": 0.5},
             [AWAY_FROM_ZERO], forward_seed=4),
    GradCase("LeakyReLU", {"act_type": "prelu"}, [(2, 3, 2, 2), (3,)]),
    GradCase("LeakyReLU", {"act_type": "prelu"}, [AWAY_FROM_ZERO, (1,)]),
    GradCase("softmax", {}, [(3, 4)]),
    GradCase("softmax", {"axis": 1}, [(2, 3, 2)]),
    GradCase("softmax", {"axis": 0, "temperature": 2.5}, [(3, 4)]),
    GradCase("log_softmax", {}, [(3, 4)]),
    GradCase("log_softmax", {"axis": -2, "temperature": 0.5}, [(2, 3, 2)]),
    GradCase("SoftmaxActivation", {}, [(2, 3, 2, 2)]),
    GradCase("SoftmaxActivation", {"mode": "channel"}, [(2, 3, 2, 2)]),
    GradCase("relu", {}, [AWAY_FROM_ZERO]),
    GradCase("sigmoid", {}, [(3, 4)]),
    GradCase("tanh", {}, [(3, 4)]),
    GradCase("softsign", {}, [AWAY_FROM_ZERO]),
]
