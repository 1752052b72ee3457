"""The playground's settings: one schema in Python (serve.settings.FIELDS) that the page
builds its controls from and the server checks against."""

from __future__ import annotations

import json
import re
from dataclasses import fields

import pytest

from backproplab.engine import activations
from backproplab.serve import settings as S


def test_every_setting_has_one_field_in_the_order_of_settings():
    assert [f.name for f in S.FIELDS] == [f.name for f in fields(S.PlaygroundSettings)]


def test_the_schema_says_each_control_and_the_defaults():
    schema = json.loads(json.dumps(S.schema()))  # (as the page receives it)
    assert schema["defaults"] == S.PlaygroundSettings().to_dict()
    by_name = {f["name"]: f for f in schema["fields"]}
    assert by_name["n_samples"] | {} == {"name": "n_samples", "kind": "int", "label": "samples",
        "group": "data", "testid": "samples", "lo": 10, "hi": S.MAX_SAMPLES, "step": 10}  # fmt: skip
    assert by_name["activation"]["choices"] == list(S.hidden_activations())
    assert by_name["features"]["choices"] == list(S.FEATURES)
    assert by_name["features"]["labels"][2] == "x₁²"
    assert by_name["data_seed"]["group"] is None  # no control: the regenerate button's
    for f in schema["fields"]:  # the default of each choice is one of its choices
        if "choices" in f and f["kind"] == "choice":
            assert schema["defaults"][f["name"]] in f["choices"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"eta": 0}, "learning rate η must be more than 0"),
        ({"dropout": 0.95}, "dropout must be at least 0 and at most 0.9"),
        ({"train_percent": 95}, "training share (%) must be between 10 and 90"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"hidden": [4], "watch": 2}, "shown layer must be between 0 and 1"),
        ({"hidden": ["abc"]}, "hidden layer 1 must be a whole number; got 'abc'"),
        ({"hidden": [8, None]}, "hidden layer 2 must be a whole number; got nothing"),
        ({"points": [[0, 0, 1], [0.5, 2]]}, "drawn point 2 must be [x1, x2, class]; got [0.5, 2]"),
        ({"points": [[0, 0, 2]]}, "drawn point 1's class must be between 0 and 1; got 2"),
        ({"points": [[0, 1e9, 0]]}, "drawn point 1's x must be at least -100 and at most 100"),
        ({"points": [[0, 0, 0]] * 501}, "drawn points: at most 500 points"),
    ],
)
def test_the_server_checks_what_the_schema_says(given, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        S.parse_settings(given)


def test_an_activation_registered_later_is_offered_and_accepted(monkeypatch):
    base = activations.ACTIVATIONS["tanh"]
    monkeypatch.setitem(activations.ACTIVATIONS, "softsign", base)  # (a stand-in descriptor)
    field = next(f for f in S.schema()["fields"] if f["name"] == "activation")
    assert "softsign" in field["choices"]
    assert S.parse_settings({"activation": "softsign"}).activation == "softsign"


def test_drawn_points_are_all_training_points_in_the_order_drawn():
    from backproplab.serve import lab

    s = S.parse_settings({"data": "drawn", "points": [[0.5, -1, 1], [0.25, 0, 0], [1, 1, 1]]})
    d = lab.make_data(s)
    assert d.X.tolist() == [[0.5, -1], [0.25, 0], [1, 1]] and d.y.tolist() == [1, 0, 1]
    assert d.n_train == 3 and d.classes == ["0", "1"]
    one_class = lab.make_data(S.parse_settings({"data": "drawn", "points": [[0, 0, 1]]}))
    assert one_class.classes == ["0", "1"]  # the network keeps its shape as classes come
    with pytest.raises(ValueError, match="no points drawn yet"):
        lab.make_data(S.parse_settings({"data": "drawn"}))
