"""Take a network elsewhere: to PyTorch and back, or to a standard ONNX file.

- :func:`to_torch` / :func:`torch_parameters`: a ``torch.nn.Sequential`` of ``Linear``
  layers and activation modules holding the same W and b (torch's ``Linear.weight`` is
  (n_out, n_in), the same orientation as our ``W``), and back (extra ``torch``); the
  network's own ``net.to_torch()`` and ``Network.from_torch(module)`` call them;
- :func:`to_onnx`: a :class:`~backproplab.Network` or a fitted scikit-learn estimator of
  :mod:`backproplab.sklearn` as an ONNX model that onnxruntime runs (extra ``export``).

torch and onnx are imported only when these functions run, so ``import backproplab``
needs neither.
"""

from .onnx_model import DEFAULT_OPSET, to_onnx
from .pytorch import to_torch, torch_parameters

__all__ = ["DEFAULT_OPSET", "to_onnx", "to_torch", "torch_parameters"]
