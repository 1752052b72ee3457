// Colour scales: the heatmaps' orange · white · blue, the decision regions' palette, and a
// regression's value scale (the same orange · white · blue: low values orange, high blue).

export const WHITE = [255, 255, 255];
export const LOW = [245, 147, 34]; // orange: a neuron's low activation
export const HIGH = [8, 119, 189]; // blue: its high activation

/** RGB of a "#rrggbb" colour. */
export function hexRgb(hex) {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) throw new TypeError(`not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
}

/** The colour a fraction f of the way from a to b, rounded to whole RGB values. */
export function mix(a, b, f) {
  return a.map((x, k) => Math.round(x + (b[k] - x) * f));
}

/** n colours from lo through mid (half-way) to hi. */
export function diverging(lo, hi, mid = WHITE, n = 256) {
  return Array.from({ length: n }, (_, v) => {
    const s = v / (n - 1);
    return s < 0.5 ? mix(lo, mid, s * 2) : mix(mid, hi, s * 2 - 1);
  });
}

/** The heatmaps' 256 colours for codes 0 … 255: orange (low), white, blue (high). */
export function heatmapScale() {
  return diverging(LOW, HIGH);
}

/** A regression's value scale as plotly.js takes it (a marker's or a colour bar's
 * `colorscale`): the stops of `diverging(LOW, HIGH)`, which it interpolates exactly. */
export function valueColorscale() {
  const rgb = (c) => `rgb(${c.join(",")})`;
  return [[0, rgb(LOW)], [0.5, rgb(WHITE)], [1, rgb(HIGH)]];
}

/** The regions' 256 colours: for kind "class" code v is class v's colour; for "regression"
 * the value scale, orange · white · blue; otherwise (one output) codes 0 … 255
 * run from class 0's colour through white to class 1's, or, with `discrete`, are class
 * 0's below the middle (code 128: the boundary) and class 1's from it. */
export function regionPalette(hexColors, kind, discrete = false) {
  if (kind === "regression") return diverging(LOW, HIGH);
  const c = hexColors.map(hexRgb);
  if (kind === "class") return Array.from({ length: 256 }, (_, v) => c[v % c.length]);
  if (discrete) return Array.from({ length: 256 }, (_, v) => (v < 128 ? c[0] : c[1]));
  return diverging(c[0], c[1]);
}

/** RGBA pixels (a G·G·4 array) of a G × G grid of codes 0 … 255, row 0 of the grid (the
 * lowest y) at the bottom of the image. */
export function gridPixels(codes, G, palette, out = new Uint8ClampedArray(4 * G * G)) {
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      const rgb = palette[codes[r * G + c] % palette.length], p = 4 * ((G - 1 - r) * G + c);
      out[p] = rgb[0];
      out[p + 1] = rgb[1];
      out[p + 2] = rgb[2];
      out[p + 3] = 255;
    }
  }
  return out;
}
