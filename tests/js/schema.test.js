// The playground's schema → controls builder and its address, on fields written as
// backproplab.serve.settings.schema() writes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { choiceOptions, controlSpec, editLayers, fromControl, fromQuery, layerOptions, parseLayers, toControl, toQuery }
  from "../../src/backproplab/serve/web/schema.js";

const FIELDS = [
  { name: "data", kind: "choice", label: "data", group: "data", testid: "data", choices: ["circles", "xor"] },
  { name: "n_samples", kind: "int", label: "samples", group: "data", testid: "samples", lo: 10, hi: 5000, step: 10 },
  { name: "eta", kind: "float", label: "learning rate η", group: "training", testid: "eta", lo: 0, hi: 10, step: "any" },
  { name: "show_test", kind: "bool", label: "show test points", group: "data", testid: "show-test" },
  { name: "features", kind: "features", label: "a feature", group: "features", testid: "features",
    choices: ["x1", "x1^2"], labels: ["x₁", "x₁²"] },
  { name: "hidden", kind: "layers", label: "hidden layers", group: "network", testid: "hidden", lo: 1, hi: 32 },
  { name: "watch", kind: "layer", label: "shown layer", group: "hidden-space", testid: "watch" },
];
const field = (name) => FIELDS.find((f) => f.name === name);
const DEFAULTS = { data: "circles", n_samples: 500, eta: 0.1, show_test: false, features: ["x1"], hidden: [8, 8], watch: 0 };

test("a choice is a select of its choices, with its id and test id", () => {
  const spec = controlSpec(field("data"));
  assert.equal(spec.tag, "select");
  assert.deepEqual(spec.attrs, { id: "data", "data-testid": "data" });
  assert.deepEqual(spec.options, [["circles", "circles"], ["xor", "xor"]]);
});

test("numbers are number inputs with the schema's range and step", () => {
  assert.deepEqual(controlSpec(field("n_samples")).attrs,
    { type: "number", id: "n_samples", "data-testid": "samples", min: "10", max: "5000", step: "10" });
  assert.equal(controlSpec(field("eta")).attrs.step, "any");
  assert.equal(controlSpec({ ...field("n_samples"), step: undefined }).attrs.step, "1"); // an int steps by 1
});

test("a bool is a checkbox labelled after it; layers a text box; features one checkbox each", () => {
  const b = controlSpec(field("show_test"));
  assert.equal(b.attrs.type, "checkbox");
  assert.equal(b.labelAfter, true);
  assert.equal(controlSpec(field("hidden")).attrs.type, "text");
  const f = controlSpec(field("features"));
  assert.equal(f.tag, "checkboxes");
  assert.deepEqual(f.items.map((i) => [i.label, i.attrs["data-testid"], i.attrs.name]),
    [["x₁", "feature-x1", "features"], ["x₁²", "feature-x1^2", "features"]]);
  assert.throws(() => controlSpec({ name: "x", kind: "colour" }), /unknown kind/);
});

test("the shown layer offers the last and each hidden layer", () => {
  assert.deepEqual(layerOptions(0), [["0", "the last"]]);
  assert.deepEqual(controlSpec(field("watch"), [4, 2]).options, [["0", "the last"], ["1", "layer 1"], ["2", "layer 2"]]);
});

test("control text ⇄ values", () => {
  assert.deepEqual(parseLayers(" 5, 3 "), [5, 3]);
  assert.deepEqual(parseLayers(""), []);
  assert.equal(parseLayers("4,x")[1], "x"); // (the server names it) // left for the server to refuse
  assert.equal(fromControl(field("n_samples"), "", false, 500), 500); // empty: the fallback
  assert.equal(fromControl(field("eta"), "0.3", false, 0.1), 0.3);
  assert.equal(fromControl(field("show_test"), "on", true), true);
  assert.equal(fromControl(field("data"), "xor"), "xor");
  assert.equal(toControl(field("hidden"), [5, 3]), "5,3");
  assert.equal(toControl(field("eta"), 0.3), "0.3");
});

test("the address holds what differs from the defaults, and reads back the same", () => {
  const s = { ...DEFAULTS, eta: 0.3, hidden: [5, 3], features: ["x1", "x1^2"], show_test: true };
  const query = toQuery(s, DEFAULTS);
  assert.deepEqual(new URLSearchParams(query).get("hidden"), "5,3");
  assert.ok(!query.includes("data=")); // a default is left out
  assert.deepEqual(fromQuery(FIELDS, DEFAULTS, `?${query}`), s);
  assert.deepEqual(fromQuery(FIELDS, DEFAULTS, "?hidden="), { ...DEFAULTS, hidden: [] });
  assert.equal(toQuery(DEFAULTS, DEFAULTS), "");
});

test("editLayers: the four buttons, within the limits", () => {
  const limits = { layers: 3, neurons: 9 };
  assert.deepEqual(editLayers([8, 8], "add-layer", limits), { hidden: [8, 8, 8] });
  assert.deepEqual(editLayers([], "add-layer", limits), { hidden: [4] });
  assert.deepEqual(editLayers([8, 8], "remove-layer", limits), { hidden: [8] });
  assert.deepEqual(editLayers([8, 1], "remove-neuron", limits), { hidden: [8] }); // an empty layer goes
  assert.deepEqual(editLayers([8, 8, 8], "add-layer", limits), { error: "at most 3 hidden layers" });
  assert.deepEqual(editLayers([9], "add-neuron", limits), { error: "at most 9 neurons per layer" });
});

test("a layer width that is not a number reaches the server as its text, never as null", () => {
  assert.deepEqual(parseLayers("8, abc"), [8, "abc"]);
  assert.deepEqual(parseLayers("4,,2"), [4, "", 2]);
  assert.equal(JSON.stringify(parseLayers("abc")), '["abc"]');
  assert.deepEqual(fromQuery(FIELDS, DEFAULTS, "?hidden=3,x").hidden, [3, "x"]);
});

test("a choice's options show its labels when the schema gives them", () => {
  const speed = { name: "speed", kind: "choice", label: "speed", group: "pace", testid: "speed",
    choices: ["1", "full"], labels: ["1 step/s (slow motion)", "full speed"] };
  assert.deepEqual(controlSpec(speed).options, [["1", "1 step/s (slow motion)"], ["full", "full speed"]]);
});

test("drawn points travel in the address as a flat list and come back as triples", () => {
  const points = { name: "points", kind: "points", label: "drawn points", group: null, testid: "points" };
  const s = { points: [[0.5, -0.25, 1], [0, 0, 0]] };
  const q = toQuery(s, { points: [] });
  assert.equal(decodeURIComponent(q), "points=0.5,-0.25,1,0,0,0");
  assert.deepEqual(fromQuery([points], { points: [] }, `?${q}`).points, s.points);
});

test("editLayers: a neuron more or less in any hidden layer", () => {
  const limits = { layers: 6, neurons: 32 };
  assert.deepEqual(editLayers([8, 4, 2], "add-neuron", limits, 1), { hidden: [9, 4, 2] });
  assert.deepEqual(editLayers([8, 4, 2], "remove-neuron", limits, 2), { hidden: [8, 3, 2] });
  assert.deepEqual(editLayers([1, 4], "remove-neuron", limits, 1), { hidden: [4] }); // emptied: gone
  assert.deepEqual(editLayers([32, 4], "add-neuron", limits, 1), { error: "at most 32 neurons per layer" });
  assert.deepEqual(editLayers([8, 4], "add-neuron", limits, 5), { hidden: [8, 4] }); // no such layer
});

test("the data sets offered follow the problem; other choices offer all", () => {
  const data = { name: "data", kind: "choice", choices: ["circles", "plane", "csv"],
    byProblem: { classification: ["circles", "csv"], regression: ["plane", "csv"] } };
  assert.deepEqual(choiceOptions(data, { problem: "regression" }), [["plane", "plane"], ["csv", "csv"]]);
  assert.deepEqual(choiceOptions(data, { problem: "classification" }), [["circles", "circles"], ["csv", "csv"]]);
  assert.deepEqual(choiceOptions(data), [["circles", "circles"], ["plane", "plane"], ["csv", "csv"]]);
  const speed = { name: "speed", kind: "choice", choices: ["1", "full"], labels: ["1 step/s", "full speed"] };
  assert.deepEqual(choiceOptions(speed, { problem: "regression" }), [["1", "1 step/s"], ["full", "full speed"]]);
});
