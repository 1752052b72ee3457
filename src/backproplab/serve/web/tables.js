// Pure helpers of the confusion matrices' tables: the rows a matrix from Python is drawn
// as (counts and shares are Python's; nothing is computed here but a colour).

/** The background of a cell whose row share is `share` (0 … 1): right answers blue,
 * wrong ones orange, both deeper as the share grows. */
export function tint(share, right) {
  const alpha = (0.08 + 0.6 * share).toFixed(3);
  return right ? `rgba(31, 119, 180, ${alpha})` : `rgba(255, 127, 14, ${alpha})`;
}

/** The table of one matrix `m` ({counts, share}) over `classes`: a header row, then one
 * row per true class, each cell {text, actual, predicted, count, background}. */
export function confusionRows(m, classes) {
  const header = ["true ↓ / predicted →", ...classes.map((c) => `class ${c}`)];
  const rows = m.counts.map((row, i) => ({
    label: `class ${classes[i]}`,
    cells: row.map((count, j) => ({ text: String(count), actual: i, predicted: j, count,
      background: tint(m.share[i][j], i === j) })),
  }));
  return { header, rows };
}

/** The caption of one matrix: "training set: 210 samples, accuracy 97.6 %". */
export function caption(name, m) {
  if (!m) return `${name}: no samples`;
  const acc = m.accuracy === null ? "–" : `${(100 * m.accuracy).toFixed(1)} %`;
  return `${name}: ${m.n} samples, accuracy ${acc}`;
}
