"""backproplab: see and check how a neural network learns by backpropagation.

>>> from backproplab import Network
>>> Network([2, 3, 3, 1], seed=0).sizes
[2, 3, 3, 1]
"""

from .checking import check_backprop
from .gradcheck import gradcheck
from .history import History
from .network import Network
from .train import TrainingDivergedError

__all__ = ["Network", "History", "TrainingDivergedError", "check_backprop", "gradcheck"]
__version__ = "0.1.0"
