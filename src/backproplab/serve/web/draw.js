// Drawing one's own data on the input space: while the draw button is down, a press on
// the plot area adds a point of the chosen class, a shift-click removes the nearest one;
// "clear" empties the set. The points are the "points" setting (data "drawn"): the page
// sends the settings, the server builds the data and the network from them.

import { addPoint, drawControl, removeNearest, toData } from "./points.js";

// The set as last drawn here, until the server's settings show it: clicks faster than
// the server answers build on each other, not on the settings in force.
let unconfirmed = null;

/** The server's settings `s` arrived: a drawn set they hold is confirmed. */
export function confirmed(s) {
  if (unconfirmed && JSON.stringify(s.points) === JSON.stringify(unconfirmed)) unconfirmed = null;
}

let spec = null; // what the control of a new point's class or value is now (drawControl)

/** Show the control of a new point's class or value for `problem` (a select of `classes`,
 * or a number box from `lo` to `hi`), rebuilt only when the problem changes it. */
export function showDrawControl(root, problem, classes, lo, hi) {
  const want = drawControl(problem, classes, lo, hi), el = root.getElementById("draw-class");
  root.getElementById("draw-class-label").textContent = want.label;
  root.getElementById("draw-note").textContent = `While drawing, a click on the plot adds a point ${want.what} and `
    + "a shift-click removes the nearest; drawn points are all training points (no test split) and stay in the address.";
  spec = want;
  if (el.tagName.toLowerCase() === want.tag) return;
  const fresh = root.createElement(want.tag);
  for (const [k, v] of Object.entries(want.attrs)) fresh.setAttribute(k, v);
  for (const [value, text] of want.options) {
    const o = root.createElement("option");
    Object.assign(o, { value, textContent: text });
    fresh.append(o);
  }
  el.replaceWith(fresh);
}

/** Wire the draw controls of `root` (a document). `settings()`: the settings in force;
 * `apply(s)`: send settings `s`; `say(text, kind)`: the message line; `most`: the
 * largest number of points; `home(s)`: the data set that takes over when no point is left. */
export function wireDrawing(root, { settings, apply, say, most, home }) {
  const $ = (id) => root.getElementById(id), plotEl = $("input-space"), button = $("draw");
  const drawing = () => button.getAttribute("aria-pressed") === "true";
  button.addEventListener("click", () => {
    const on = !drawing();
    button.setAttribute("aria-pressed", String(on));
    plotEl.classList.toggle("drawing", on);
    if (on) say(`click on the input space to add a point ${spec ? spec.what : "of the chosen class"}; shift-click removes one`);
  });
  $("draw-clear").addEventListener("click", () => {
    const s = settings();
    if (s.data !== "drawn") return say("no drawn points to clear");
    unconfirmed = null;
    apply({ ...s, data: home(s), points: [] }); // nothing drawn: back to a data set
    return say("the drawn points are cleared: press draw and click to start a new set");
  });
  // Caught on the way down to the plot area (capturing), before plotly.js: while drawing,
  // a press there draws, and neither zooms nor counts towards a double click's autoscale.
  const inArea = (ev) => drawing() && plotEl.layout && ev.target.closest(".nsewdrag");
  plotEl.addEventListener("pointerdown", (ev) => {
    if (inArea(ev)) ev.stopPropagation();
  }, true);
  plotEl.addEventListener("mousedown", (ev) => {
    const area = inArea(ev);
    if (!area) return;
    ev.stopPropagation();
    ev.preventDefault();
    const { xaxis, yaxis } = plotEl.layout;
    const at = toData(ev.clientX, ev.clientY, area.getBoundingClientRect(), xaxis.range, yaxis.range);
    if (!at) return;
    const s = settings(), old = unconfirmed || (s.data === "drawn" ? s.points : []);
    const points = ev.shiftKey ? removeNearest(old, at[0], at[1], xaxis.range, yaxis.range)
      : addPoint(old, at[0], at[1], $("draw-class").value === "" ? NaN : Number($("draw-class").value), most);
    if (points.error) return say(points.error, "error");
    if (points === old) return say("no drawn point near there to remove");
    unconfirmed = points.length ? points : null;
    if (!points.length) return apply({ ...s, data: home(s), points: [] });
    return apply({ ...s, data: "drawn", points });
  }, true);
}
