// Input space at the current moment. 2-D inputs: the data over the network's decision
// regions; 1-D inputs: the input-to-output curve; more features: the data through one fixed
// PCA of the inputs, each sample marked where the network misclassifies it at this moment.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let el, meta;

  function colorscale() {
    const c = meta.colors, inp = meta.input;
    if (inp.regionKind === "class") {
      const k = meta.classes.length, scale = [];
      for (let i = 0; i < k; i++) {
        scale.push([i / k, c[i % c.length]], [(i + 1) / k, c[i % c.length]]);
      }
      return scale;
    }
    return [[0, c[0]], [0.5, "#ffffff"], [1, c[1 % c.length]]];
  }

  function regionTraces(t) {
    const inp = meta.input, G = inp.gx.length, R = BPL.at(BPL.arr.regions, t);
    const z = Array.from({ length: G }, (_, i) => Array.from(R.subarray(i * G, (i + 1) * G)));
    const k = meta.classes.length;
    const heat = { type: "heatmap", x: inp.gx, y: inp.gy, z, colorscale: colorscale(),
      zmin: inp.regionKind === "class" ? -0.5 : 0, zmax: inp.regionKind === "class" ? k - 0.5 : 65535,
      opacity: 0.4, showscale: false, hoverinfo: "skip", zsmooth: inp.regionKind === "class" ? false : "best" };
    const traces = [heat];
    if (inp.regionKind === "output") {
      traces.push({ type: "contour", x: inp.gx, y: inp.gy, z, showscale: false, hoverinfo: "skip",
        contours: { start: 32767.5, end: 32767.5, size: 1, coloring: "none" },
        line: { color: "#222", width: 2 }, name: "decision boundary" });
    }
    return traces;
  }

  function pointTraces(t) {
    const X = BPL.arr.Xin, c = meta.colors;
    const traces = meta.classes.map((name, k) => {
      const idx = BPL.byClass[k];
      return { type: "scatter", mode: "markers", name: `class ${name}`, customdata: idx,
        x: idx.map((i) => X[2 * i]), y: idx.map((i) => X[2 * i + 1]),
        hovertemplate: `sample %{customdata}<extra>class ${name}</extra>`,
        marker: { size: 6, color: c[k % c.length], line: { color: "#fff", width: 0.5 } } };
    });
    if (meta.input.mode === "pca") {
      const pred = BPL.at(BPL.arr.pred, t), y = BPL.arr.y, wrong = [];
      for (let i = 0; i < y.length; i++) if (pred[i] !== y[i]) wrong.push(i);
      traces.push({ type: "scatter", mode: "markers", name: "misclassified now", customdata: wrong,
        x: wrong.map((i) => X[2 * i]), y: wrong.map((i) => X[2 * i + 1]), hoverinfo: "skip",
        marker: { symbol: "x-thin-open", size: 9, color: "#000" } });
    }
    return traces;
  }

  function curveTraces(t) {
    const X = BPL.arr.Xin, out = BPL.at(BPL.arr.sampleOut, t), order = Array.from(BPL.arr.order);
    const idx = Array.from({ length: BPL.arr.y.length }, (_, i) => i);
    return [
      { type: "scatter", mode: "markers", name: "targets", x: idx.map((i) => X[2 * i]),
        y: idx.map((i) => X[2 * i + 1]), customdata: idx, marker: { size: 4, color: "#999" },
        hovertemplate: "sample %{customdata}<extra>target</extra>" },
      { type: "scatter", mode: "lines", name: "network output", x: order.map((i) => X[2 * i]),
        y: order.map((i) => out[i]), line: { color: "#d62728", width: 3 }, hoverinfo: "skip" },
    ];
  }

  function markedTrace(t) {
    const marked = BPL.marked();
    if (!marked.length) return [];
    const X = BPL.arr.Xin;
    let ys = marked.map((i) => X[2 * i + 1]);
    if (meta.input.mode === "curve") {
      const out = BPL.at(BPL.arr.sampleOut, t);
      ys = marked.map((i) => out[i]);
    }
    return [{ type: "scatter", mode: "markers", name: "marked sample", customdata: marked,
      x: marked.map((i) => X[2 * i]), y: ys, hovertemplate: "sample %{customdata}<extra>marked</extra>",
      marker: { size: 15, color: "rgba(0,0,0,0)", line: { color: "#000", width: 3 } } }];
  }

  function draw(state) {
    const t = state.t, inp = meta.input;
    let data;
    if (inp.mode === "curve") data = curveTraces(t);
    else if (inp.mode === "plane") data = [...regionTraces(t), ...pointTraces(t)];
    else data = pointTraces(t);
    data.push(...markedTrace(t));
    const layout = { uirevision: "input", height: 460, margin: { l: 60, r: 10, t: 10, b: 50 },
      xaxis: { title: { text: inp.labels[0] }, range: inp.xrange, autorange: false },
      yaxis: { title: { text: inp.labels[1] }, range: inp.yrange, autorange: false },
      legend: { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.7)" }, hovermode: "closest" };
    Plotly.react(el, data, layout, BPL.config);
  }

  BPL.panels.push({
    id: "input-space",
    init(element, m) {
      el = element;
      meta = m;
      draw(BPL.state);
      const sample = (ev) => {
        const p = ev.points.find((q) => typeof q.customdata === "number");
        return p ? p.customdata : null;
      };
      el.on("plotly_click", (ev) => { const i = sample(ev); if (i !== null) BPL.select(i); });
      el.on("plotly_hover", (ev) => { const i = sample(ev); if (i !== null) BPL.hover(i, "input-space"); });
      el.on("plotly_unhover", () => BPL.hover(null, "input-space"));
    },
    draw,
  });
})();
