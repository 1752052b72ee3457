// The confusion matrices' tables: rows, cells and captions from Python's numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { caption, confusionRows, tint } from "../../src/backproplab/serve/web/tables.js";

const m = { counts: [[8, 2], [0, 10]], share: [[0.8, 0.2], [0, 1]], n: 20, accuracy: 0.9 };

test("confusionRows: a row per true class, a cell per predicted class", () => {
  const t = confusionRows(m, ["0", "1"]);
  assert.deepEqual(t.header, ["true ↓ / predicted →", "class 0", "class 1"]);
  assert.equal(t.rows[0].label, "class 0");
  assert.deepEqual(t.rows[0].cells.map((c) => [c.actual, c.predicted, c.count, c.text]), [[0, 0, 8, "8"], [0, 1, 2, "2"]]);
  assert.equal(t.rows[1].cells[1].background, tint(1, true));
});

test("tint: deeper with the share, blue right and orange wrong", () => {
  assert.equal(tint(0, true), "rgba(31, 119, 180, 0.080)");
  assert.equal(tint(1, false), "rgba(255, 127, 14, 0.680)");
});

test("caption: samples and accuracy, or none", () => {
  assert.equal(caption("training set", m), "training set: 20 samples, accuracy 90.0 %");
  assert.equal(caption("test set", null), "test set: no samples");
});
