// The network with its weights at the current moment: wire colour is the sign (blue +,
// red −), width the magnitude |w|; hovering a wire shows w (in a label of ours, for the
// wire a click would pick), a neuron shows b (plotly.js's label); clicking a
// hidden neuron enlarges its heatmap ("neuron"), clicking a wire picks its weight
// ("weight") and, on a page with a use for it, highlights the wire until another is
// picked or the network is built anew ("mark-weight" highlights one without a click).

import { neuronName, subscript, weightText } from "./format.js";
import { widthBin } from "./ranges.js";
import { plot, forget } from "./plot.js";
import { nearestSegment, toPixels } from "./segments.js";
import * as view from "./view.js";

const POSITIVE = "#1f77b4", NEGATIVE = "#d62728", PICKED = "#ffb000", BINS = 5;
const PICK_WITHIN = 6; // px: a click farther than this from every wire picks none
const NEURON_RADIUS = 12; // px: a neuron's circle (marker size 22, outline 1.5)
let el = null, net = null;
let picked = null; // the picked wire's index in net.wires; null: none
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

// The neurons' hover texts are seen only with the pointer over the diagram: elsewhere they
// are left as they were, so a moment that moves no wire to another group redraws nothing;
// the pointer entering the diagram brings them up to date.
export function draw(state) {
  const w = view.at("wires", state.t), members = wireGroups(w, net.biggest);
  const keys = Object.keys(members), last = drawn; // (init starts afresh: new wires)
  const wires = keys.map((key) => members[key].join(","));
  const groups = keys.map((key, g) => {
    if (last && last.wires[g] === wires[g]) return last.groups[g];
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
  const band = last && last.picked === picked ? last.band : pickedBand();
  const rest = last && !pointerOver ? last.rest : [neuronMarkers(state)];
  const data = [band, ...groups, ...rest];
  drawn = { wires, groups, band, picked, rest };
  const layout = { uirevision: "network", height: 360, margin: { l: 10, r: 10, t: 10, b: 30 },
    xaxis: { visible: true, showgrid: false, zeroline: false, tickvals: net.columns.map((_, c) => c),
             ticktext: net.columns, range: [-0.5, net.columns.length - 0.5] },
    yaxis: { visible: false, range: net.yrange }, plot_bgcolor: "#fff",
    hovermode: "closest", hoverdistance: 1 }; // a neuron's label with the pointer on its circle only
  plot(el, data, layout);
}

// The picked wire, under the others: a band along it like a highlighter's stroke (an
// empty trace when none is picked, so that picking one only moves it).
function pickedBand() {
  const x = [], y = [];
  if (picked !== null) {
    const [, , , x0, y0, x1, y1] = net.wires[picked];
    x.push(x0, x1);
    y.push(y0, y1);
  }
  return { type: "scatter", mode: "lines", name: "picked wire", x, y, hoverinfo: "skip", showlegend: false,
    line: { color: PICKED, width: 12 } };
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

/** Highlight wire `i` of the network drawn (null: none). */
function mark(i) {
  if (i === picked) return;
  picked = i;
  draw(view.state);
}

// What is under the screen point p: {neuron: i} on a neuron's circle, else {wire: i}, the
// wire nearest p if one is within PICK_WITHIN pixels; null for nothing. Distances are
// measured in pixels, so that the plot's aspect ratio favours no slope; where wires
// crowd, the one under the pointer is the nearest.
function under(p) {
  const area = el.querySelector(".nsewdrag"); // the plot area plotly.js drew
  if (!net || !area || !el.layout) return null;
  const rect = area.getBoundingClientRect(), { xaxis, yaxis } = el.layout;
  if (p[0] < rect.left || p[0] > rect.right || p[1] < rect.top || p[1] > rect.bottom) return null;
  const px = (x, y) => toPixels([x, y], rect, xaxis.range, yaxis.range);
  const neuron = nearestSegment(p, net.nodes.map(([x, y]) => [px(x, y), px(x, y)]), NEURON_RADIUS);
  if (neuron) return { neuron: neuron.index };
  const wire = nearestSegment(p, net.wires.map(([, , , x0, y0, x1, y1]) => [px(x0, y0), px(x1, y1)]), PICK_WITHIN);
  return wire && { wire: wire.index };
}

function onClick(ev) {
  const hit = under([ev.clientX, ev.clientY]);
  if (hit && hit.neuron !== undefined) {
    const [, , ell, j] = net.nodes[hit.neuron];
    view.emit("neuron", ell, j);
  } else if (hit) {
    const [ell, j, k] = net.wires[hit.wire];
    // a live page lets the user edit the weight; a report has no use for a pick
    if (view.emit("weight", ell, j, k, view.at("wires")[hit.wire])) mark(hit.wire);
  }
}

// The label by the pointer naming the weight of the wire a click would pick, and its
// value now (one label for the page, made when first needed).
function wireTip() {
  let tip = document.querySelector("[data-testid=wire-tip]");
  if (!tip) {
    tip = document.createElement("div");
    Object.assign(tip, { className: "wire-tip", hidden: true });
    tip.setAttribute("role", "tooltip");
    tip.dataset.testid = "wire-tip";
    document.body.append(tip);
  }
  return tip;
}

function onHover(ev) {
  const hit = net && under([ev.clientX, ev.clientY]), tip = wireTip();
  if (!hit || hit.wire === undefined) {
    tip.hidden = true;
    return;
  }
  const [ell, j, k] = net.wires[hit.wire];
  tip.innerHTML = weightText(ell, j, k, view.at("wires", view.state.t)[hit.wire]); // numbers only
  tip.dataset.weight = `${ell},${j},${k}`;
  Object.assign(tip.style, { left: `${ev.clientX + 14}px`, top: `${ev.clientY + 14}px` });
  tip.hidden = false;
}

// W^ℓ[j, k] chosen elsewhere (its layer, row and column typed in): highlight its wire, or
// none when the diagram does not draw it.
view.on("mark-weight", (ell, j, k) => {
  if (!net) return;
  const i = net.wires.findIndex((w) => w[0] === ell && w[1] === j && w[2] === k);
  mark(i < 0 ? null : i);
});

function wirePointer() {
  if (wired.has(el)) return;
  wired.add(el);
  el.addEventListener("click", onClick);
  const enter = () => {
    if (pointerOver) return;
    pointerOver = true;
    draw(view.state); // the hover texts of this moment
  };
  el.addEventListener("pointerenter", enter);
  el.addEventListener("pointermove", enter);
  el.addEventListener("pointermove", onHover);
  el.addEventListener("pointerleave", () => {
    pointerOver = false;
    wireTip().hidden = true;
  });
}

export function init(element, m) {
  el = element;
  net = m.network;
  if (!net) return false;
  forget(el); // a live page builds the panel again
  drawn = null;
  picked = null; // a new network: nothing picked in it
  draw(view.state);
  el.dataset.columns = net.columns.join("|");
  wirePointer();
  return true;
}

export function update(state, m) { // a live page's new moment
  net = m.network;
  if (picked !== null && picked >= net.wires.length) picked = null;
  el.dataset.columns = net.columns.join("|");
  draw(state);
}
