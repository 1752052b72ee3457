// Input space at the current moment. 2-D inputs: the data over the network's decision
// regions; 1-D inputs: the input-to-output curve; more features: the data through one fixed
// PCA of the inputs, each sample marked where the network misclassifies it at this moment.
// A regression (meta.regression): the network's output over the plane and each sample's
// target, on one diverging colour scale with its colour bar (a report's samples are all
// "samples": it does not tell training and test apart).

import { gridPixels, regionPalette, valueColorscale } from "./colors.js";
import { gridExtent, placement } from "./ranges.js";
import { plot, forget } from "./plot.js";
import * as view from "./view.js";

const SCALE = 8; // image pixels per grid cell: the regions smoothed, the boundary sharp
const LAYOUT = { height: 460, margin: { l: 60, r: 10, t: 36, b: 50 } }; // t: room for the toolbar above the legend
const BAR_MARGIN = 110; // a regression's right margin: room for its colour bar, so plotly.js keeps the margins

let el = null, meta = null;
let cells = null, image = null, palette = null; // the grid's own canvas, the one shown
let extent = null; // the regions' [x0, x1, y0, y1] in input coordinates
let classTraces = null; // the data never move: built once, passed again unchanged
let targets = null; // the targets never move either
let discrete = false; // "discretize output": each region one class's colour (a page's event)

view.on("discretize", (on) => {
  discrete = Boolean(on);
  palette = null;
  if (el && meta && image) drawRegions(view.state.t);
});

// The decision regions of moment t, and its decision boundary, drawn on a canvas behind
// the plot (whose background is transparent there): a new moment redraws the canvas,
// not the plot, and no image is encoded for plotly.js to decode.
function drawRegions(t) {
  const inp = meta.input, G = inp.gx.length;
  cells = cells || document.createElement("canvas");
  image = image || regionCanvas();
  placeBox(image.parentElement);
  if (cells.width !== G) cells.width = cells.height = G;
  if (image.width !== G * SCALE) image.width = image.height = G * SCALE;
  palette = palette || regionPalette(meta.colors, inp.regionKind, discrete);
  const ctx = cells.getContext("2d"), img = ctx.createImageData(G, G);
  gridPixels(view.at("regions", t), G, palette, img.data);
  ctx.putImageData(img, 0, 0);
  extent = gridExtent(inp.gx, inp.gy);
  const [x0, x1, y0, y1] = extent, W = G * SCALE;
  const out = image.getContext("2d");
  out.imageSmoothingEnabled = true;
  out.globalAlpha = 1;
  out.fillStyle = "#fff";
  out.fillRect(0, 0, W, W);
  out.globalAlpha = 0.45;
  out.drawImage(cells, 0, 0, W, W);
  out.globalAlpha = 1;
  const B = view.data.arr.boundary, S = view.data.arr.boundaryStart;
  if (B) { // precomputed in Python (contourpy), NaN between pieces
    out.strokeStyle = "#222";
    out.lineWidth = 2;
    out.beginPath();
    let pen = false;
    for (let i = S[t]; i < S[t + 1]; i++) {
      const x = B[2 * i], y = B[2 * i + 1];
      if (Number.isNaN(x)) {
        pen = false;
        continue;
      }
      const px = ((x - x0) / (x1 - x0)) * W, py = ((y1 - y) / (y1 - y0)) * W;
      if (pen) out.lineTo(px, py);
      else out.moveTo(px, py);
      pen = true;
    }
    out.stroke();
  }
  image.dataset.extent = extent.join(",");
  image.dataset.discrete = String(discrete);
  placeRegions();
}

function margin() {
  return meta.regression ? { ...LAYOUT.margin, r: BAR_MARGIN } : LAYOUT.margin;
}

// The box over the plot area (the layout's margins) that clips the regions' canvas.
function placeBox(box) {
  const m = margin();
  Object.assign(box.style, { left: `${m.l}px`, top: `${m.t}px`, width: `calc(100% - ${m.l + m.r}px)`,
                             height: `${LAYOUT.height - m.t - m.b}px` });
}

// The regions' canvas, in its box.
function regionCanvas() {
  const box = document.createElement("div");
  box.className = "regions";
  const c = document.createElement("canvas");
  c.setAttribute("role", "img");
  c.setAttribute("aria-label", "the network's decision regions and boundary");
  box.append(c);
  el.prepend(box); // before plotly.js's own layers: drawn behind them
  return c;
}

// Place the regions where the axes' current ranges put them (after a zoom or pan too).
function placeRegions() {
  if (!image || !extent || !el.layout) return;
  const p = placement(extent, el.layout.xaxis.range, el.layout.yaxis.range);
  Object.assign(image.style, { left: `${p.left}%`, width: `${p.width}%`, top: `${p.top}%`, height: `${p.height}%` });
}

// A regression's samples, coloured by their targets on the value scale (whose bar the
// training points carry): training points as dots, test points as diamonds.
function valueTraces() {
  const X = view.data.arr.Xin, y = view.data.arr.y, nTrain = meta.n_train ?? Infinity;
  const [lo, hi] = meta.regression.range, all = Array.from(y, (_, i) => i);
  const named = (test) => (test ? "test samples" : meta.n_train === undefined ? "samples" : "training samples");
  const trace = (idx, test) => ({ type: "scattergl", mode: "markers", customdata: idx, name: named(test),
    x: idx.map((i) => X[2 * i]), y: idx.map((i) => X[2 * i + 1]), text: idx.map((i) => y[i].toPrecision(3)),
    hovertemplate: `sample %{customdata}: target %{text}<extra>${named(test)}</extra>`,
    marker: { size: test ? 8 : 7, symbol: test ? "diamond" : "circle", color: idx.map((i) => y[i]),
      colorscale: valueColorscale(), cmin: lo, cmax: hi, showscale: !test,
      line: { color: test ? "#111" : "#444", width: test ? 1 : 0.75 },
      colorbar: test ? undefined : { title: { text: "output, target", side: "right" }, thickness: 12, len: 0.9, x: 1.02 } } });
  const train = all.filter((i) => i < nTrain), test = all.filter((i) => i >= nTrain);
  return [trace(train, false), ...(test.length ? [trace(test, true)] : [])];
}

function pointTraces(t) {
  if (meta.regression) {
    classTraces = classTraces || valueTraces();
    return [...classTraces];
  }
  const X = view.data.arr.Xin, c = meta.colors;
  // a live page showing its test points (meta.n_train: the training points come first)
  // draws them apart: open rings of the class's colour, with legend entries of their own
  const nTrain = meta.n_train ?? Infinity;
  const trace = (name, k, idx, test) => ({ type: "scattergl", mode: "markers", customdata: idx,
    name: test ? `class ${name}, test` : `class ${name}`,
    x: idx.map((i) => X[2 * i]), y: idx.map((i) => X[2 * i + 1]),
    hovertemplate: `sample %{customdata}<extra>class ${name}${test ? " (test)" : ""}</extra>`,
    marker: test ? { size: 7, symbol: "circle-open", color: c[k % c.length], line: { width: 1.5 } }
      : { size: 6, color: c[k % c.length], line: { color: "#fff", width: 0.5 } } });
  classTraces = classTraces || [
    ...meta.classes.map((name, k) => trace(name, k, view.data.byClass[k].filter((i) => i < nTrain), false)),
    ...(nTrain < view.data.arr.y.length ?
      meta.classes.map((name, k) => trace(name, k, view.data.byClass[k].filter((i) => i >= nTrain), true)) : []),
  ];
  const traces = [...classTraces];
  if (meta.input.mode === "pca") {
    const pred = view.at("pred", t), y = view.data.arr.y, wrong = [];
    for (let i = 0; i < y.length; i++) if (pred[i] !== y[i]) wrong.push(i);
    traces.push({ type: "scattergl", mode: "markers", name: "misclassified now", customdata: wrong,
      x: wrong.map((i) => X[2 * i]), y: wrong.map((i) => X[2 * i + 1]), hoverinfo: "skip",
      marker: { symbol: "x-thin-open", size: 9, color: "#000" } });
  }
  return traces;
}

function curveTraces(t) {
  const X = view.data.arr.Xin, out = view.at("sampleOut", t), order = Array.from(view.data.arr.order);
  const idx = Array.from({ length: view.data.arr.y.length }, (_, i) => i);
  targets = targets || { type: "scattergl", mode: "markers", name: "targets", x: idx.map((i) => X[2 * i]),
    y: idx.map((i) => X[2 * i + 1]), customdata: idx, marker: { size: 4, color: "#999" },
    hovertemplate: "sample %{customdata}<extra>target</extra>" };
  return [
    targets,
    { type: "scatter", mode: "lines", name: "network output", x: order.map((i) => X[2 * i]),
      y: order.map((i) => out[i]), line: { color: "#d62728", width: 3 }, hoverinfo: "skip" },
  ];
}

function markedTrace(t) {
  const marked = view.marked();
  if (!marked.length) return [];
  const X = view.data.arr.Xin;
  let ys = marked.map((i) => X[2 * i + 1]);
  if (meta.input.mode === "curve") {
    const out = view.at("sampleOut", t);
    ys = marked.map((i) => out[i]);
  }
  return [{ type: "scatter", mode: "markers", name: "marked sample", customdata: marked,
    x: marked.map((i) => X[2 * i]), y: ys, hovertemplate: "sample %{customdata}<extra>marked</extra>",
    marker: { size: 15, color: "rgba(0,0,0,0)", line: { color: "#000", width: 3 } } }];
}

export function draw(state) {
  const t = state.t, inp = meta.input;
  const data = inp.mode === "curve" ? curveTraces(t) : pointTraces(t);
  data.push(...markedTrace(t));
  const clear = "rgba(0,0,0,0)", plane = inp.mode === "plane"; // (the regions show through)
  const layout = { ...LAYOUT, margin: margin(), uirevision: "input",
    xaxis: { title: { text: inp.labels[0] }, range: inp.xrange, autorange: false },
    yaxis: { title: { text: inp.labels[1] }, range: inp.yrange, autorange: false },
    legend: { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.7)" }, hovermode: "closest",
    paper_bgcolor: plane ? clear : "#fff", plot_bgcolor: plane ? clear : "#fff" };
  plot(el, data, layout);
  if (image) image.parentElement.hidden = !plane;
  if (plane) drawRegions(t);
}

export function init(element, m) {
  el = element;
  meta = m;
  classTraces = targets = palette = null; // a live page may bring new data
  forget(el);
  draw(view.state);
  view.linkSamples(el, element.id);
  el.on("plotly_relayout", placeRegions);
}

export function update(state, m) { // a live page's new moment, on the same data
  meta = m;
  draw(state);
}
