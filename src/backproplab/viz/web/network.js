// The network with its weights at the current moment: wire colour is the sign (blue +,
// red −), width the magnitude |w|; hovering a wire shows w, a neuron shows b; clicking a
// hidden neuron enlarges its heatmap ("neuron"), clicking a weight picks it ("weight").

import { neuronName, subscript, weightText } from "./format.js";
import { widthBin } from "./ranges.js";
import { plot, forget } from "./plot.js";
import * as view from "./view.js";

const POSITIVE = "#1f77b4", NEGATIVE = "#d62728", BINS = 5;
let el = null, net = null;
// What was drawn last: each wire group's wires, and the traces themselves (a trace passed
// to plot again as the same object is not redrawn).
let drawn = null, pointerOver = false;
const wired = new WeakSet(); // elements given their pointer listeners

/** The wires of each (sign, width bin) group: "+0" … "+4", "-0" … "-4". */
export function wireGroups(w, biggest, bins = BINS) {
  const members = {};
  for (const sign of ["+", "-"]) for (let bin = 0; bin < bins; bin++) members[`${sign}${bin}`] = [];
  for (let i = 0; i < w.length; i++) members[`${w[i] >= 0 ? "+" : "-"}${widthBin(w[i], biggest, bins)}`].push(i);
  return members;
}

// Hover texts are seen only with the pointer over the diagram: elsewhere they are left as
// they were, so a moment that moves no wire to another group redraws nothing; the pointer
// entering the diagram brings them up to date.
export function draw(state) {
  const w = view.at("wires", state.t), members = wireGroups(w, net.biggest);
  const keys = Object.keys(members), last = drawn; // (init starts afresh: new wires)
  const wires = keys.map((key) => members[key].join(","));
  const data = keys.map((key, g) => {
    if (last && last.wires[g] === wires[g]) return last.data[g];
    const x = [], y = [];
    for (const i of members[key]) {
      const [, , , x0, y0, x1, y1] = net.wires[i];
      x.push(x0, x1, null);
      y.push(y0, y1, null);
    }
    const bin = Number(key.slice(1)), positive = key[0] === "+";
    return { type: "scatter", mode: "lines", name: key, x, y, hoverinfo: "skip", showlegend: false,
      line: { color: positive ? POSITIVE : NEGATIVE, width: 0.5 + 1.6 * bin }, opacity: 0.75 };
  });
  if (last && !pointerOver) data.push(...last.data.slice(keys.length));
  else data.push(weightMarkers(w), neuronMarkers(state));
  drawn = { data, wires };
  const layout = { uirevision: "network", height: 360, margin: { l: 10, r: 10, t: 10, b: 30 },
    xaxis: { visible: true, showgrid: false, zeroline: false, tickvals: net.columns.map((_, c) => c),
             ticktext: net.columns, range: [-0.5, net.columns.length - 0.5] },
    yaxis: { visible: false, range: net.yrange }, hovermode: "closest", plot_bgcolor: "#fff" };
  plot(el, data, layout);
}

// Invisible markers a third of the way along each wire: hovering shows its weight.
function weightMarkers(w) {
  const x = [], y = [], text = [], id = [];
  net.wires.forEach(([ell, j, k, x0, y0, x1, y1], i) => {
    x.push(x0 + (x1 - x0) * 0.35);
    y.push(y0 + (y1 - y0) * 0.35);
    text.push(weightText(ell, j, k, w[i]));
    id.push(["w", ell, j, k, i]);
  });
  return { type: "scatter", mode: "markers", name: "weights", x, y, text, customdata: id, showlegend: false,
    hovertemplate: "%{text}<extra></extra>", marker: { size: 10, color: "rgba(0,0,0,0)" } };
}

function neuronMarkers(state) {
  const b = view.data.arr.biases ? view.at("biases", state.t) : null;
  return { type: "scatter", mode: "markers", name: "neurons", showlegend: false,
    x: net.nodes.map((n) => n[0]), y: net.nodes.map((n) => n[1]),
    customdata: net.nodes.map((n) => [n[2], n[3]]),
    text: net.nodes.map((n) => (n[2] === 0 ? `input x${subscript(n[3] + 1)}` :
      `${neuronName(n[2], n[3])}: layer ${n[2]}, neuron ${n[3] + 1}` + (b && n[4] >= 0 ? `<br>b = ${b[n[4]].toFixed(3)}` : ""))),
    hovertemplate: "%{text}<extra></extra>",
    marker: { size: 22, color: "#fff", line: { color: "#000", width: 1.5 } } };
}

function wirePointer() {
  if (wired.has(el)) return;
  wired.add(el);
  const enter = () => {
    if (pointerOver) return;
    pointerOver = true;
    draw(view.state); // the hover texts of this moment
  };
  el.addEventListener("pointerenter", enter);
  el.addEventListener("pointermove", enter);
  el.addEventListener("pointerleave", () => {
    pointerOver = false;
  });
}

export function init(element, m) {
  el = element;
  net = m.network;
  if (!net) return false;
  forget(el); // a live page builds the panel again
  drawn = null;
  draw(view.state);
  el.dataset.columns = net.columns.join("|");
  wirePointer();
  el.on("plotly_click", (ev) => {
    const w = ev.points.find((q) => Array.isArray(q.customdata) && q.customdata[0] === "w");
    if (w) { // a weight: a live page lets the user edit it
      const [, ell, j, k, i] = w.customdata;
      view.emit("weight", ell, j, k, view.at("wires")[i]);
      return;
    }
    const p = ev.points.find((q) => Array.isArray(q.customdata));
    if (p) view.emit("neuron", p.customdata[0], p.customdata[1]);
  });
  return true;
}

export function update(state, m) { // a live page's new moment
  net = m.network;
  el.dataset.columns = net.columns.join("|");
  draw(state);
}
