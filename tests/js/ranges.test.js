// Ranges, extents and placements, against values worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boxRanges, clampMoment, cornerAnchors, gridExtent, nearestIndex, placement, rangeUpdate, widthBin }
  from "../../src/backproplab/viz/web/ranges.js";

test("nearestIndex: the nearest value, the first of a tie", () => {
  assert.equal(nearestIndex([0, 10, 20, 30], 14), 1);
  assert.equal(nearestIndex([0, 10, 20, 30], 15), 1);
  assert.equal(nearestIndex([0, 10, 20, 30], 99), 3);
  assert.equal(nearestIndex([0, 10, 20, 30], -5), 0);
});

test("clampMoment rounds and keeps a moment within 0 … n − 1", () => {
  assert.equal(clampMoment(-1, 6), 0);
  assert.equal(clampMoment(2.6, 6), 3);
  assert.equal(clampMoment(9, 6), 5);
});

test("boxRanges splits a (2, d) box into lo and hi", () => {
  assert.deepEqual(boxRanges(Float32Array.of(0, 1, 2, 3, 4, 5), 3), [[0, 1, 2], [3, 4, 5]]);
});

test("gridExtent: the cells reach half a step past the grid points", () => {
  assert.deepEqual(gridExtent([0, 1, 2, 3], [10, 12, 14]), [-0.5, 3.5, 9, 15]);
});

test("placement: percent of the plot area; the whole area when the ranges are the extent", () => {
  assert.deepEqual(placement([0, 10, 0, 10], [0, 10], [0, 10]), { left: 0, width: 100, top: 0, height: 100 });
  // an image over x 0 … 5, y 5 … 10 in a plot of 0 … 10 both ways: the top-left quarter
  assert.deepEqual(placement([0, 5, 5, 10], [0, 10], [0, 10]), { left: 0, width: 50, top: 0, height: 50 });
});

test("cornerAnchors lie 1 % outside the box's two corners", () => {
  const [a, b] = cornerAnchors([0, 0, 0], [100, 10, 1]);
  assert.deepEqual([a.x, a.y, a.z], [-1, -0.1, -0.01]);
  assert.deepEqual([b.x, b.y, b.z], [101, 10.1, 1.01]);
  assert.equal(a.text, "");
});

test("rangeUpdate: a 3-D scene's three ranges and annotations, or a plot's x and y", () => {
  const scene = { scene: { xaxis: { range: [0, 1] }, yaxis: { range: [2, 3] }, zaxis: { range: [4, 5] }, annotations: [] } };
  assert.deepEqual(rangeUpdate(scene), { "scene.xaxis.range": [0, 1], "scene.yaxis.range": [2, 3],
    "scene.zaxis.range": [4, 5], "scene.annotations": [] });
  assert.deepEqual(rangeUpdate({ xaxis: { range: [0, 1] }, yaxis: {} }), { "xaxis.range": [0, 1] });
});

test("widthBin: equal bins of |w| up to the biggest, which falls in the last", () => {
  assert.equal(widthBin(0, 2, 5), 0);
  assert.equal(widthBin(-0.81, 2, 5), 2);
  assert.equal(widthBin(2, 2, 5), 4);
  assert.equal(widthBin(0.5, 0, 5), 2); // (no biggest: bins of [0, 1])
});
