// Every hidden neuron's activation over the input plane at the current moment, as
// thumbnails (TensorFlow Playground's); a click enlarges one, drawn by Plotly with axes.

import { gridPixels, heatmapScale } from "./colors.js";
import { heatmapTitle, neuronName } from "./format.js";
import { gridExtent } from "./ranges.js";
import { Plotly, config } from "./plot.js";
import * as view from "./view.js";

const SCALE = heatmapScale();
// The enlarged heatmap: plotly.js draws the axes, in input coordinates, once per neuron;
// the thumbnail's image is copied at each moment onto a canvas laid exactly over the plot
// area (the axes' ranges are the image's edges), which costs next to nothing, where
// giving plotly.js a new image would encode and decode a PNG at every moment.
const BIG = { height: 360, margin: { l: 50, r: 10, t: 40, b: 40 } };

let meta = null, canvases = [], big = null, bigEl = null, bigCanvas = null, bigKey = null;

function paint(canvas, maps, i, G) {
  const ctx = canvas.getContext("2d", { willReadFrequently: true }), img = ctx.createImageData(G, G);
  gridPixels(maps.subarray(i * G * G, (i + 1) * G * G), G, SCALE, img.data);
  ctx.putImageData(img, 0, 0);
}

function drawBig() {
  if (big === null) return;
  const h = meta.heatmaps, inp = meta.input, G = h.G, [ell, j] = h.neurons[big];
  const [x0, x1, y0, y1] = gridExtent(inp.gx, inp.gy), title = heatmapTitle(ell, j, h.range);
  const key = JSON.stringify([title, x0, x1, y0, y1]);
  if (key !== bigKey || !bigEl.contains(bigCanvas)) {
    Plotly.react(bigEl, [], { ...BIG, title: { text: title },
      xaxis: { title: { text: inp.labels[0] }, range: [x0, x1], showgrid: false, zeroline: false,
               fixedrange: true }, // (the image does not follow a zoom: there is none)
      yaxis: { title: { text: inp.labels[1] }, range: [y0, y1], showgrid: false, zeroline: false,
               fixedrange: true },
    }, config);
    bigKey = key;
    if (!bigEl.contains(bigCanvas)) {
      const m = BIG.margin;
      bigCanvas = document.createElement("canvas");
      bigCanvas.className = "heatmap-image";
      bigCanvas.setAttribute("role", "img");
      Object.assign(bigCanvas.style, { left: `${m.l}px`, top: `${m.t}px`, width: `calc(100% - ${m.l + m.r}px)`,
                                       height: `${BIG.height - m.t - m.b}px` });
      bigEl.append(bigCanvas);
    }
    bigCanvas.width = bigCanvas.height = G;
    bigCanvas.setAttribute("aria-label", `heatmap of layer ${ell}, neuron ${j + 1}, ${title}`);
  }
  bigCanvas.getContext("2d").drawImage(canvases[big], 0, 0);
}

export function draw(state) {
  const maps = view.at("heat", state.t);
  canvases.forEach((cv, i) => paint(cv, maps, i, meta.heatmaps.G));
  drawBig();
}

// Enlarge neuron (ℓ, j): asked by a thumbnail or the network diagram.
function showNeuron(ell, j) {
  const i = meta && meta.heatmaps ? meta.heatmaps.neurons.findIndex(([a, b]) => a === ell && b === j) : -1;
  if (i < 0) return;
  big = i;
  document.querySelectorAll(".thumb").forEach((b, k) => b.setAttribute("aria-pressed", String(k === i)));
  drawBig();
}

view.on("neuron", showNeuron);

function thumb(ell, j, G) {
  const button = document.createElement("button");
  button.className = "thumb";
  button.type = "button";
  button.dataset.testid = `heatmap-${ell}-${j}`;
  button.setAttribute("aria-pressed", "false");
  button.title = `layer ${ell}, neuron ${j + 1}: click to enlarge`;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = G;
  const label = document.createElement("span");
  label.textContent = neuronName(ell, j); // a²₁: numbered from 1
  button.append(canvas, label);
  button.addEventListener("click", () => showNeuron(ell, j));
  return { button, canvas };
}

// The panel's parts: a row of thumbnails, and the enlarged one.
function parts(element) {
  if (!element.querySelector(".thumbs")) {
    const grid = document.createElement("div"), enlarged = document.createElement("div");
    grid.className = "thumbs";
    enlarged.className = "heatmap-big";
    enlarged.dataset.testid = "heatmap-big";
    element.append(grid, enlarged);
  }
  return [element.querySelector(".thumbs"), element.querySelector(".heatmap-big")];
}

export function init(element, m) {
  meta = m;
  const h = m.heatmaps, [grid, enlarged] = parts(element);
  grid.replaceChildren(); // a live page builds the panel again
  big = null;
  if (!h) return false;
  bigEl = enlarged;
  const thumbs = h.neurons.map(([ell, j]) => thumb(ell, j, h.G));
  grid.append(...thumbs.map((t) => t.button));
  canvases = thumbs.map((t) => t.canvas);
  if (canvases.length) big = 0;
  draw(view.state);
  return true;
}

export function update(state, m) { // a live page's new moment
  meta = m;
  draw(state);
}
