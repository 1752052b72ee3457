// Training curves: the loss per step and per epoch, the accuracy, each layer's gradient
// norm; a cursor marks the current moment and a click on a curve moves the slider there.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let el, meta;
  const MAX_MARKERS = 100;

  function cursor(t) {
    const x = meta.step[t];
    return [{ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1,
              line: { color: "#000", width: 1.5, dash: "dot" } }];
  }

  function build() {
    const a = BPL.arr, T = a.loss_step.length;
    const steps = Array.from(a.curve_step), k = meta.steps_per_point;
    const perStep = k > 1 ? ` (mean of ${k} steps)` : "";
    const ke = meta.epochs_per_point, perEpoch = ke > 1 ? ` (mean of ${ke} epochs)` : "";
    const epochs = Array.from(a.curve_epoch);
    // a marker per epoch while they can be told apart; beyond that a marker is one more SVG
    // element to draw (a live page's curves reach 400 points) and the line says the same
    const perEpochMode = epochs.length <= MAX_MARKERS ? "lines+markers" : "lines";
    const data = [
      { type: "scatter", mode: "lines", name: `loss per step${perStep}`, x: steps, y: Array.from(a.loss_step),
        line: { color: "#aaa", width: 1 } },
      { type: "scatter", mode: perEpochMode, name: `loss per epoch${perEpoch}`, x: epochs, y: Array.from(a.loss_epoch),
        line: { color: "#d62728" }, marker: { size: 4 } },
    ];
    if (a.val_loss_epoch) {
      data.push({ type: "scatter", mode: perEpochMode, name: "validation loss", x: epochs,
        y: Array.from(a.val_loss_epoch), line: { color: "#d62728", dash: "dash" }, marker: { size: 4 } });
    }
    if (a.accuracy_epoch) {
      data.push({ type: "scatter", mode: perEpochMode, name: `accuracy${perEpoch}`, x: epochs,
        y: Array.from(a.accuracy_epoch), yaxis: "y2", line: { color: "#2ca02c" }, marker: { size: 4 } });
    }
    if (a.val_accuracy_epoch) {
      data.push({ type: "scatter", mode: perEpochMode, name: "validation accuracy", x: epochs,
        y: Array.from(a.val_accuracy_epoch), yaxis: "y2", line: { color: "#2ca02c", dash: "dash" },
        marker: { size: 4 } });
    }
    const L = a.grad_norm.shape[1];
    for (let ell = 0; ell < L; ell++) {
      data.push({ type: "scatter", mode: "lines", name: `‖∂C/∂W${ell + 1}‖${perStep}`, x: steps, yaxis: "y3",
        y: Array.from({ length: T }, (_, i) => a.grad_norm[i * L + ell]), line: { width: 1 } });
    }
    const layout = { height: 460, margin: { l: 60, r: 10, t: 10, b: 40 }, hovermode: "closest",
      xaxis: { title: { text: "step" }, anchor: "y3" },
      yaxis: { title: { text: "loss" }, domain: [0.58, 1] },
      yaxis2: { title: { text: "accuracy" }, domain: [0.33, 0.53], range: [0, 1.02] },
      yaxis3: { title: { text: "gradient norm" }, domain: [0, 0.28], type: "log" },
      legend: { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.7)" },
      shapes: cursor(BPL.state.t) };
    return { data, layout };
  }

  // The snapshot nearest to a step.
  function nearest(step) {
    let best = 0;
    meta.step.forEach((s, t) => { if (Math.abs(s - step) < Math.abs(meta.step[best] - step)) best = t; });
    return best;
  }

  BPL.panels.push({
    id: "loss-curve",
    init(element, m) {
      el = element;
      meta = m;
      const { data, layout } = build();
      Plotly.react(el, data, layout, BPL.config); // (a live page builds the panel again)
      el.on("plotly_click", (ev) => { if (ev.points.length) BPL.setTime(nearest(ev.points[0].x)); });
    },
    draw(state) {
      Plotly.relayout(el, { shapes: cursor(state.t) });
    },
    update(state, m) { // a live page's new moment: the curves have grown
      meta = m;
      const now = performance.now();
      if (now - (this.builtAt || 0) < 400) return; // the slowest panel: redrawn ~2.5 times a second
      this.builtAt = now;
      const { data, layout } = build();
      Plotly.react(el, data, layout, BPL.config);
    },
  });
})();
