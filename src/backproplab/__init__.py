"""backproplab: see and check how a neural network learns by backpropagation.

The package reads bottom-up, like the notebook it follows; each wing imports only the
wings above it in this list:

- :mod:`~backproplab.engine` — the math: σ and costs, the forward pass, BP1–BP4
  (``engine.backward``), the fast training step, optimizers. Imports nothing else here.
- :mod:`~backproplab.data` — data sets and the class-label → target rule.
- :mod:`~backproplab.formats` — bytes on disk: model files, run files, MNIST/CSV, atomic writes.
- :mod:`~backproplab.training` — the mini-batch loop, its history, callbacks and advice.
- :mod:`~backproplab.network` — :class:`Network`, a thin object over the engine.
- :mod:`~backproplab.checking` — gradient checks, traces, nudges, the derivation ladder
  and the check of a learner's own backprop.
- ``lessons``, ``export``, ``sklearn``, ``sweep``, ``viz``, ``serve``, ``cli`` — built on
  the above.

>>> from backproplab import Network
>>> Network([2, 3, 3, 1], seed=0).sizes
[2, 3, 3, 1]
"""

import importlib

from .checking.gradcheck import gradcheck
from .checking.learner import check_backprop
from .network import Network
from .training.history import History
from .training.loop import TrainingDivergedError

# Submodules offered by their short names (``from backproplab import datasets``), imported
# only when asked for, so that ``import backproplab`` stays light.
_SUBMODULES = {
    "activations": "backproplab.engine.activations",
    "costs": "backproplab.engine.costs",
    "optim": "backproplab.engine.optim",
    "schedules": "backproplab.engine.schedules",
    "datasets": "backproplab.data.datasets",
    "ladder": "backproplab.checking.ladder",
}

__all__ = ["Network", "History", "TrainingDivergedError", "check_backprop", "gradcheck",
           *_SUBMODULES]  # fmt: skip
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(_SUBMODULES[name])
    raise AttributeError(f"module 'backproplab' has no attribute {name!r}")
