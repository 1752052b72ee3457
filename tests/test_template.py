"""The one templater: a single pass, user text never substituted again."""

from __future__ import annotations

import numpy as np
import pytest

from backproplab.viz.template import fill


def test_a_value_holding_a_template_key_stays_literal():
    template = "<title>{{TITLE}}</title>{{SCRIPTS}}<h1>{{TITLE}}</h1>"
    for order in (["TITLE", "SCRIPTS"], ["SCRIPTS", "TITLE"]):
        values = {k: {"TITLE": "{{SCRIPTS}} {{TITLE}}", "SCRIPTS": "<script>1</script>"}[k]
                  for k in order}  # fmt: skip
        out = fill(template, values)
        assert out == ("<title>{{SCRIPTS}} {{TITLE}}</title><script>1</script>"
                       "<h1>{{SCRIPTS}} {{TITLE}}</h1>")  # fmt: skip


def test_missing_keys_and_non_text_values_are_refused():
    with pytest.raises(ValueError, match="BODY"):
        fill("{{TITLE}}{{BODY}}", {"TITLE": "t"})
    with pytest.raises(ValueError, match="must be text"):
        fill("{{TITLE}}", {"TITLE": 3})
    assert fill("{{ lower }} {{x}} {TITLE}", {"TITLE": "t", "UNUSED": "u"}) == (
        "{{ lower }} {{x}} {TITLE}"
    )


def test_a_report_titled_with_a_template_key_is_one_report(tmp_path):
    """A title of ``{{SCRIPTS}}`` once tripled the report; now it is shown as written."""
    from backproplab import Network, datasets
    from backproplab.formats.runfile import from_recording
    from backproplab.training.callbacks import Recorder
    from backproplab.viz.page import render_report

    X, y = datasets.circles(n_samples=40, seed=0)
    net = Network([2, 3, 1], seed=0)
    rec = Recorder(X, layers=[1, 2], every=2, Y=y)
    history = net.train(X, y, epochs=1, batch_size=10, eta=1.0, callbacks=[rec])
    run = from_recording(
        rec, history, sizes=net.sizes, activation=net.activation,
        output_activation=net.output_activation, cost=net.cost_function.name, watch=1,
        labels=y, indices=np.arange(len(X)), n_total=len(X), title="{{SCRIPTS}}{{SNIPPET}}",
        summary="{{STYLE}}",
    )  # fmt: skip
    page = render_report(run)
    assert page.count('id="bpl-plotly"') == 1
    assert page.count("{{SCRIPTS}}{{SNIPPET}}") == 2  # <title> and <h1>
    assert "{{STYLE}}" in page
