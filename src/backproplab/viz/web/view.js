// What every panel shows: the data, the moment, the samples marked; and the panels
// themselves. A page has one instance of this module (ES modules are shared), so panels
// share it by importing it; they call each other through named events (`on`, `emit`).

import { row } from "./unpack.js";
import { clampMoment } from "./ranges.js";

export const state = { t: 0, selected: null, hovered: null };
export const data = { meta: null, arr: null, byClass: [], live: false };

const panels = []; // {id, el, active, started, init, draw, update}
const handlers = new Map();

/** Call `fn` on every `emit(name, …)`. */
export function on(name, fn) {
  if (!handlers.has(name)) handlers.set(name, []);
  handlers.get(name).push(fn);
}

/** Tell the handlers of `name`; whether any was there. */
export function emit(name, ...args) {
  const fns = handlers.get(name) || [];
  for (const fn of fns) fn(...args);
  return fns.length > 0;
}

/** Add a panel: `spec` has the panel module's `init(el, meta)`, `draw(state)` and,
 * optionally, `update(state, meta)` (a live page's new moment on the same data). */
export function addPanel(id, spec) {
  panels.push({ id, el: null, active: false, started: false, ...spec });
}

/** The sample indices of each class (none for a regression: no classes, y its values). */
export function classMembers(classes, y) {
  const members = classes.map(() => []);
  if (!classes.length) return members;
  y.forEach((c, i) => members[c].push(i));
  return members;
}

function setData(meta, arr) {
  data.meta = meta;
  data.arr = arr;
  data.byClass = classMembers(meta.classes, arr.y);
}

/** Moment t (by default the one shown) of the array `name`, whose rows are moments. */
export function at(name, t = state.t) {
  return row(data.arr[name], t, data.meta.step.length);
}

/** The samples to mark: selected, then hovered (once each). */
export function marked() {
  return [state.selected, state.hovered].filter((i, k, all) => i !== null && all.indexOf(i) === k);
}

function show(p) {
  p.el.dataset.moment = String(state.t);
  p.el.dataset.marked = marked().join(",");
}

/** Redraw every panel (but the one with id `except`, where the pointer is). */
export function redraw(except) {
  const t0 = performance.now();
  for (const p of panels) {
    if (!p.active) continue;
    if (p.id !== except) p.draw(state);
    show(p);
  }
  emit("drawn", performance.now() - t0);
}

/** Show moment t (clamped to the moments there are). */
export function setTime(t) {
  state.t = clampMoment(t, data.meta.step.length);
  emit("time", state.t);
  redraw();
}

export function select(i) {
  state.selected = i;
  emit("select", i);
  redraw();
}

export function hover(i, source) {
  if (state.hovered === i) return;
  state.hovered = i;
  redraw(source);
}

/** The sample under the pointer in a Plotly event: the first point whose customdata is a
 * sample index; null for none. */
export function sampleAt(ev) {
  const p = ev.points.find((q) => typeof q.customdata === "number");
  return p ? p.customdata : null;
}

/** Link a Plotly panel's points to the marked samples: a click selects the sample under
 * the pointer, hovering marks it while the pointer is there. */
export function linkSamples(el, id) {
  el.on("plotly_click", (ev) => {
    const i = sampleAt(ev);
    if (i !== null) select(i);
  });
  el.on("plotly_hover", (ev) => {
    const i = sampleAt(ev);
    if (i !== null) hover(i, id);
  });
  el.on("plotly_unhover", () => hover(null, id));
}

/** Start the panels found in `root` (a document) on a report's data; `setTime` then
 * draws the first moment. */
export function start(root, meta, arr) {
  setData(meta, arr);
  state.t = 0;
  for (const p of panels) {
    p.el = root.getElementById(p.id);
    p.active = Boolean(p.el);
    if (p.active) p.active = p.init(p.el, meta) !== false;
    performance.mark(`bpl-init-${p.id}`);
  }
}

const PLOTLY_EVENTS = ["plotly_click", "plotly_hover", "plotly_unhover", "plotly_relayout"];

/** A live page's new moment. `fresh`: the data or the network's shape changed, so every
 * panel is built anew; otherwise each panel redraws from the new arrays (its `update`),
 * moving what it drew instead of rebuilding it. */
export function live(root, meta, arr, fresh) {
  data.live = true;
  setData(meta, arr);
  state.t = 0;
  if (state.selected !== null && state.selected >= meta.n_samples) state.selected = null;
  state.hovered = null;
  const t0 = performance.now();
  for (const p of panels) {
    p.el = p.el || root.getElementById(p.id);
    if (!p.el) continue;
    if (fresh || !p.started) {
      // Drawn anew by Plotly.react (a purge could cut a pending WebGL frame short); the
      // panel's init adds its Plotly event handlers again.
      if (p.el.removeAllListeners) for (const name of PLOTLY_EVENTS) p.el.removeAllListeners(name);
      p.started = true;
      p.active = p.init(p.el, meta) !== false;
    } else if (p.active) {
      if (p.update) p.update(state, meta);
      else p.draw(state);
    }
    if (p.active) show(p);
  }
  emit("drawn", performance.now() - t0);
}
