"""A notebook executed by a real Jupyter kernel shows the interactive hidden space inline."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CELLS = [
    """from backproplab import Network, datasets
from backproplab.callbacks import Recorder
from backproplab.viz import hidden_space_figure
X, y = datasets.circles(n_samples=100, seed=0)
net = Network([2, 3, 3, 1], seed=0)
rec = Recorder(X, layers=[2], every=20, Y=y)
history = net.train(X, y, epochs=4, batch_size=10, eta=3.0, callbacks=[rec])""",
    "hidden_space_figure(rec, y, layer=2)",
]


def test_the_hidden_space_figure_is_a_rich_output_of_an_executed_notebook():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3")
    client.execute()
    (output,) = nb.cells[1].outputs
    assert output.output_type in ("display_data", "execute_result")
    figure = output.data["application/vnd.plotly.v1+json"]  # Plotly's own MIME type
    traces = figure["data"]
    assert [t["type"] for t in traces[:2]] == ["scatter3d", "scatter3d"]
    assert len(figure["frames"]) == 3  # snapshots at steps 0, 20, 40
