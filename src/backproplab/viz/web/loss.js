// Training curves: the loss per step and per epoch, the accuracy, each layer's gradient
// norm; a cursor marks the current moment and a click on a curve moves the slider there.

import { perPoint, superscript } from "./format.js";
import { nearestIndex } from "./ranges.js";
import { Plotly, config } from "./plot.js";
import * as view from "./view.js";

const MAX_MARKERS = 100;
// a page drawn from an older run's data has no palette: the same colours as viz.plots
const FALLBACK_PALETTE = { loss: "#000000", accuracy: "#009e73",
  layers: ["#0072b2", "#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"] };
const REBUILD_MS = 400; // a live page's curves, the slowest panel: redrawn ~2.5 times a second
let el = null, meta = null, builtAt = 0;
let logSteps = false; // the step axis on a log scale (a page's "log-steps" event)

view.on("log-steps", (on) => {
  logSteps = Boolean(on);
  if (el && meta) build();
});

function cursor(t) {
  const x = meta.step[t];
  if (logSteps && !(x > 0)) return []; // step 0 has no place on a log axis
  return [{ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1,
            line: { color: "#000", width: 1.5, dash: "dot" } }];
}

/** Column `col` of a (rows, cols) array, as a plain array. */
export function column(a, cols, col) {
  return Array.from({ length: a.length / cols }, (_, i) => a[i * cols + col]);
}

function figure() {
  const a = view.data.arr, T = a.loss_step.length, L = a.grad_norm.length / T;
  const colors = meta.palette || FALLBACK_PALETTE;
  const steps = Array.from(a.curve_step), epochs = Array.from(a.curve_epoch);
  const perStep = perPoint(meta.steps_per_point, "steps"), perEpoch = perPoint(meta.epochs_per_point, "epochs");
  // a marker per epoch while they can be told apart; beyond that a marker is one more SVG
  // element to draw (a live page's curves reach 400 points) and the line says the same
  const mode = epochs.length <= MAX_MARKERS ? "lines+markers" : "lines";
  const epochCurve = (name, values, extra) => ({ type: "scatter", mode, name, x: epochs,
    y: Array.from(values), marker: { size: 4 }, ...extra });
  const data = [
    { type: "scatter", mode: "lines", name: `loss per step${perStep}`, x: steps, y: Array.from(a.loss_step),
      line: { color: "#aaa", width: 1 } },
    epochCurve(`loss per epoch${perEpoch}`, a.loss_epoch, { line: { color: colors.loss } }),
  ];
  if (a.val_loss_epoch) {
    data.push(epochCurve("validation loss", a.val_loss_epoch, { line: { color: colors.loss, dash: "dash" } }));
  }
  if (a.accuracy_epoch) {
    data.push(epochCurve(`accuracy${perEpoch}`, a.accuracy_epoch, { yaxis: "y2", line: { color: colors.accuracy } }));
  }
  if (a.val_accuracy_epoch) {
    data.push(epochCurve("validation accuracy", a.val_accuracy_epoch,
      { yaxis: "y2", line: { color: colors.accuracy, dash: "dash" } }));
  }
  for (let ell = 0; ell < L; ell++) { // ‖∂C/∂Wˡ‖, layers numbered from 1 as in the notebook
    data.push({ type: "scatter", mode: "lines", name: `‖∂C/∂W${superscript(ell + 1)}‖${perStep}`, x: steps,
      yaxis: "y3", y: column(a.grad_norm, L, ell), line: { width: 1.5, color: colors.layers[ell % colors.layers.length] } });
  }
  // the top margin keeps plotly's toolbar above the legend, not over it
  const layout = { height: 460, margin: { l: 60, r: 10, t: 36, b: 40 }, hovermode: "closest",
    xaxis: { title: { text: logSteps ? "step (log scale)" : "step" }, anchor: "y3", type: logSteps ? "log" : "linear" },
    yaxis: { title: { text: "loss" }, domain: [0.58, 1] },
    yaxis2: { title: { text: "accuracy" }, domain: [0.33, 0.53], range: [0, 1.02] },
    // powers of ten only, written 10⁻³ (plotly's default puts 2 and 5 between them, with SI
    // prefixes such as μ)
    yaxis3: { title: { text: "gradient norm" }, domain: [0, 0.28], type: "log", dtick: 1,
              exponentformat: "power", minor: { showgrid: false } },
    legend: { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.7)" },
    shapes: cursor(view.state.t) };
  return { data, layout };
}

function build() {
  const { data, layout } = figure();
  Plotly.react(el, data, layout, config);
  el.dataset.stepAxis = layout.xaxis.type; // what the reader sees: "log" or "linear"
}

export function init(element, m) {
  el = element;
  meta = m;
  build(); // (a live page builds the panel again)
  el.on("plotly_click", (ev) => {
    if (ev.points.length) view.setTime(nearestIndex(meta.step, ev.points[0].x));
  });
}

export function draw(state) {
  Plotly.relayout(el, { shapes: cursor(state.t) });
}

export function update(state, m) { // a live page's new moment: the curves have grown
  meta = m;
  const now = performance.now();
  if (now - builtAt < REBUILD_MS) return;
  builtAt = now;
  build();
}
