// The report's moment controls: the time slider, play and step buttons, the arrow keys,
// and the marked-sample box.

import { momentText } from "./format.js";
import * as view from "./view.js";

const FPS = 12;
let timer = null;

function play(on) {
  const button = document.getElementById("play");
  clearInterval(timer);
  timer = null;
  button.textContent = on ? "❚❚ pause" : "▶ play";
  button.setAttribute("aria-pressed", String(on));
  if (!on) return;
  const last = view.data.meta.step.length - 1;
  if (view.state.t >= last) view.setTime(0);
  timer = setInterval(() => {
    if (view.state.t >= last) play(false);
    else view.setTime(view.state.t + 1);
  }, 1000 / FPS);
}

/** Wire the controls in `root` (a document) to the view; a page without them (the
 * hidden-space page has no sample box) wires what it has. */
export function wireControls(root) {
  const slider = root.getElementById("time"), meta = view.data.meta;
  slider.max = String(meta.step.length - 1);
  slider.addEventListener("input", () => view.setTime(Number(slider.value)));
  view.on("time", (t) => {
    slider.value = String(t);
    root.getElementById("moment").textContent = momentText(meta, t);
  });
  root.getElementById("play").addEventListener("click", () => play(timer === null));
  root.getElementById("back").addEventListener("click", () => view.setTime(view.state.t - 1));
  root.getElementById("forward").addEventListener("click", () => view.setTime(view.state.t + 1));
  root.addEventListener("keydown", (e) => {
    const tag = e.target.tagName;
    if (e.target === slider || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    if (e.key === "ArrowRight") view.setTime(view.state.t + 1);
    else if (e.key === "ArrowLeft") view.setTime(view.state.t - 1);
    else return;
    e.preventDefault();
  });
  const box = root.getElementById("sample");
  if (!box) return;
  box.max = String(meta.n_samples - 1);
  box.addEventListener("change", () => {
    const i = box.value === "" ? null : Number(box.value);
    view.select(i !== null && Number.isInteger(i) && i >= 0 && i < meta.n_samples ? i : null);
  });
  view.on("select", (i) => {
    box.value = i === null ? "" : String(i);
  });
}
