// Pure helpers of the backpropagation stepper: which values a step has revealed, and the
// texts around them. The numbers themselves come from Python (backproplab.serve.stepper);
// nothing here computes one. Layers count from 0 (the input) as the engine does; neurons
// are written from 1, as the diagram shows them.

/** The values steps 0 … k have revealed, in the order a person reads them (layer by
 * layer, then neuron, then z, a, δ): {layer, neuron (from 1), quantity, value}. */
export function revealed(result, k) {
  const shown = new Set();
  result.steps.slice(0, k + 1).forEach((s) => s.shows.forEach(([q, ell]) => shown.add(`${q}:${ell}`)));
  const out = [];
  result.a.forEach((layer, ell) => {
    layer.forEach((_, j) => {
      for (const q of ["z", "a", "delta"]) {
        if (shown.has(`${q}:${ell}`)) out.push({ layer: ell, neuron: j + 1, quantity: q, value: result[q][ell][j] });
      }
    });
  });
  return out;
}

/** The quantities step k itself shows first ("z:2", "delta:1"), to mark them as new. */
export function newAt(result, k) {
  return new Set(result.steps[k].shows.map(([q, ell]) => `${q}:${ell}`));
}

/** The target y as the stepper writes it: its values, and the class they stand for
 * (a regression's target is a real number: it has no class, `label` null). */
export function targetText(result) {
  const y = result.target.map(short).join(", ");
  return result.label === null ? `${y} (a real-valued target)` : `${y} (class ${result.label})`;
}

/** A value as the cells write it: 3 significant digits, a true minus sign (the equations'
 * way); the full value stays in the cell's data-value. */
export function short(v) {
  return String(Number(v.toPrecision(3)) + 0).replace("-", "−");
}

/** Where the stepper is: "step 4 of 12". */
export function positionText(k, n) {
  return `step ${k + 1} of ${n}`;
}

const SYMBOL = { z: "z", a: "a", delta: "δ" };

/** How a value's cell names its quantity: "δ", "z", "a". */
export function symbol(quantity) {
  return SYMBOL[quantity];
}

/** The step to show after a new result: the same one if the steps are the same kinds in
 * the same layers (the same network, new weights), else the first. */
export function keepStep(old, fresh, k) {
  if (!old || old.steps.length !== fresh.steps.length) return 0;
  const same = old.steps.every((s, i) => s.kind === fresh.steps[i].kind && s.layer === fresh.steps[i].layer);
  return same ? Math.min(k, fresh.steps.length - 1) : 0;
}

/** What a result holds for: the network, the training step and the sample. */
export function holdsText(r) {
  const x = r.x.map(short).join(", ");
  const net = `[${r.sizes.join(", ")}], ${r.activation} hidden, ${r.output_activation} output, ${r.cost} cost`;
  return `For the network ${net}, at training step ${r.at_step}; sample ${r.sample} ` +
    `(${r.set} set, ${r.label === null ? `target ${r.target.map(short).join(", ")}` : `class ${r.label}`}) ` +
    `at x = (${x}), features ${r.features.join(", ")}.`;
}

/** The layer the diagram highlights at step s: its own, or none (BP3, the update). */
export function highlightLayer(step) {
  return step.kind === "BP3" || step.kind === "update" ? null : step.layer;
}
