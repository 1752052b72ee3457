// The stepper's pure helpers: what each step reveals, and the texts around the numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { highlightLayer, holdsText, keepStep, newAt, positionText, revealed, short, symbol, targetText }
  from "../../src/backproplab/serve/web/steps.js";

// A [2, 1] network's result as Python sends it (the numbers are arbitrary).
const result = {
  a: [[1, 2], [0.5]], z: [[], [0]], delta: [[], [-0.125]],
  steps: [
    { kind: "input", layer: 0, shows: [["a", 0]] },
    { kind: "forward", layer: 1, shows: [["z", 1], ["a", 1]] },
    { kind: "BP1", layer: 1, shows: [["delta", 1]] },
    { kind: "BP3", layer: 0, shows: [] },
    { kind: "BP4", layer: 1, shows: [] },
    { kind: "update", layer: 0, shows: [] },
  ],
  x: [1, 2], sizes: [2, 1], activation: "tanh", output_activation: "sigmoid", cost: "quadratic",
  at_step: 7, sample: 3, set: "training", label: "1", features: ["x1", "x2"],
};

test("revealed: each step adds its values, layer by layer, neurons from 1", () => {
  assert.deepEqual(revealed(result, 0), [
    { layer: 0, neuron: 1, quantity: "a", value: 1 },
    { layer: 0, neuron: 2, quantity: "a", value: 2 },
  ]);
  assert.deepEqual(revealed(result, 1).slice(2), [
    { layer: 1, neuron: 1, quantity: "z", value: 0 },
    { layer: 1, neuron: 1, quantity: "a", value: 0.5 },
  ]);
  assert.equal(revealed(result, 2).at(-1).value, -0.125);
  assert.equal(revealed(result, 5).length, 5); // BP3, BP4 and the update reveal no z, a, δ
  assert.deepEqual([...newAt(result, 2)], ["delta:1"]);
});

test("texts: position, symbols, what a result holds for", () => {
  assert.equal(positionText(0, 6), "step 1 of 6");
  assert.equal(symbol("delta"), "δ");
  assert.equal(holdsText(result),
    "For the network [2, 1], tanh hidden, sigmoid output, quadratic cost, at training step 7; " +
    "sample 3 (training set, class 1) at x = (1, 2), features x1, x2.");
  assert.equal(short(-0.0380123), "−0.038");
  assert.equal(short(1234567), "1230000");
  assert.equal(short(-0), "0");
});

test("keepStep: the same steps keep the place, another network starts again", () => {
  assert.equal(keepStep(result, result, 4), 4);
  assert.equal(keepStep(null, result, 4), 0);
  const other = { ...result, steps: result.steps.slice(1) };
  assert.equal(keepStep(result, other, 4), 0);
});

test("highlightLayer: BP3 and the update concern every layer", () => {
  assert.equal(highlightLayer(result.steps[2]), 1);
  assert.equal(highlightLayer(result.steps[3]), null);
});

test("a regression's target is written as its value, with no class", () => {
  const regression = { ...result, label: null, target: [-0.0380123] };
  assert.equal(targetText(regression), "−0.038 (a real-valued target)");
  assert.equal(targetText({ ...result, target: [1] }), "1 (class 1)");
  assert.match(holdsText(regression), /sample 3 \(training set, target −0\.038\) at x/);
});
