// The backpropagation stepper's section: pick a sample (its number, or a click on a point:
// the shared view's "select"), ask the server for its steps (a "backprop" message), and
// show one step at a time: the equation with its numbers, and every value revealed so far
// in a column per layer. Python computes every number (backproplab.serve.stepper); this
// module writes them down. After each view of the session it asks again, so the panel
// follows the network as it trains or changes.

import { Plotly } from "../../viz/web/plot.js";
import * as view from "../../viz/web/view.js";
import { highlightLayer, holdsText, keepStep, newAt, positionText, revealed, short, symbol, targetText }
  from "./steps.js";

const $ = (id) => document.getElementById(id);
const RETRY_MS = 2000; // a request unanswered this long (an error instead) may go again
let send = null, sample = null, result = null, k = 0;
let asked = -Infinity, again = false; // when the last request went; a view came meanwhile

function element(tag, attrs = {}, text = "") {
  const el = document.createElement(tag);
  for (const [key, v] of Object.entries(attrs)) el.setAttribute(key, v);
  if (text) el.textContent = text;
  return el;
}

function request() {
  if (sample === null) return;
  if (performance.now() - asked < RETRY_MS) {
    again = true; // one request at a time: the next goes when this one is answered
    return;
  }
  asked = performance.now();
  send({ type: "backprop", sample });
}

function clear(note) {
  result = null;
  k = 0;
  $("bp-holds").textContent = note;
  for (const id of ["bp-equation", "bp-layers", "bp-target", "bp-position"]) $(id).replaceChildren();
  $("bp-target").removeAttribute("data-value");
  $("bp-prev").disabled = $("bp-next").disabled = true;
  highlight(null);
}

// The current layer, shaded on the network diagram (a shape of its own, put back when a
// fresh view has redrawn the diagram without it).
function highlight(layer) {
  const el = $("network-diagram");
  if (!el || !el.layout || !Plotly) return;
  const want = layer === null ? [] : [{ type: "rect", xref: "x", yref: "paper", x0: layer - 0.4, x1: layer + 0.4,
    y0: 0, y1: 1, fillcolor: "rgba(255, 190, 0, 0.22)", line: { width: 0 }, layer: "below" }];
  const have = el.layout.shapes || [];
  if (JSON.stringify(have.map((s) => s.x0)) !== JSON.stringify(want.map((s) => s.x0))) Plotly.relayout(el, { shapes: want });
  if (layer === null) delete el.dataset.bpLayer;
  else el.dataset.bpLayer = String(layer);
}

function cell(v, fresh) {
  const out = element("span", { "data-testid": "bp-value", "data-layer": String(v.layer),
    "data-neuron": String(v.neuron), "data-quantity": v.quantity, "data-value": String(v.value),
    class: fresh ? "bp-value new" : "bp-value", title: String(v.value) });
  out.textContent = `${symbol(v.quantity)} = ${short(v.value)}`;
  return out;
}

function render() {
  const step = result.steps[k], fresh = newAt(result, k), values = revealed(result, k);
  const eq = $("bp-equation");
  eq.replaceChildren(element("h3", {}, step.title), element("p", { class: "bp-general" }, step.equation));
  const list = element("ul");
  for (const line of step.lines) list.append(element("li", {}, line));
  eq.append(list);
  eq.dataset.kind = step.kind;
  eq.dataset.layer = String(step.layer);
  const columns = result.a.map((layer, ell) => {
    const col = element("div", { class: ell === step.layer && highlightLayer(step) !== null ? "bp-layer current" : "bp-layer",
      "data-layer": String(ell) });
    col.append(element("h4", {}, ell === 0 ? "layer 0 (input)" : `layer ${ell}`));
    layer.forEach((_, j) => {
      const box = element("div", { class: "bp-neuron" });
      box.append(element("span", { class: "bp-name" }, `neuron ${j + 1}`));
      for (const v of values) if (v.layer === ell && v.neuron === j + 1) box.append(cell(v, fresh.has(`${v.quantity}:${ell}`)));
      col.append(box);
    });
    return col;
  });
  $("bp-layers").replaceChildren(...columns);
  $("bp-position").textContent = positionText(k, result.steps.length);
  $("bp-prev").disabled = k === 0;
  $("bp-next").disabled = k === result.steps.length - 1;
  const target = $("bp-target");
  target.dataset.value = result.target.map(String).join(",");
  target.textContent = targetText(result);
  $("backprop-stepper").dataset.step = String(k);
  highlight(highlightLayer(step));
}

/** A "backprop" message: the steps of the chosen sample at the network's weights now. */
export function show(m) {
  if (m.sample !== sample) return; // an answer for a sample no longer chosen
  asked = -Infinity;
  k = keepStep(result, m, k);
  result = m;
  const box = $("backprop-stepper");
  Object.assign(box.dataset, { sample: String(m.sample), atStep: String(m.at_step), version: String(m.version) });
  delete box.dataset.stale;
  $("bp-holds").textContent = holdsText(m);
  render();
  if (again) {
    again = false;
    request();
  }
}

/** After each view: ask again for the chosen sample (the network may have changed); a
 * sample the data no longer has clears the panel. */
export function follow(m) {
  const box = $("backprop-stepper");
  $("sample").max = String(m.meta.n_samples - 1);
  if (sample !== null && sample >= m.meta.n_samples) {
    sample = null;
    $("sample").value = "";
    clear("The data changed and that sample is gone: pick a sample.");
    return;
  }
  if (result && m.version !== result.version) {
    box.dataset.stale = "true";
    $("bp-holds").textContent = `The network changed (now [${m.status.sizes.join(", ")}]): recomputing…`;
  }
  if (result) highlight(highlightLayer(result.steps[k])); // a fresh diagram lost the shade
  request();
}

function choose(i) {
  sample = i;
  k = 0;
  result = null;
  asked = -Infinity;
  if (i === null) return clear("Pick a sample: type its number, or click a point in the input space.");
  $("sample").value = String(i);
  $("bp-holds").textContent = `sample ${i}: computing…`;
  return request();
}

function move(by) {
  if (!result) return;
  k = Math.max(0, Math.min(result.steps.length - 1, k + by));
  render();
}

/** Wire the section's controls; `sendMessage(message)` goes to the server. */
export function init(sendMessage) {
  send = sendMessage;
  const box = $("sample");
  box.addEventListener("change", () => {
    const i = box.value === "" ? null : Number(box.value), n = view.data.meta ? view.data.meta.n_samples : 0;
    view.select(i !== null && Number.isInteger(i) && i >= 0 && i < n ? i : null);
  });
  view.on("select", (i) => {
    if (i !== sample) choose(i);
  });
  $("bp-next").addEventListener("click", () => move(1));
  $("bp-prev").addEventListener("click", () => move(-1));
  $("backprop-stepper").addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT") return;
    if (e.key === "ArrowRight") move(1);
    else if (e.key === "ArrowLeft") move(-1);
    else return;
    e.preventDefault();
  });
  clear("Pick a sample: type its number, or click a point in the input space.");
}
