"""A notebook executed by a real Jupyter kernel shows the interactive hidden space inline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.end_to_end  # a real Jupyter kernel

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CELLS = [
    """from backproplab import Network, datasets
from backproplab.training.callbacks import Recorder
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


def _readme_notebook_cells() -> list[tuple[str, str]]:
    """The notebook example of the usage page (``docs/usage.md``, moved there from the
    README) as cells: its first block, then each line of the blocks continuing it as a cell
    of its own, each with the output it must show."""
    from test_readme import ROOT, _chains

    first, *rest = _chains(ROOT / "docs" / "usage.md")[0]
    assert "plot_history(history)" in first.splitlines()[-1]
    cells = [(first, "image/png")]
    for block in rest:
        for line in block.splitlines():
            code = line.split("#")[0].strip()
            if not code or code.startswith(("from ", "import ")):
                if code:
                    cells.append((code, ""))
                continue
            kind = ("text/html" if code.startswith("animate_hidden")
                    else "application/vnd.plotly.v1+json" if "_figure(" in code
                    else "image/png")  # fmt: skip
            cells.append((code, kind))
    return cells


@pytest.mark.slow
def test_the_readme_notebook_example_shows_every_figure_in_a_fresh_kernel():
    """No ``%matplotlib inline``: the figures and the animation bring their own display."""
    cells = _readme_notebook_cells()
    assert len(cells) >= 8
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c, _ in cells])
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    for (code, kind), cell in zip(cells, nb.cells):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, (code, errors)
        if not kind:
            continue
        shown = [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        assert shown and kind in shown[-1].data, (code, [list(o.data) for o in shown])
        if kind == "image/png":
            assert len(shown[-1].data["image/png"]) > 1000  # base64 of a real picture
        if kind == "text/html":
            assert shown[-1].data["text/html"].count("data:image/png;base64,") == 81
