// The report's entry point: unpacks what Python embedded in the page, loads plotly.js and
// the panels the page lists, and starts them.
//
// <script type="application/octet-stream"> tags hold gzip-compressed base64 text: plotly.js
// (shipped by the plotly Python package) and the run's arrays; the arrays' names, dtypes
// and shapes are in the JSON of #bpl-meta, the panels (id and module) in #bpl-panels.

import { base64Bytes, gunzip, unpack } from "./unpack.js";
import { usePlotly } from "./plot.js";
import { wireControls } from "./controls.js";
import * as view from "./view.js";

const text = (id) => document.getElementById(id).textContent;

// plotly.js is a classic script (it defines its own global, Plotly): run as one.
async function loadPlotly() {
  const source = new TextDecoder().decode(await gunzip(base64Bytes(text("bpl-plotly"))));
  const script = document.createElement("script");
  script.textContent = source; // runs at once, as the element is added
  document.head.append(script);
  usePlotly(globalThis.Plotly);
}

async function main() {
  performance.mark("bpl-start");
  const panels = JSON.parse(text("bpl-panels"));
  const modules = Promise.all(panels.map((p) => import(p.module)));
  await loadPlotly();
  performance.mark("bpl-plotly-ready");
  const meta = JSON.parse(text("bpl-meta"));
  const arr = await unpack(meta.arrays, text("bpl-data"), true);
  performance.mark("bpl-data-ready");
  (await modules).forEach((m, i) => view.addPanel(panels[i].id, m));
  view.on("drawn", (ms) => {
    document.body.dataset.drawMs = ms.toFixed(1);
  });
  view.start(document, meta, arr);
  wireControls(document);
  view.setTime(0);
  performance.mark("bpl-ready");
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  console.error(err);
  document.body.dataset.ready = "failed";
});
