// Axis ranges, extents and positions: where things go on a plot.

/** The index of the value nearest to x (the first of equals). */
export function nearestIndex(values, x) {
  let best = 0;
  values.forEach((v, i) => {
    if (Math.abs(v - x) < Math.abs(values[best] - x)) best = i;
  });
  return best;
}

/** t as a moment of n: a whole number from 0 to n − 1. */
export function clampMoment(t, n) {
  return Math.max(0, Math.min(n - 1, Math.round(t)));
}

/** A (2, d) box, lo then hi, as [lo, hi] arrays of d numbers. */
export function boxRanges(box, d) {
  return [Array.from(box.subarray(0, d)), Array.from(box.subarray(d, 2 * d))];
}

/** The grid's image edges [x0, x1, y0, y1]: its cells reach half a cell past the first
 * and last grid points gx, gy (equally spaced). */
export function gridExtent(gx, gy) {
  const half = (g) => (g[g.length - 1] - g[0]) / (g.length - 1) / 2;
  return [gx[0] - half(gx), gx[gx.length - 1] + half(gx), gy[0] - half(gy), gy[gy.length - 1] + half(gy)];
}

/** Where an image spanning extent [x0, x1, y0, y1] lies in a plot area showing xrange and
 * yrange, in percent of the area (CSS left, width, top, height). */
export function placement([x0, x1, y0, y1], [a, b], [c, d]) {
  return { left: ((x0 - a) / (b - a)) * 100, width: ((x1 - x0) / (b - a)) * 100,
           top: ((d - y1) / (d - c)) * 100, height: ((y1 - y0) / (d - c)) * 100 };
}

/** Two points just outside a 3-D box's corners (a fraction pad of each side beyond). */
export function cornerAnchors(lo, hi, pad = 0.01) {
  return [-1, 1].map((s) => {
    const c = [0, 1, 2].map((k) => (s < 0 ? lo[k] : hi[k]) + s * pad * (hi[k] - lo[k]));
    return { x: c[0], y: c[1], z: c[2], text: "", showarrow: false };
  });
}

/** The axis ranges of a Plotly layout, as the layout argument of Plotly.update. */
export function rangeUpdate(layout) {
  const out = {};
  if (layout.scene) {
    for (const a of ["xaxis", "yaxis", "zaxis"]) out[`scene.${a}.range`] = layout.scene[a].range;
    out["scene.annotations"] = layout.scene.annotations;
  } else {
    out["xaxis.range"] = layout.xaxis.range;
    if (layout.yaxis && layout.yaxis.range) out["yaxis.range"] = layout.yaxis.range;
  }
  return out;
}

/** Which of `bins` equal bins of [0, biggest] holds |w| (the last holds biggest itself). */
export function widthBin(w, biggest, bins) {
  return Math.min(bins - 1, Math.floor((Math.abs(w) / (biggest || 1)) * bins));
}
