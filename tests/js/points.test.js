// Points drawn by hand: a click's input coordinates, adding, removing the nearest, the address.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPoint, removeNearest, toData, triples } from "../../src/backproplab/serve/web/points.js";

const RECT = { left: 100, top: 50, width: 400, height: 200 };

test("a click's pixel becomes input coordinates: x grows rightwards, y upwards", () => {
  assert.deepEqual(toData(100, 50, RECT, [-1, 1], [-2, 2]), [-1, 2]); // top left
  assert.deepEqual(toData(500, 250, RECT, [-1, 1], [-2, 2]), [1, -2]); // bottom right
  assert.deepEqual(toData(300, 150, RECT, [-1, 1], [-2, 2]), [0, 0]);
  assert.deepEqual(toData(133.3, 50, RECT, [0, 3], [0, 1]), [0.25, 1]); // 3 decimals
  assert.equal(toData(99, 100, RECT, [-1, 1], [-1, 1]), null); // outside the plot area
});

test("adding keeps the order drawn and refuses beyond the most", () => {
  const one = addPoint([], 0.5, -0.5, 1, 2);
  assert.deepEqual(one, [[0.5, -0.5, 1]]);
  assert.deepEqual(addPoint(one, 0, 0, 0, 2), [[0.5, -0.5, 1], [0, 0, 0]]);
  assert.match(addPoint([[0, 0, 0], [1, 1, 1]], 2, 2, 0, 2).error, /at most 2 drawn points/);
});

test("a shift-click removes the nearest point within reach, and only that one", () => {
  const pts = [[0, 0, 0], [0.5, 0.5, 1], [0.52, 0.5, 0]];
  assert.deepEqual(removeNearest(pts, 0.515, 0.5, [-1, 1], [-1, 1]), [[0, 0, 0], [0.5, 0.5, 1]]);
  assert.equal(removeNearest(pts, -0.8, 0.9, [-1, 1], [-1, 1]), pts); // nothing near
});

test("the address's flat list becomes triples", () => {
  assert.deepEqual(triples([1, 2, 0, 3, 4, 1]), [[1, 2, 0], [3, 4, 1]]);
  assert.deepEqual(triples([1, 2, 0, 3]), [[1, 2, 0], [3]]);
  assert.deepEqual(triples([]), []);
});
