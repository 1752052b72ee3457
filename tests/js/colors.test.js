// Colour scales, against colours worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HIGH, LOW, WHITE, diverging, gridPixels, heatmapScale, hexRgb, mix, regionPalette, valueColorscale }
  from "../../src/backproplab/viz/web/colors.js";

test("hexRgb reads #rrggbb and refuses anything else", () => {
  assert.deepEqual(hexRgb("#1f77b4"), [31, 119, 180]);
  assert.deepEqual(hexRgb("#FFFFFF"), [255, 255, 255]);
  assert.throws(() => hexRgb("red"), TypeError);
  assert.throws(() => hexRgb("#fff"), TypeError);
});

test("mix: the ends, and a quarter of the way rounded", () => {
  assert.deepEqual(mix([0, 100, 200], [100, 0, 200], 0), [0, 100, 200]);
  assert.deepEqual(mix([0, 100, 200], [100, 0, 200], 1), [100, 0, 200]);
  assert.deepEqual(mix([0, 100, 200], [100, 0, 201], 0.25), [25, 75, 200]); // 200.25 → 200
});

test("diverging runs lo → white → hi, each channel monotone on each half", () => {
  const s = diverging([0, 0, 0], [200, 100, 0]);
  assert.equal(s.length, 256);
  assert.deepEqual(s[0], [0, 0, 0]);
  assert.deepEqual(s[255], [200, 100, 0]);
  assert.deepEqual(s[127], mix([0, 0, 0], WHITE, 254 / 255)); // v/255 · 2 just under 1
  for (let v = 1; v < 128; v++) assert.ok(s[v][0] >= s[v - 1][0]);
  for (let v = 129; v < 256; v++) assert.ok(s[v][1] <= s[v - 1][1]);
});

test("the heatmaps' scale: orange at 0, blue at 255, near white mid-way", () => {
  const s = heatmapScale();
  assert.deepEqual(s[0], LOW);
  assert.deepEqual(s[255], HIGH);
  for (const c of s[128]) assert.ok(c >= 250);
});

test("regionPalette: one colour per class, or class 0 → white → class 1", () => {
  const byClass = regionPalette(["#ff0000", "#00ff00", "#0000ff"], "class");
  assert.deepEqual([byClass[0], byClass[1], byClass[2], byClass[3]], [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 0]]);
  const two = regionPalette(["#ff0000", "#0000ff"], "value");
  assert.deepEqual([two[0], two[255]], [[255, 0, 0], [0, 0, 255]]);
});

test("gridPixels puts grid row 0 (the lowest y) at the bottom of the image", () => {
  const palette = [[1, 2, 3], [4, 5, 6]], G = 2;
  const px = gridPixels([0, 0, 1, 0], G, palette); // row 0: codes 0 0; row 1: codes 1 0
  assert.deepEqual(Array.from(px.subarray(0, 4)), [4, 5, 6, 255]); // top-left: row 1, column 0
  assert.deepEqual(Array.from(px.subarray(4, 8)), [1, 2, 3, 255]);
  assert.deepEqual(Array.from(px.subarray(8, 12)), [1, 2, 3, 255]); // bottom-left: row 0
});

test("regionPalette, discretized: class 0's colour below the middle code, class 1's from it", () => {
  const p = regionPalette(["#ff0000", "#0000ff"], "value", true);
  assert.equal(p.length, 256);
  assert.deepEqual(p[0], [255, 0, 0]);
  assert.deepEqual(p[127], [255, 0, 0]);
  assert.deepEqual(p[128], [0, 0, 255]);
  assert.deepEqual(p[255], [0, 0, 255]);
  assert.equal(new Set(p.map(String)).size, 2);
});

test("a regression's value scale: the same stops on the canvas and in plotly.js's colour bar", () => {
  const p = regionPalette(["#ff0000", "#0000ff"], "regression");
  assert.deepEqual([p[0], p[255]], [LOW, HIGH]); // the class colours play no part
  const scale = valueColorscale();
  assert.deepEqual(scale, [[0, "rgb(245,147,34)"], [0.5, "rgb(255,255,255)"], [1, "rgb(8,119,189)"]]);
  // plotly.js interpolates linearly between the stops: every code's colour is the canvas's
  const rgb = scale.map(([, c]) => c.match(/\d+/g).map(Number));
  for (let v = 0; v < 256; v++) {
    const f = v / 255, k = f < 0.5 ? 0 : 1, g = (f - scale[k][0]) / 0.5;
    const want = rgb[k].map((x, c) => Math.round(x + (rgb[k + 1][c] - x) * g));
    assert.deepEqual(p[v], want, `code ${v}`);
  }
});
