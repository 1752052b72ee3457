// Distances from a point to segments, against values worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nearestSegment, segmentDistance, toPixels } from "../../src/backproplab/viz/web/segments.js";

const close = (actual, expected) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

test("segmentDistance: along the perpendicular when its foot is on the segment", () => {
  close(segmentDistance([5, 3], [0, 0], [10, 0]), 3);
  close(segmentDistance([5, -3], [10, 0], [0, 0]), 3); // either direction
  close(segmentDistance([7, 0], [0, 0], [10, 0]), 0); // on it
  // the diagonal y = x: the foot from (0, 4) is (2, 2), √(2² + 2²) = √8 away
  close(segmentDistance([0, 4], [0, 0], [4, 4]), Math.sqrt(8));
});

test("segmentDistance: past an end, the distance to that end", () => {
  close(segmentDistance([-3, 4], [0, 0], [10, 0]), 5); // 3-4-5 from a
  close(segmentDistance([13, -4], [0, 0], [10, 0]), 5); // 3-4-5 from b
  close(segmentDistance([4, 5], [1, 1], [1, 1]), 5); // a segment of no length is a point
});

// Two wires crossing at (50, 50): A from (0, 0) to (100, 100), the line x − y = 0, and
// B from (0, 100) to (100, 0), x + y − 100 = 0; a point's distance to each is |x − y|/√2
// and |x + y − 100|/√2.
const A = [[0, 0], [100, 100]], B = [[0, 100], [100, 0]];

test("nearestSegment where two wires cross: the one the point is nearer, either side", () => {
  // (53, 52): 1/√2 from A, 5/√2 from B
  const onA = nearestSegment([53, 52], [A, B]);
  assert.equal(onA.index, 0);
  close(onA.distance, 1 / Math.SQRT2);
  // (47, 52): 5/√2 from A, 1/√2 from B, listed in either order
  assert.equal(nearestSegment([47, 52], [A, B]).index, 1);
  assert.equal(nearestSegment([47, 52], [B, A]).index, 0);
  // the crossing itself is on both: the first listed
  assert.deepEqual(nearestSegment([50, 50], [A, B]), { index: 0, distance: 0 });
  assert.deepEqual(nearestSegment([50, 50], [B, A]), { index: 0, distance: 0 });
});

test("nearestSegment: none when every segment is farther than `within`", () => {
  // (50, 60): 10/√2 ≈ 7.07 from each
  assert.equal(nearestSegment([50, 60], [A, B], 6), null);
  assert.equal(nearestSegment([50, 60], [A, B], 7.1).index, 0);
  assert.equal(nearestSegment([0, 0], [], 6), null);
});

test("nearestSegment measures to the segment, not to the line through it", () => {
  // C from (0, 0) to (10, 0): its line passes 1 below (30, 1), but its end is √(20² + 1²)
  // away; D from (0, 5) to (100, 5) is 4 away
  const C = [[0, 0], [10, 0]], D = [[0, 5], [100, 5]];
  const near = nearestSegment([30, 1], [C, D]);
  assert.equal(near.index, 1);
  close(near.distance, 4);
  close(segmentDistance([30, 1], ...C), Math.sqrt(401));
});

test("toPixels: the axes' ranges onto the plot area, y counted down from the top", () => {
  const rect = { left: 100, top: 50, width: 200, height: 100 }, xr = [-0.5, 3.5], yr = [-4, 4];
  assert.deepEqual(toPixels([-0.5, 4], rect, xr, yr), [100, 50]); // top left
  assert.deepEqual(toPixels([3.5, -4], rect, xr, yr), [300, 150]); // bottom right
  // x: 100 + (0.5 / 4)·200 = 125; y: 50 + (1 − 6/8)·100 = 75
  assert.deepEqual(toPixels([0, 2], rect, xr, yr), [125, 75]);
});

test("in pixels, not data units: a wide plot makes the other wire the nearer one", () => {
  // a plot 1000 px wide and 100 px high of the unit square: P horizontal through y = 0.5,
  // Q vertical through x = 0.5. The point (0.55, 0.56) is 0.06 from P and 0.05 from Q in
  // data units, but 0.06·100 = 6 px from P and 0.05·1000 = 50 px from Q on the screen.
  const rect = { left: 0, top: 0, width: 1000, height: 100 }, unit = [0, 1];
  const P = [[0, 0.5], [1, 0.5]], Q = [[0.5, 0], [0.5, 1]], p = [0.55, 0.56];
  assert.equal(nearestSegment(p, [P, Q]).index, 1);
  const px = (q) => toPixels(q, rect, unit, unit);
  const onScreen = nearestSegment(px(p), [P, Q].map(([a, b]) => [px(a), px(b)]));
  assert.equal(onScreen.index, 0);
  assert.ok(Math.abs(onScreen.distance - 6) < 1e-9);
});
