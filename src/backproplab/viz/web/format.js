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

/** The hover text of weight W^ℓ_jk. */
export function weightText(ell, j, k, w) {
  return `W<sup>${ell}</sup><sub>${j},${k}</sub> = ${w.toFixed(3)}`;
}

/** The title of neuron (ℓ, j)'s enlarged heatmap; range: the texts of its low and high. */
export function heatmapTitle(ell, j, range) {
  return `layer ${ell}, neuron ${j}: orange ${range[0]}, white mid-way, blue ${range[1]}`;
}

/** " (mean of k steps)" when a curve's point stands for k > 1 rows, else "". */
export function perPoint(k, unit) {
  return k > 1 ? ` (mean of ${k} ${unit})` : "";
}
