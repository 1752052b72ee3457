# %% [markdown]
# # 12. A whole batch at once: the 3-D tensor
#
# {download}`Download this page as a notebook <_notebooks/12_batch_tensor.ipynb>`
#
# The per-example loop does the same small matrix work once per sample. NumPy can do it
# for a whole stack at once: `np.matmul` (the `@` operator) treats an array of shape
# $(m, p, q)$ as $m$ matrices and multiplies each by its partner. Store the batch as a
# stack of columns, $a^\ell$ of shape $(m, n_\ell, 1)$, and every per-sample equation
# becomes one stacked operation; the weight gradient is the stack of outer products
# $\delta^\ell_x (a^{\ell-1}_x)^\mathsf{T}$, of shape $(m, n_\ell, n_{\ell-1})$,
# averaged over its first axis:
#
# $$ \frac{\partial C}{\partial W^\ell}
#    = \frac{1}{m} \sum_x \delta^\ell_x (a^{\ell-1}_x)^\mathsf{T}
#    = \frac{1}{m}\, \Delta^\ell (A^{\ell-1})^\mathsf{T}. $$
#
# The last form is the punchline: the sum of outer products is one ordinary matrix
# product of the $(n_\ell, m)$ error matrix with the transposed $(n_{\ell-1}, m)$
# activation matrix. That is what the engine computes, in
# {func}`~backproplab.engine.backward.backprop` — the one place in the library where
# BP1–BP4 are written out for reading, each marked beside the line that computes it:
#
# ```{literalinclude} ../../src/backproplab/engine/backward.py
# :language: python
# :pyobject: backprop
# ```
#
# Training runs the same equations in place on reused buffers
# ({class}`~backproplab.engine.workspace.Workspace`), and the test suite proves the two
# paths equal for every activation and cost.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from backproplab import Network, datasets, ladder

X, y = datasets.circles(n_samples=1000, seed=0)
net = Network([2, 3, 3, 1], seed=0)
zs, activations = net.feedforward(X)
stack = [a.T[:, :, np.newaxis] for a in activations]  # (m, n_ℓ, 1): a stack of columns
print("stacked activations:", [s.shape for s in stack])

# BP1 for the whole stack: δ^L, (m, 1, 1)
a_L = stack[-1]
delta_L = (a_L - y.reshape(-1, 1, 1)) * a_L * (1 - a_L)
outer = delta_L @ stack[-2].transpose(0, 2, 1)  # BP4 per sample: (m, 1, 1) @ (m, 1, 3)
print("per-sample ∂C/∂W³ stack:", outer.shape, "→ mean:", outer.mean(axis=0).shape)

# the same stack of outer products, said with einsum
outer_einsum = np.einsum("mjx,mkx->mjk", delta_L, stack[-2])
assert np.allclose(outer, outer_einsum, rtol=1e-14, atol=0)

# %% [markdown]
# The library's batch-tensor rung, {func}`~backproplab.checking.ladder.batch_tensor`, is
# all four equations in this stacked form. Every rung of the ladder gives the same
# gradients; their largest difference from the engine's matrix-product rung
# ({func}`~backproplab.checking.ladder.gemm`), on this batch:

# %%
reference_w, _ = ladder.gemm(net.weights, net.biases, X, y)
timings, worst = {}, {}
for name in ("per_neuron", "per_example", "batch_tensor", "gemm"):
    rung = ladder.RUNGS[name]
    begin = time.perf_counter()
    grads_w, _ = rung(net.weights, net.biases, X, y)
    timings[name] = time.perf_counter() - begin
    worst[name] = max(np.max(np.abs(g - r)) / np.max(np.abs(r))
                      for g, r in zip(grads_w, reference_w))
    print(f"{name:>12}: largest relative difference {worst[name]:.1e}, "
          f"{timings[name] * 1e3:8.2f} ms")
assert max(worst.values()) < 1e-12

fig, ax = plt.subplots(figsize=(6.5, 3.2))
names = list(timings)
ax.barh(names, [timings[n] * 1e3 for n in names], color=["C3", "C1", "C2", "C0"])
ax.set_xscale("log")
ax.set_xlabel("ms for one gradient of 1000 samples (log scale, measured at build)")
ax.set_title("the same gradient at every rung of the ladder")
plt.show()
