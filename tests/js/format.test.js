// How numbers and labels are written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixed, heatmapTitle, momentText, neuronName, perPoint, sci, subscript, superscript, weightText }
  from "../../src/backproplab/viz/web/format.js";

test("fixed and sci: a dash for a missing number", () => {
  assert.equal(fixed(0.123456), "0.1235");
  assert.equal(fixed(2, 1), "2.0");
  assert.equal(fixed(null), "–");
  assert.equal(sci(0.000123456), "1.23e-4");
  assert.equal(sci(undefined), "–");
});

test("momentText names the snapshot, step, epoch and loss (none when unknown)", () => {
  const meta = { step: [0, 20, 40], epoch: [0, 1, 2], loss: [0.5, 0.25, null] };
  assert.equal(momentText(meta, 1), "snapshot 2 of 3: step 20, epoch 1.00, loss 0.2500");
  assert.equal(momentText(meta, 2), "snapshot 3 of 3: step 40, epoch 2.00");
});

test("weightText, heatmapTitle and perPoint", () => {
  // indices in: 0-based, as the arrays hold them; names out: numbered from 1, as the notebook's
  assert.equal(weightText(3, 0, 4, 2.5), "W<sup>3</sup><sub>1,5</sub> = 2.500");
  assert.equal(heatmapTitle(2, 1, ["-1", "1"]), "a²₂: orange -1, white mid-way, blue 1");
  assert.equal(perPoint(1, "steps"), "");
  assert.equal(perPoint(48, "steps"), " (mean of 48 steps)");
});

test("neuron names as the notebook writes them, numbered from 1", () => {
  assert.equal(superscript(12), "¹²");
  assert.equal(subscript(30), "₃₀");
  assert.equal(neuronName(2, 0), "a²₁");
  assert.equal(neuronName(1, 9), "a¹₁₀");
});
