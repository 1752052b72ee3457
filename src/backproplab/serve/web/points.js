// Points drawn by hand on the input space, as the "points" setting holds them: [x1, x2,
// class] triples in input coordinates ([x1, x2, value] in a regression). Pure functions,
// no DOM.

const DECIMALS = 1000; // a click is placed to 3 decimals: the address stays short

/** Input coordinates [x1, x2] of a click at pixel (px, py) in the plot area `rect`
 * ({left, top, width, height}) whose axes show `xrange` and `yrange`; null outside it. */
export function toData(px, py, rect, xrange, yrange) {
  const fx = (px - rect.left) / rect.width, fy = (py - rect.top) / rect.height;
  if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return null;
  const round = (v) => Math.round(v * DECIMALS) / DECIMALS;
  return [round(xrange[0] + fx * (xrange[1] - xrange[0])), round(yrange[1] - fy * (yrange[1] - yrange[0]))];
}

/** The control that says what a new point is, for `problem`: a choice of `classes` in a
 * classification, a number from `lo` to `hi` in a regression. `{tag, attrs, options,
 * label, what}`: the element, its attributes, a select's [value, text] pairs, its label
 * and how the draw note speaks of it. */
export function drawControl(problem, classes, lo, hi) {
  const attrs = { id: "draw-class", "data-testid": "draw-class" };
  if (problem === "regression") {
    return { tag: "input", attrs: { ...attrs, type: "number", step: "any", min: String(lo), max: String(hi), value: "1" },
      options: [], label: "value of a new point", what: "with the value typed" };
  }
  return { tag: "select", attrs, options: classes.map((c) => [c, `class ${c}`]), label: "class of a new point",
    what: "of the chosen class" };
}

/** `points` with [x1, x2, c] added, or `{error}` when `most` are there already or c is
 * not a number (an empty value box). */
export function addPoint(points, x1, x2, c, most) {
  if (points.length >= most) return { error: `at most ${most} drawn points: shift-click removes one` };
  if (!Number.isFinite(c)) return { error: "type the new point's value first" };
  return [...points, [x1, x2, c]];
}

/** `points` without the one nearest to (x1, x2), if it lies within `within` of the axes'
 * spans (`xrange`, `yrange`: distances as a share of the plot's width and height). */
export function removeNearest(points, x1, x2, xrange, yrange, within = 0.04) {
  const sx = xrange[1] - xrange[0], sy = yrange[1] - yrange[0];
  let best = -1, bestD = within;
  points.forEach(([a, b], i) => {
    const d = Math.hypot((a - x1) / sx, (b - x2) / sy);
    if (d <= bestD) [best, bestD] = [i, d];
  });
  return best < 0 ? points : points.filter((_, i) => i !== best);
}

/** Triples from an address's flat list "x1,x2,c,x1,x2,c" (a short last one kept, for the
 * server to refuse by name). */
export function triples(values) {
  const out = [];
  for (let i = 0; i < values.length; i += 3) out.push(values.slice(i, i + 3));
  return out;
}
