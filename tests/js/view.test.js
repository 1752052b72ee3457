// The shared view: the moment, the marked samples and the panels, with stand-in panels
// and elements (no browser: the view itself touches no DOM but the panels' data-*).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as view from "../../src/backproplab/viz/web/view.js";
import { wireGroups } from "../../src/backproplab/viz/web/network.js";
import { column } from "../../src/backproplab/viz/web/loss.js";

const meta = { classes: ["a", "b"], step: [0, 10, 20], n_samples: 4 };
const arr = { y: Int32Array.of(1, 0, 1, 1), H: Float32Array.of(0, 1, 2, 3, 4, 5) }; // H: 3 moments of 2
const drawn = [];
const element = () => ({ dataset: {} });
const elements = { one: element(), two: element() };
const root = { getElementById: (id) => elements[id] || null };
view.addPanel("one", { init: () => true, draw: (s) => drawn.push(["one", s.t]) });
view.addPanel("two", { init: () => true, draw: (s) => drawn.push(["two", s.t]) });
view.addPanel("absent", { init: () => assert.fail("a panel not on the page is not started"), draw() {} });
view.start(root, meta, arr);

test("classMembers: each class's samples", () => {
  assert.deepEqual(view.classMembers(["a", "b"], [1, 0, 1, 1]), [[1], [0, 2, 3]]);
  assert.deepEqual(view.classMembers([], Float32Array.of(0.5, -1.25)), []); // a regression's values
  assert.deepEqual(view.data.byClass, [[1], [0, 2, 3]]);
});

test("setTime clamps, redraws every panel on the page and renders the moment", () => {
  drawn.length = 0;
  const times = [];
  view.on("time", (t) => times.push(t));
  view.setTime(7);
  assert.deepEqual(drawn, [["one", 2], ["two", 2]]);
  assert.deepEqual(times, [2]);
  assert.equal(elements.one.dataset.moment, "2");
  assert.deepEqual(Array.from(view.at("H")), [4, 5]);
  assert.deepEqual(Array.from(view.at("H", 0)), [0, 1]);
});

test("marked: the selected sample, then the hovered one, once each; hover skips its panel", () => {
  view.select(3);
  drawn.length = 0;
  view.hover(1, "one");
  assert.deepEqual(view.marked(), [3, 1]);
  assert.deepEqual(drawn.map((d) => d[0]), ["two"]); // the panel under the pointer moves itself
  assert.equal(elements.one.dataset.marked, "3,1");
  view.hover(3, "two");
  assert.deepEqual(view.marked(), [3]);
  view.hover(null, "two");
  view.select(null);
  assert.deepEqual(view.marked(), []);
});

test("emit reaches every handler of its name, and says whether there was one", () => {
  const got = [];
  view.on("neuron", (ell, j) => got.push([ell, j]));
  assert.equal(view.emit("neuron", 2, 1), true);
  assert.equal(view.emit("nobody-listens"), false);
  assert.deepEqual(got, [[2, 1]]);
});

test("the network's wire groups: by sign and by fifth of the biggest |w|", () => {
  const g = wireGroups(Float32Array.of(0.1, -0.1, 1, -0.5, 0.45), 1);
  assert.deepEqual(g["+0"], [0]);
  assert.deepEqual(g["-0"], [1]);
  assert.deepEqual(g["+4"], [2]);
  assert.deepEqual(g["-2"], [3]);
  assert.deepEqual(g["+2"], [4]);
  assert.equal(Object.keys(g).length, 10);
});

test("the loss panel's column of a (rows, cols) array", () => {
  assert.deepEqual(column(Float32Array.of(1, 2, 3, 4, 5, 6), 3, 1), [2, 5]);
});

test("sampleAt: the first point that names a sample", () => {
  const ev = { points: [{ customdata: undefined }, { customdata: ["w", 1, 0, 0, 3] }, { customdata: 17 }, { customdata: 4 }] };
  assert.equal(view.sampleAt(ev), 17);
  assert.equal(view.sampleAt({ points: [{}] }), null);
});
