// Numbers and labels as the pages write them.

/** A number with `digits` decimals, or "–" for none (null, undefined). */
export function fixed(v, digits = 4) {
  return v === null || v === undefined ? "–" : v.toFixed(digits);
}

/** A number in scientific notation with 3 significant digits, or "–" for none. */
export function sci(v) {
  return v === null || v === undefined ? "–" : v.toExponential(2);
}

/** The moment label of the report's slider: snapshot, step, epoch and (if known) loss. */
export function momentText(meta, t) {
  const n = meta.step.length, loss = meta.loss[t];
  const lossText = loss === null || loss === undefined ? "" : `, loss ${loss.toFixed(4)}`;
  return `snapshot ${t + 1} of ${n}: step ${meta.step[t]}, epoch ${meta.epoch[t].toFixed(2)}${lossText}`;
}

// Everything a person reads numbers layers and neurons from 1, as the notebook's aˡⱼ does;
// the arrays and the code count neurons from 0, so the functions here take 0-based j, k.
const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹", SUB = "₀₁₂₃₄₅₆₇₈₉";

/** A whole number in superscript digits: superscript(12) is "¹²". */
export function superscript(n) {
  return String(n).replace(/[0-9]/g, (c) => SUP[c]);
}

/** A whole number in subscript digits: subscript(3) is "₃". */
export function subscript(n) {
  return String(n).replace(/[0-9]/g, (c) => SUB[c]);
}

/** Neuron j (0-based) of layer ℓ as the notebook writes it: neuronName(2, 0) is "a²₁". */
export function neuronName(ell, j) {
  return `a${superscript(ell)}${subscript(j + 1)}`;
}

/** The hover text of weight Wˡⱼₖ (j, k 0-based; shown from 1). */
export function weightText(ell, j, k, w) {
  return `W<sup>${ell}</sup><sub>${j + 1},${k + 1}</sub> = ${w.toFixed(3)}`;
}

/** The title of neuron (ℓ, j)'s enlarged heatmap (j 0-based; shown from 1); range: the
 * texts of its low and high. */
export function heatmapTitle(ell, j, range) {
  return `${neuronName(ell, j)}: orange ${range[0]}, white mid-way, blue ${range[1]}`;
}

/** " (mean of k steps)" when a curve's point stands for k > 1 rows, else "". */
export function perPoint(k, unit) {
  return k > 1 ? ` (mean of ${k} ${unit})` : "";
}
