"""Training sessions for the GUI (and scripts), without Qt: datasets (``core.io``'s format
registry, re-exported here), the input the network gets, the training run with
pause/stop/checkpoints, evaluation (confusion matrix, worst mistakes) and the run history.

>>> from core.session import RunHistory, TrainSettings
>>> TrainSettings().optimizer
'adam'
"""
from ..io.dataset import DataSource, Split
from ..io.datasets import fashion_mnist_choices, open_fashion_mnist
from ..io.formats import open_dataset
from .curves import Curves, ema, thin
from .evaluation import Evaluation, Mistake, confusion_matrix, worst_misclassified
from .history import RunHistory, RunRecord, default_runs_dir
from .inputs import NORMALIZATIONS, InputSpec, choose_input, to_input
from .networks import TEMPLATES, NetworkChoice
from .prepare import DataChoice, prepare_data
from .runner import TrainingSession
from .settings import INITIALIZERS, OPTIMIZERS, SettingsError, TrainSettings

__all__ = ["Curves", "DataChoice", "DataSource", "Evaluation", "INITIALIZERS", "InputSpec", "Mistake",
           "NORMALIZATIONS", "NetworkChoice", "OPTIMIZERS", "RunHistory", "RunRecord", "SettingsError",
           "Split", "TEMPLATES", "TrainSettings", "TrainingSession", "choose_input", "confusion_matrix",
           "default_runs_dir", "ema", "fashion_mnist_choices", "open_dataset", "open_fashion_mnist",
           "prepare_data", "thin", "to_input", "worst_misclassified"]
