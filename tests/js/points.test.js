// Points drawn by hand: a click's input coordinates, adding, removing the nearest, the address.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPoint, drawControl, removeNearest, toData, triples } from "../../src/backproplab/serve/web/points.js";

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

test("a new point's control: a class to choose, or a value to type in a regression", () => {
  const classes = drawControl("classification", ["0", "1"], -100, 100);
  assert.equal(classes.tag, "select");
  assert.deepEqual(classes.options, [["0", "class 0"], ["1", "class 1"]]);
  const values = drawControl("regression", ["0", "1"], -100, 100);
  assert.equal(values.tag, "input");
  assert.deepEqual([values.attrs.type, values.attrs.min, values.attrs.max, values.attrs["data-testid"]],
    ["number", "-100", "100", "draw-class"]);
  assert.deepEqual(addPoint([], 0.5, -0.25, 0.75, 10), [[0.5, -0.25, 0.75]]);
  assert.match(addPoint([], 0.5, -0.25, NaN, 10).error, /type the new point's value/);
});
