// The playground's entry point: its settings' controls (built from the schema Python
// embeds, #bpl-schema), its address (the settings live in the URL), and the WebSocket to
// this tab's training session. Python trains and computes every panel's arrays; the
// report's panel modules draw them (view.live).

import { arrayViews, base64Bytes } from "../../viz/web/unpack.js";
import { Plotly, config, usePlotly } from "../../viz/web/plot.js";
import { fixed, sci } from "../../viz/web/format.js";
import * as view from "../../viz/web/view.js";
import { buildControls, readControls, writeControls } from "./form.js";
import { confirmed, showDrawControl, wireDrawing } from "./draw.js";
import { editLayers, fromQuery, toQuery } from "./schema.js";
import * as stepper from "./stepper.js";
import * as confusion from "./confusion.js";
import { isTeacher, otherView, withView } from "./viewmode.js";

const $ = (id) => document.getElementById(id);
const json = (id) => JSON.parse($(id).textContent);
const SCHEMA = json("bpl-schema"), FIELDS = SCHEMA.fields, LIMITS = SCHEMA.limits;
const PANELS = json("bpl-panels");
const DATA = FIELDS.find((f) => f.name === "data"), POINTS = FIELDS.find((f) => f.kind === "points");
const TEACHER = isTeacher(location.search); // ?view=teacher: the teacher's view
let socket = null, defaults = SCHEMA.defaults, current = null, lastVersion = null, views = 0;
const heldFor = { gradcheck: null, nudge: null }; // the network each shown result holds for

// -- messages to the server ----------------------------------------------------------------
function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function say(text, kind) {
  const out = $("message");
  out.textContent = text;
  out.className = kind || "";
}

// Why training paused on its own (the loss became NaN or exploded), and what to try; null:
// nothing to explain.
function explain(m) {
  const box = $("divergence");
  box.textContent = m ? m.message : "";
  box.hidden = !m;
  if (m) Object.assign(box.dataset, { step: String(m.step), kind: m.kind });
  else for (const key of ["step", "kind"]) delete box.dataset[key];
}

function changed() {
  send({ type: "settings", settings: readControls(document, FIELDS, current) });
}

// A neuron more or less in each hidden layer: a + and a − per layer ℓ, from 1.
function layerButtons(n) {
  const parts = [];
  for (let ell = 1; ell <= n; ell++) {
    const group = document.createElement("span");
    group.className = "layer-edit";
    group.append(`layer ${ell} `);
    for (const [what, sign, word] of [["add-neuron", "+", "more"], ["remove-neuron", "−", "less"]]) {
      const b = document.createElement("button");
      Object.assign(b, { type: "button", textContent: sign });
      b.dataset.testid = `${what}-${ell}`;
      b.setAttribute("aria-label", `one neuron ${word} in hidden layer ${ell}`);
      b.addEventListener("click", () => edit(what, ell));
      group.append(b);
    }
    parts.push(group);
  }
  $("layer-neurons").replaceChildren(...parts);
}

// What a problem shows: a regression has no classes to discretize, and draws values.
function showProblem(s) {
  const regression = s.problem === "regression";
  $("discretize-label").hidden = regression;
  if (regression && $("discretize").checked) {
    $("discretize").checked = false;
    view.emit("discretize", false);
  }
  showDrawControl(document, s.problem, LIMITS.classes, POINTS.lo, POINTS.hi);
  document.body.dataset.problem = s.problem;
}

function show(s) {
  writeControls(document, FIELDS, s);
  showProblem(s);
  layerButtons(s.hidden.length);
  $("nudge-layer").max = String(s.hidden.length + 1);
}

function writeAddress(s) {
  const text = withView(toQuery(s, defaults), TEACHER);
  history.replaceState(null, "", text ? `?${text}` : location.pathname);
  showViewSwitch();
}

function showViewSwitch() {
  const link = otherView(location.search);
  $("view-switch").href = link.href;
  $("view-switch").textContent = link.text;
}

// -- what the server sends -----------------------------------------------------------------
function onView(m) {
  const meta = m.meta, fresh = m.fresh || lastVersion !== m.version;
  if (fresh) {
    for (const p of PANELS) $(`${p.id}-note`).textContent = meta.notes[p.id];
    $("hidden-space-heading").textContent = `: ${meta.hidden.heading}`;
  }
  view.live(document, meta, arrayViews(base64Bytes(m.data), m.arrays), fresh);
  lastVersion = m.version;
  stepper.follow(m);
  confusion.show(meta.confusion);
  const st = m.status;
  $("epoch").textContent = String(st.epochs);
  $("steps").textContent = String(st.steps);
  for (const [id, loss] of [["train-loss", st.train_loss], ["test-loss", st.test_loss]]) {
    $(id).textContent = fixed(loss); // rounded to read; the full value to check against
    if (loss === null || loss === undefined) delete $(id).dataset.value;
    else $(id).dataset.value = String(loss);
  }
  $("play").setAttribute("aria-pressed", String(st.running));
  clearStale(st.network);
  views += 1;
  Object.assign(document.body.dataset, { views: String(views), sizes: st.sizes.join(","), ready: "true" });
  requestAnimationFrame(() => send({ type: "drawn" })); // ready for the next view
}

// A result for an older network is cleared, and says so (a view of a newer network: a new
// one, or a weight edited by hand; a view computed before the result may still come).
function clearStale(network) {
  if (heldFor.gradcheck !== null && network > heldFor.gradcheck) {
    $("gradcheck-table").replaceChildren();
    $("gradcheck-result").textContent = "";
    delete $("gradcheck-result").dataset.verdict;
    $("gradcheck-network").textContent = "The network changed since the last check: check again.";
    heldFor.gradcheck = null;
  }
  if (heldFor.nudge !== null && network > heldFor.nudge) {
    Plotly.purge($("nudge-plot"));
    delete $("nudge-plot").dataset.slope;
    delete $("nudge-plot").dataset.gradient;
    $("nudge-network").textContent = "The network changed since this nudge: nudge again.";
    heldFor.nudge = null;
  }
}

function holds(what, m) {
  heldFor[what] = m.network;
  $(`${what}-network`).textContent = `For ${m.network_text}.`;
  $(`${what}-network`).dataset.network = String(m.network);
}

function onGradcheck(m) {
  holds("gradcheck", m);
  const rows = [["layer ℓ", "W rel. error", "b rel. error"]];
  m.layers.forEach(([w, b], i) => rows.push([String(i + 1), sci(w), sci(b)]));
  $("gradcheck-table").replaceChildren(...rows.map((r, i) => {
    const tr = document.createElement("tr");
    for (const v of r) {
      const cell = document.createElement(i ? "td" : "th");
      cell.textContent = v;
      tr.append(cell);
    }
    return tr;
  }));
  $("gradcheck-result").textContent = m.text;
  $("gradcheck-result").dataset.verdict = m.verdict;
  say(`gradient check ${m.verdict} on ${m.samples} samples: relative error ${sci(m.relative_error)}`,
    m.passed ? "" : "error");
}

function onNudge(m) {
  holds("nudge", m);
  const w = m.amounts.map((a) => m.value + a);
  const c0 = m.cost[Math.floor(m.cost.length / 2)]; // the amount 0 is in the middle
  const tangent = w.map((x) => c0 + m.gradient * (x - m.value));
  Plotly.react($("nudge-plot"), [
    { type: "scatter", mode: "lines+markers", name: "C(w)", x: w, y: m.cost, marker: { size: 4 } },
    { type: "scatter", mode: "lines", name: `tangent, slope ∂C/∂w = ${m.gradient.toPrecision(4)} (backprop)`,
      x: w, y: tangent, line: { dash: "dash", color: "#d62728" } },
    { type: "scatter", mode: "markers", name: `now: w = ${m.value.toPrecision(4)}`, x: [m.value], y: [c0],
      marker: { size: 10, color: "#000" } },
  ], { height: 320, margin: { l: 60, r: 10, t: 30, b: 40 }, title: { text: `${m.name} on ${m.samples} samples` },
       xaxis: { title: { text: m.name } }, yaxis: { title: { text: "cost C" } },
       legend: { x: 0, y: 1, bgcolor: "rgba(255,255,255,0.7)" } }, config);
  $("nudge-plot").dataset.slope = String(m.slope);
  $("nudge-plot").dataset.gradient = String(m.gradient);
}

function download(m) {
  const url = URL.createObjectURL(new Blob([base64Bytes(m.data)], { type: m.mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = m.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  say(`downloaded ${m.name}`);
}

function onMessage(ev) {
  const m = JSON.parse(ev.data);
  if (m.type === "view") onView(m);
  else if (m.type === "hello") {
    defaults = m.settings;
    current = fromQuery(FIELDS, defaults, location.search);
    show(current);
    send({ type: "settings", settings: current });
  } else if (m.type === "settings") {
    current = m.settings;
    show(current);
    writeAddress(current);
    if (current.data !== "csv") $("csv").value = ""; // the chooser forgets a CSV no longer used
    usable(m.usable);
    confirmed(current);
  } else if (m.type === "error") say(m.message, "error");
  else if (m.type === "info") say(m.message);
  else if (m.type === "diverged") explain(m);
  else if (m.type === "gradcheck") onGradcheck(m);
  else if (m.type === "nudge") onNudge(m);
  else if (m.type === "file") download(m);
  else if (m.type === "backprop") stepper.show(m);
}

// The feature boxes the data allows stay enabled; the others are disabled, and say why.
function usable(names) {
  const boxes = [...document.querySelectorAll('input[name="features"]')];
  for (const box of boxes) box.disabled = !names.includes(box.value);
  const off = boxes.filter((b) => b.disabled).map((b) => b.parentElement.textContent.trim());
  $("features-note").textContent = off.length ?
    `The data has one input, x₁: ${off.join(", ")} would be 0 or constant, so they are off.` : "";
}

// -- the network's structure buttons and the weight tools ------------------------------------
function edit(what, layer) {
  const s = readControls(document, FIELDS, current), out = editLayers(s.hidden, what, LIMITS, layer);
  if (out.error) return say(out.error, "error");
  $("hidden").value = out.hidden.join(",");
  return changed();
}

view.on("weight", (ell, j, k, value) => {
  $("nudge-layer").value = String(ell);
  $("nudge-j").value = String(j);
  $("nudge-k").value = String(k);
  $("weight-value").value = value.toPrecision(6);
  say(`picked W${ell}[${j}, ${k}] = ${value.toPrecision(4)}: nudge it, or type a new value and set it`);
  $("weight-value").focus();
});

function weightMessage(type) {
  return { type, layer: Number($("nudge-layer").value), j: Number($("nudge-j").value), k: Number($("nudge-k").value) };
}

function wire() {
  // the message line speaks of the last action only: the next one clears it (capturing:
  // before the action's own handler, which may say something new)
  const quiet = () => {
    say("");
    explain(null);
  };
  document.addEventListener("click", (ev) => {
    if (ev.target.closest("button")) quiet();
  }, true);
  document.addEventListener("change", quiet, true);
  for (const f of FIELDS) {
    if (!f.group) continue;
    if (f.kind === "features") for (const c of document.querySelectorAll(`input[name="${f.name}"]`)) c.addEventListener("change", changed);
    else $(f.name).addEventListener("change", changed);
  }
  for (const name of ["play", "pause", "step", "reset", "gradcheck"]) {
    $(name).addEventListener("click", () => send({ type: name }));
  }
  $("regenerate").addEventListener("click", () => {
    const s = readControls(document, FIELDS, current);
    send({ type: "settings", settings: { ...s, data_seed: (current.data_seed + 1) % 2147483647 } });
  });
  for (const what of ["add-layer", "remove-layer", "add-neuron", "remove-neuron"]) {
    $(what).addEventListener("click", () => edit(what));
  }
  $("log-steps").addEventListener("change", () => view.emit("log-steps", $("log-steps").checked));
  $("discretize").addEventListener("change", () => view.emit("discretize", $("discretize").checked));
  for (const f of ["nudge-layer", "nudge-j", "nudge-k"]) { // typed in: its wire is highlighted too
    $(f).addEventListener("input", () => {
      const m = weightMessage("mark");
      view.emit("mark-weight", m.layer, m.j, m.k);
    });
  }
  $("nudge").addEventListener("click", () => send(weightMessage("nudge")));
  $("set-weight").addEventListener("click", () => send({ ...weightMessage("edit"), value: Number($("weight-value").value) }));
  for (const what of ["model", "report", "script"]) {
    $(`export-${what}`).addEventListener("click", () => send({ type: "export", what }));
  }
  wireDrawing(document, { settings: () => readControls(document, FIELDS, current), say, most: LIMITS.drawn,
    apply: (s) => send({ type: "settings", settings: s }), home: (s) => DATA.byProblem[s.problem][0] });
  $("csv").addEventListener("change", async () => {
    const file = $("csv").files[0];
    if (!file) return;
    if (file.size > LIMITS.csv) return say(`the CSV is larger than ${LIMITS.csv / 1024} KB`, "error");
    send({ type: "csv", text: await file.text() });
  });
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", () => {
    say("the connection to the server closed: reload the page to start again", "error");
    document.body.dataset.closed = "true";
  });
}

async function main() {
  usePlotly(globalThis.Plotly); // (a classic script before this module: plotly.js)
  const modules = await Promise.all(PANELS.map((p) => import(p.module)));
  modules.forEach((m, i) => view.addPanel(PANELS[i].id, m));
  buildControls(document, FIELDS);
  stepper.init(send);
  document.body.classList.toggle("teacher", TEACHER);
  showViewSwitch();
  current = { ...defaults };
  wire();
  connect();
}

main().catch((err) => {
  console.error(err);
  document.body.dataset.ready = "failed";
});
