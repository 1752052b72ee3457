"""
The playground
==============

``backproplab serve`` (or ``make play``) starts a local page where the NumPy network
trains live: change the data, the features, the layers, η or the optimizer and watch the
decision regions, every hidden neuron, the 3-D hidden space and the loss move; check the
gradient or nudge a weight with one click. It is part of the default install::

    backproplab serve                 # prints its URL and opens it; Ctrl-C stops it
    backproplab serve --port 8765 --no-browser

Every setting lives in the address (``?data=spirals&hidden=8,8&eta=0.03``), so a link
restores a setup. The server listens on 127.0.0.1 only unless ``--host`` says otherwise.
Below, a picture of the page after training on the spirals with sin features.
"""

# %%
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.image import imread

here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
picture = imread(here.parent / "playground.png")
fig, ax = plt.subplots(figsize=(12, 12 * picture.shape[0] / picture.shape[1]))
ax.imshow(picture)
ax.set_axis_off()
fig.subplots_adjust(0, 0, 1, 1)
plt.show()
