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
