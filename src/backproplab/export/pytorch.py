"""A :class:`~backproplab.Network` as a ``torch.nn.Sequential``, and back.

Layer ℓ of the network, ``a^ℓ = σ(W^ℓ a^{ℓ−1} + b^ℓ)``, becomes two modules:

- ``torch.nn.Linear(n_{ℓ−1}, n_ℓ)`` with ``weight = W^ℓ`` (torch stores it as
  (out_features, in_features), our orientation, so no transpose) and ``bias = b^ℓ``
  flattened from (n_ℓ, 1) to (n_ℓ,);
- the activation module the activation's descriptor names
  (:attr:`Activation.torch <backproplab.engine.activations.Activation>` and its
  ``torch_options``): ``Sigmoid``, ``Tanh``, ``ReLU``, ``LeakyReLU(LEAKY_SLOPE)``,
  ``Identity`` for ``"linear"``, and ``Softmax(dim=1)`` for a softmax output (torch's
  batches are rows, one per sample, so the classes are dimension 1). An activation
  without a counterpart raises ``ValueError``.

Parameters keep the network's dtype (float32 or float64). torch's modules compute the
same functions as ours; outputs and gradients agree to rounding (the tests hold float64
to 1e-12 and 1e-10).

``from_torch`` reads such a Sequential back. It also accepts ``Linear`` layers with no
activation module between them (a ``"linear"`` layer) and ``Linear(bias=False)`` (b = 0);
anything a :class:`~backproplab.Network` cannot hold raises ``ValueError`` naming the
module: other layer types, different activations in different hidden layers, a leaky ReLU
of another slope, a softmax anywhere but at the end or over another dimension.
"""

from __future__ import annotations

import numpy as np

from ..engine.activations import ACTIVATIONS, get_activation


def _from_torch() -> dict[str, str]:
    """torch module class name -> our activation name, from the registry's descriptors."""
    return {act.torch: name for name, act in ACTIVATIONS.items() if act.torch is not None}


def _import_torch():
    try:
        import torch
    except ImportError:
        raise ImportError(
            "exporting to PyTorch needs torch: pip install 'backproplab[torch]'"
        ) from None
    return torch


def _activation_module(torch, name: str):
    """The torch module computing our activation ``name`` (its descriptor's counterpart);
    ValueError if it has none."""
    act = get_activation(name)
    module = getattr(torch.nn, act.torch, None) if act.torch else None
    if module is None:
        raise ValueError(
            f"activation {act.name!r} has no PyTorch counterpart, so this network cannot be "
            "exported to PyTorch (register it with torch='<torch.nn module>' to name one)"
        )
    return module(**act.torch_options)


def to_torch(net):
    """The network as a ``torch.nn.Sequential``: ``Linear``, activation, ``Linear``, …

    Args:
        net: a :class:`~backproplab.Network`.

    Returns:
        ``torch.nn.Sequential`` of 2·L modules (L = ``len(net.sizes) − 1``) whose
        parameters are copies of ``net.weights`` and ``net.biases`` in ``net.dtype``. It
        maps a batch of shape (n_samples, sizes[0]) to (n_samples, sizes[−1]), like
        ``net.predict``.

    >>> from backproplab import Network
    >>> module = to_torch(Network([2, 3, 1], activation="tanh", seed=0))  # doctest: +SKIP
    >>> module  # doctest: +SKIP
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
      (3): Tanh()
    )
    """
    torch = _import_torch()
    names = [net.activation] * (len(net.sizes) - 2) + [net.output_activation]
    dtype = getattr(torch, net.dtype.name)  # torch.float32 or torch.float64
    modules = []
    for W, b, name in zip(net.weights, net.biases, names, strict=True):
        n_out, n_in = W.shape
        linear = torch.nn.Linear(n_in, n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.array(W, dtype=net.dtype)))
            linear.bias.copy_(torch.from_numpy(np.array(b, dtype=net.dtype).ravel()))
        modules += [linear, _activation_module(torch, name)]
    return torch.nn.Sequential(*modules)


def _layers_of(module) -> list[tuple[object, str, int]]:
    """``[(linear, activation name, index of the Linear), …]`` from a Sequential, or a
    ValueError naming the first module that does not fit."""
    torch = _import_torch()
    nn = torch.nn
    if not isinstance(module, nn.Sequential):
        raise TypeError(f"from_torch needs a torch.nn.Sequential, got {type(module).__name__}")
    children = list(module)
    known = _from_torch()
    layers: list[list] = []  # [linear, activation name or None, index]
    for i, child in enumerate(children):
        kind = type(child).__name__
        if isinstance(child, nn.Linear):
            layers.append([child, None, i])
            continue
        if kind not in known or type(child) is not getattr(nn, kind):
            raise ValueError(
                f"module [{i}] is {kind}, which a backproplab Network cannot hold; it holds "
                "Linear layers, each followed by one of " + ", ".join(known)
            )
        if not layers:
            raise ValueError(f"module [{i}] ({kind}) comes before the first Linear layer")
        if layers[-1][1] is not None:
            raise ValueError(
                f"module [{i}] ({kind}) follows another activation; a Network has one "
                "activation per Linear layer"
            )
        act = get_activation(known[kind])
        for option, ours in act.torch_options.items():
            theirs = getattr(child, option, None)
            if theirs != ours and not (option == "dim" and theirs == -1):  # −1 is 1 for (N, n)
                raise ValueError(
                    f"module [{i}] is {kind}({option}={theirs}); backproplab's {act.name} is "
                    f"{kind}({option}={ours})"
                )
        if not act.hidden_ok and i != len(children) - 1:
            raise ValueError(
                f"module [{i}] is a {kind} before the last layer; {act.name} can only be "
                "the output activation"
            )
        layers[-1][1] = act.name
    if not layers:
        raise ValueError("the Sequential holds no Linear layer")
    return [(lin, act or "linear", i) for lin, act, i in layers]


def torch_parameters(module, *, cost: str = "quadratic"):
    """The configuration and parameters of a ``torch.nn.Sequential``, for
    :meth:`backproplab.network.Network.from_torch` (which builds the network).

    Args:
        module: ``Sequential(Linear, activation, Linear, activation, …)`` as made by
            :func:`to_torch`; an activation may be left out (a linear layer).
        cost: the Network's cost (a Sequential does not say which it was trained with).

    Returns:
        ``(config, weights, biases)``: a :meth:`Network.config
        <backproplab.network.Network.config>` dict, ``weights[ℓ−1]`` a copy of the ℓ-th
        Linear's ``weight`` and ``biases[ℓ−1]`` its ``bias`` as a column, in the
        parameters' dtype.

    Raises:
        TypeError: ``module`` is not a Sequential.
        ValueError: a module a Network cannot hold (see the module docstring), hidden
            layers with different activations, layer sizes that do not chain, or
            parameters not all float32 or all float64.
    """
    torch = _import_torch()
    layers = _layers_of(module)
    dtypes = {p.dtype for lin, _, _ in layers for p in lin.parameters()}
    if len(dtypes) != 1 or next(iter(dtypes)) not in (torch.float32, torch.float64):
        raise ValueError(
            "the Linear layers' parameters must all be float32 or all float64, got "
            + ", ".join(sorted(str(d) for d in dtypes))
        )
    dtype = np.float32 if dtypes == {torch.float32} else np.float64
    hidden = {act for _, act, _ in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(
            "the hidden layers use different activations ("
            + ", ".join(sorted(hidden))
            + "); a Network has one activation for all hidden layers"
        )
    sizes = [layers[0][0].in_features]
    weights, biases = [], []
    for lin, _, i in layers:
        if lin.in_features != sizes[-1]:
            raise ValueError(
                f"module [{i}] is Linear({lin.in_features}, {lin.out_features}) but the "
                f"layer before it has {sizes[-1]} outputs"
            )
        sizes.append(lin.out_features)
        W = lin.weight.detach().cpu().numpy().astype(dtype, copy=True)  # (n_out, n_in)
        if lin.bias is None:
            b = np.zeros((lin.out_features, 1), dtype=dtype)
        else:
            b = lin.bias.detach().cpu().numpy().astype(dtype, copy=True)[:, None]  # (n_out, 1)
        weights.append(W)
        biases.append(b)
    output = layers[-1][1]
    activation = hidden.pop() if hidden else output
    config = {
        "sizes": sizes,
        "activation": activation,
        "output_activation": output,
        "cost": cost,
        "init": "torch",  # where the parameters came from
        "dtype": np.dtype(dtype).name,
    }
    return config, weights, biases
