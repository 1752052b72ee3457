// Hidden space: the watched layer's activation of every recorded sample at the current
// moment, coloured by class (a regression: by target, on the input space's colour scale),
// with the output neuron's decision plane w·a + b = 0 of that moment. The camera is the user's alone (uirevision keeps it across redraws).

import { valueColorscale } from "./colors.js";
import { plot, forget } from "./plot.js";
import { boxRanges, cornerAnchors, rangeUpdate } from "./ranges.js";
import * as view from "./view.js";

let el = null, meta = null, fit = false;
const wired = new WeakSet(); // the axes radios given their listener

function axisRanges(t) {
  return fit ? boxRanges(view.at("fitBox", t), meta.hidden.dim) : meta.hidden.box;
}

function coords(t, idx) {
  const d = meta.hidden.dim, P = view.at("H", t), cols = [];
  for (let k = 0; k < d; k++) cols.push(Float32Array.from(idx, (i) => P[i * d + k]));
  if (d === 1) cols.push(idx.map((i) => view.data.arr.y[i]));
  return cols;
}

function plane(t) {
  const d = meta.hidden.dim, V = view.at(fit ? "planeFit" : "planeFixed", t), k = V.length / d;
  if (Number.isNaN(V[0])) return null; // the surface misses the box
  const col = (c) => Array.from({ length: k }, (_, v) => V[v * d + c]);
  const style = { name: "decision surface w·a + b = 0", hoverinfo: "skip", mode: "lines" };
  if (d === 3) { // the plane as a grid of lines (see moments.plane_wireframe)
    return { type: "scatter3d", x: col(0), y: col(1), z: col(2), line: { color: "#555", width: 3 }, ...style };
  }
  if (d === 2) {
    return { type: "scatter", x: col(0), y: col(1), line: { color: "#222", dash: "dash", width: 2 }, ...style };
  }
  const [y0, y1] = meta.regression ? meta.regression.range : [-0.5, meta.classes.length - 0.5];
  return { type: "scatter", x: [V[0], V[0]], y: [y0, y1],
           line: { color: "#222", dash: "dash", width: 2 }, ...style };
}

// A regression's samples: one trace, each point its target's colour.
function valueTrace(t, type) {
  const y = view.data.arr.y, all = Array.from(y, (_, i) => i), cols = coords(t, all);
  const [lo, hi] = meta.regression.range;
  const trace = { type, mode: "markers", name: "samples (colour: target)", x: cols[0], y: cols[1], customdata: all,
    text: all.map((i) => y[i].toPrecision(3)), hovertemplate: "sample %{customdata}: target %{text}<extra></extra>",
    marker: { size: type === "scatter3d" ? 3 : 6, color: Array.from(y), colorscale: valueColorscale(), cmin: lo, cmax: hi,
      line: { color: "#333", width: type === "scatter3d" ? 0 : 0.5 } } };
  if (type === "scatter3d") trace.z = cols[2];
  return trace;
}

function draw(state) {
  const t = state.t, d = meta.hidden.dim, type = d === 3 ? "scatter3d" : "scatter";
  const data = meta.regression ? [valueTrace(t, type)] : meta.classes.map((name, c) => {
    const members = view.data.byClass[c], cols = coords(t, members);
    const trace = { type, mode: "markers", name: `class ${name}`, x: cols[0], y: cols[1],
      customdata: members, hovertemplate: `sample %{customdata}<extra>class ${name}</extra>`,
      marker: { size: d === 3 ? 3 : 6, color: meta.colors[c % meta.colors.length] },
      opacity: 0.7 }; // translucent, so a class drawn over another's clump does not hide it
    if (d === 3) trace.z = cols[2];
    return trace;
  });
  const p = meta.hidden.plane ? plane(t) : null;
  if (p) data.push(p);
  const planeNote = document.getElementById("plane-note");
  if (planeNote) { // why no plane is drawn at this moment
    planeNote.textContent = p ? "" : meta.hidden.noPlane || "";
    planeNote.hidden = Boolean(p) || !meta.hidden.noPlane;
  }
  const marked = view.marked();
  if (marked.length) {
    const cols = coords(t, marked);
    const trace = { type, mode: "markers", name: "marked sample", x: cols[0], y: cols[1],
      customdata: marked, hovertemplate: "sample %{customdata}<extra>marked</extra>",
      marker: { size: 16, color: "rgba(0,0,0,0)", line: { color: "#000", width: 3 } } };
    // the largest mark, an outline around the sample's own point
    if (d === 3) Object.assign(trace, { z: cols[2], marker: { ...trace.marker, size: 14, symbol: "circle-open", color: "#000" } });
    data.push(trace);
  }
  const [lo, hi] = axisRanges(t), labels = meta.hidden.labels;
  // no zero lines: where the box starts near 0 they double its edges in heavy black
  const axis = (k) => ({ title: { text: labels[k] }, range: [lo[k], hi[k]], autorange: false,
                         zeroline: false, showspikes: false });
  const layout = { uirevision: "hidden", margin: { l: 0, r: 0, t: 10, b: 0 }, legend: { x: 0, y: 1 }, height: 460 };
  if (d === 3) {
    // Two empty annotations just outside the box's corners: plotly.js scales a 3-D scene
    // by the extent of its data and annotations, and gives its axes new tick marks (a slow
    // shader compile without a GPU) whenever that scale changes; with these in the extent,
    // a moment whose points and plane lie in the box keeps scale and ticks.
    layout.scene = { xaxis: axis(0), yaxis: axis(1), zaxis: axis(2), aspectmode: "cube",
                     annotations: cornerAnchors(lo, hi) };
  } else {
    layout.margin = { l: 60, r: 10, t: 10, b: 50 };
    layout.xaxis = axis(0);
    layout.yaxis = d === 2 ? axis(1) : meta.regression ? { title: { text: "target y" } } : {
      tickvals: meta.classes.map((_, c) => c), ticktext: meta.classes.map((c) => `class ${c}`),
      range: [-0.5, meta.classes.length - 0.5] };
  }
  // A live page's "fixed" axes are this moment's too (widened to round steps in Python):
  // there is no whole run to span.
  plot(el, data, layout, fit || view.data.live ? rangeUpdate(layout) : {});
}

function setAxes(mode) {
  fit = mode === "fit";
  forget(el); // new axes: draw anew
  const note = document.getElementById("axes-note");
  if (note) {
    note.textContent = fit
      ? "Shown: axes fitted to this moment (they change from moment to moment)."
      : "Shown: fixed axes, the same for every moment (they span all of training).";
  }
  draw(view.state);
}

export function init(element, m) {
  el = element;
  meta = m;
  const axes = document.getElementById("axes");
  if (axes) axes.hidden = view.data.live; // a live page has no whole run: its axes fit each moment
  for (const radio of document.querySelectorAll("input[name=axes]")) {
    if (wired.has(radio)) continue; // a live page builds the panel again
    wired.add(radio);
    radio.addEventListener("change", () => radio.checked && setAxes(radio.value));
  }
  setAxes(fit ? "fit" : "fixed");
  view.linkSamples(el, element.id);
}

export { draw };

export function update(state, m) { // a live page's new moment
  meta = m;
  draw(state);
}
