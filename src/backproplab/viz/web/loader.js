// Unpacks what Python embedded in the page, then starts the panels.
// Two <script type="application/octet-stream"> tags hold gzip-compressed, base64 text: plotly.js
// (shipped by the plotly Python package) and the run's arrays. The arrays' names, dtypes and
// shapes are in <script type="application/json" id="bpl-meta">.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });

  function base64Bytes(text) {
    const s = atob(text.trim());
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  async function gunzip(id) {
    const bytes = base64Bytes(document.getElementById(id).textContent);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  const TYPES = { float32: Float32Array, uint8: Uint8Array, int32: Int32Array };

  function views(buffer, header) {
    const arr = {};
    for (const [name, h] of Object.entries(header)) {
      const size = h.shape.reduce((p, q) => p * q, 1);
      arr[name] = new TYPES[h.dtype](buffer, h.offset, size);
      arr[name].shape = h.shape;
    }
    return arr;
  }

  async function load() {
    performance.mark("bpl-start");
    const plotly = new TextDecoder().decode(await gunzip("bpl-plotly"));
    performance.mark("bpl-plotly-unpacked");
    const script = document.createElement("script");
    script.textContent = plotly; // runs at once, as a classic script: defines window.Plotly
    document.head.append(script);
    performance.mark("bpl-plotly-ready");
    const meta = JSON.parse(document.getElementById("bpl-meta").textContent);
    const arr = views(await gunzip("bpl-data"), meta.arrays);
    performance.mark("bpl-data-ready");
    BPL.start(meta, arr);
  }

  load().catch((err) => {
    console.error(err);
    document.body.dataset.ready = "failed";
  });
})();
