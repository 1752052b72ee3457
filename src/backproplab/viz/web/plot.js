// Drawing with plotly.js: the library (from the plotly Python package, loaded by the page
// before its modules start), its configuration, and redraws that move what changed.

/** plotly.js, once the page has handed it over (`usePlotly`). */
export let Plotly = null;

export function usePlotly(lib) {
  Plotly = lib;
}

// WebGL panels drawn at the screen's own pixel density (plotly.js draws them at twice it by
// default: four times the pixels for no gain on an ordinary screen).
export const config = {
  displaylogo: false,
  responsive: true,
  plotGlPixelRatio: Math.max(1, globalThis.devicePixelRatio || 1),
};

const drawn = new WeakMap(); // element → {shape, data, layoutKey} of its last figure

/** The identity of a figure's traces: same types, names and marked samples. */
export function traceShape(data) {
  return data.map((d) => `${d.type}:${d.name}:${d.name === "marked sample" ? d.customdata : ""}`).join("|");
}

/** Forget what was drawn in `el`: its next figure is drawn anew. */
export function forget(el) {
  drawn.delete(el);
}

/** Draw a figure. When its traces are the ones drawn last time (`traceShape`), only what
 * changed is sent: the coordinates and texts of traces that are new objects (a trace
 * passed again as the same object is left as it is), and the layout keys in
 * `layoutUpdate` if they differ from the last ones sent. Plotly then moves what it drew
 * instead of rebuilding the figure (and a figure where nothing changed costs nothing).
 * Anything else is drawn anew. */
export function plot(el, data, layout, layoutUpdate) {
  const shape = traceShape(data), last = drawn.get(el);
  const layoutKey = JSON.stringify(layoutUpdate || {});
  if (last && last.shape === shape) {
    const traces = data.map((_, i) => i).filter((i) => data[i] !== last.data[i]);
    const update = {};
    for (const key of ["x", "y", "z", "text"]) {
      if (traces.some((i) => data[i][key] !== undefined)) update[key] = traces.map((i) => data[i][key]);
    }
    const relayout = layoutKey === last.layoutKey ? {} : layoutUpdate || {};
    if (traces.length) Plotly.update(el, update, relayout, traces);
    else if (Object.keys(relayout).length) Plotly.relayout(el, relayout);
  } else {
    Plotly.react(el, data, layout, config);
  }
  drawn.set(el, { shape, data, layoutKey });
}
