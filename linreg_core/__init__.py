"""NumPy core of the gradient-descent playground: data, model, training, analysis.

Pure NumPy: nothing here imports a UI library.
"""

from .data import Dataset, make_dataset
from .diagnosis import CONVERGED_TOL, MAX_HORIZON, Diagnosis, RunState, diagnose
from .landscape import LeastSquares, least_squares, loss_grid
from .minibatch import MAX_STEPS, PATH_POINTS, StepPath
from .model import StepResult, gradients, mse_loss, predict, train_step
from .optimizers import DEFAULT_BETA, DEFAULT_BETA2, EPS, GD, KINDS, Optimizer
from .scaling import Scaling, scaling
from .stability import LrRegime, Stability, classify_lr, spectral_radius, stability
from .stats import SufficientStats, sufficient_stats
from .train import DIVERGENCE_FACTOR, History, train, train_by_steps, train_many

__all__ = [
    "CONVERGED_TOL",
    "DEFAULT_BETA",
    "DEFAULT_BETA2",
    "DIVERGENCE_FACTOR",
    "EPS",
    "GD",
    "KINDS",
    "MAX_HORIZON",
    "MAX_STEPS",
    "PATH_POINTS",
    "Dataset",
    "Diagnosis",
    "History",
    "LeastSquares",
    "LrRegime",
    "Optimizer",
    "RunState",
    "Scaling",
    "Stability",
    "StepPath",
    "StepResult",
    "SufficientStats",
    "classify_lr",
    "diagnose",
    "gradients",
    "least_squares",
    "loss_grid",
    "make_dataset",
    "mse_loss",
    "predict",
    "scaling",
    "spectral_radius",
    "stability",
    "sufficient_stats",
    "train",
    "train_by_steps",
    "train_many",
    "train_step",
]
