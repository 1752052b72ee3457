// Input space at the current moment. 2-D inputs: the data over the network's decision
// regions; 1-D inputs: the input-to-output curve; more features: the data through one fixed
// PCA of the inputs, each sample marked where the network misclassifies it at this moment.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let el, meta;

  // RGB of a "#rrggbb" colour.
  const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  let canvas = null, big = null, palette = null;
  let extent = null; // the regions' [x0, x1, y0, y1] in input coordinates

  // 256 colours for the region codes: class 0's colour, through white, to class 1's
  // (one output), or each class's own colour (several outputs).
  function makePalette() {
    const c = meta.colors.map(rgb), white = [255, 255, 255];
    return Array.from({ length: 256 }, (_, v) => {
      if (meta.input.regionKind === "class") return c[v % c.length];
      const s = v / 255, [a, b, f] = s < 0.5 ? [c[0], white, s * 2] : [white, c[1], s * 2 - 1];
      return a.map((x, k) => Math.round(x + (b[k] - x) * f));
    });
  }

  const SCALE = 8; // image pixels per grid cell: the regions smoothed, the boundary sharp
  const LAYOUT = { height: 460, margin: { l: 60, r: 10, t: 10, b: 50 } };

  // The decision regions of moment t, and its decision boundary, drawn on a canvas behind
  // the plot (whose background is transparent there): a new moment redraws the canvas,
  // not the plot, and no image is encoded for plotly.js to decode.
  function drawRegions(t) {
    const inp = meta.input, G = inp.gx.length, R = BPL.at(BPL.arr.regions, t);
    canvas = canvas || document.createElement("canvas");
    big = big || regionCanvas();
    if (canvas.width !== G) canvas.width = canvas.height = G;
    if (big.width !== G * SCALE) big.width = big.height = G * SCALE;
    palette = palette || makePalette();
    const ctx = canvas.getContext("2d"), img = ctx.createImageData(G, G);
    for (let r = 0; r < G; r++) {
      for (let c = 0; c < G; c++) {
        const p = 4 * ((G - 1 - r) * G + c), col = palette[R[r * G + c] % 256]; // grid row 0: lowest y
        img.data[p] = col[0]; img.data[p + 1] = col[1]; img.data[p + 2] = col[2]; img.data[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const dx = (inp.gx[G - 1] - inp.gx[0]) / (G - 1), dy = (inp.gy[G - 1] - inp.gy[0]) / (G - 1);
    const x0 = inp.gx[0] - dx / 2, y1 = inp.gy[G - 1] + dy / 2, W = G * SCALE;
    const out = big.getContext("2d");
    out.imageSmoothingEnabled = true;
    out.globalAlpha = 1;
    out.fillStyle = "#fff";
    out.fillRect(0, 0, W, W);
    out.globalAlpha = 0.45;
    out.drawImage(canvas, 0, 0, W, W);
    out.globalAlpha = 1;
    if (BPL.arr.boundary) { // precomputed in Python (contourpy), NaN between pieces
      const B = BPL.arr.boundary, S = BPL.arr.boundaryStart;
      out.strokeStyle = "#222";
      out.lineWidth = 2;
      out.beginPath();
      let pen = false;
      for (let i = S[t]; i < S[t + 1]; i++) {
        const x = B[2 * i], y = B[2 * i + 1];
        if (Number.isNaN(x)) { pen = false; continue; }
        const px = ((x - x0) / (G * dx)) * W, py = ((y1 - y) / (G * dy)) * W;
        if (pen) out.lineTo(px, py); else out.moveTo(px, py);
        pen = true;
      }
      out.stroke();
    }
    extent = [x0, x0 + G * dx, y1 - G * dy, y1];
    placeRegions();
  }

  // The regions' canvas, in a box over the plot area (the layout's margins) that clips it.
  function regionCanvas() {
    const m = LAYOUT.margin, box = document.createElement("div");
    box.className = "regions";
    Object.assign(box.style, { left: `${m.l}px`, top: `${m.t}px`, width: `calc(100% - ${m.l + m.r}px)`,
                               height: `${LAYOUT.height - m.t - m.b}px` });
    const c = document.createElement("canvas");
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", "the network's decision regions and boundary");
    box.append(c);
    el.prepend(box); // before plotly.js's own layers: drawn behind them
    return c;
  }

  // Place the regions where the axes' current ranges put them (after a zoom or pan too).
  function placeRegions() {
    if (!big || !extent || !el.layout) return;
    const [x0, x1, y0, y1] = extent;
    const [a, b] = el.layout.xaxis.range, [c, d] = el.layout.yaxis.range;
    Object.assign(big.style, { left: `${((x0 - a) / (b - a)) * 100}%`, width: `${((x1 - x0) / (b - a)) * 100}%`,
                               top: `${((d - y1) / (d - c)) * 100}%`, height: `${((y1 - y0) / (d - c)) * 100}%` });
  }

  let classTraces = null; // the data never move: built once, passed again unchanged

  function pointTraces(t) {
    const X = BPL.arr.Xin, c = meta.colors;
    classTraces = classTraces || meta.classes.map((name, k) => {
      const idx = BPL.byClass[k];
      return { type: "scattergl", mode: "markers", name: `class ${name}`, customdata: idx,
        x: idx.map((i) => X[2 * i]), y: idx.map((i) => X[2 * i + 1]),
        hovertemplate: `sample %{customdata}<extra>class ${name}</extra>`,
        marker: { size: 6, color: c[k % c.length], line: { color: "#fff", width: 0.5 } } };
    });
    const traces = [...classTraces];
    if (meta.input.mode === "pca") {
      const pred = BPL.at(BPL.arr.pred, t), y = BPL.arr.y, wrong = [];
      for (let i = 0; i < y.length; i++) if (pred[i] !== y[i]) wrong.push(i);
      traces.push({ type: "scattergl", mode: "markers", name: "misclassified now", customdata: wrong,
        x: wrong.map((i) => X[2 * i]), y: wrong.map((i) => X[2 * i + 1]), hoverinfo: "skip",
        marker: { symbol: "x-thin-open", size: 9, color: "#000" } });
    }
    return traces;
  }

  let targets = null; // the targets never move: built once, passed again unchanged

  function curveTraces(t) {
    const X = BPL.arr.Xin, out = BPL.at(BPL.arr.sampleOut, t), order = Array.from(BPL.arr.order);
    const idx = Array.from({ length: BPL.arr.y.length }, (_, i) => i);
    targets = targets || { type: "scattergl", mode: "markers", name: "targets", x: idx.map((i) => X[2 * i]),
      y: idx.map((i) => X[2 * i + 1]), customdata: idx, marker: { size: 4, color: "#999" },
      hovertemplate: "sample %{customdata}<extra>target</extra>" };
    return [
      targets,
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
    else if (inp.mode === "plane") data = pointTraces(t);
    else data = pointTraces(t);
    data.push(...markedTrace(t));
    const clear = "rgba(0,0,0,0)", plane = inp.mode === "plane"; // (the regions show through)
    const layout = { ...LAYOUT, uirevision: "input",
      xaxis: { title: { text: inp.labels[0] }, range: inp.xrange, autorange: false },
      yaxis: { title: { text: inp.labels[1] }, range: inp.yrange, autorange: false },
      legend: { x: 1, xanchor: "right", y: 1, bgcolor: "rgba(255,255,255,0.7)" }, hovermode: "closest",
      paper_bgcolor: plane ? clear : "#fff", plot_bgcolor: plane ? clear : "#fff" };
    BPL.plot(el, data, layout);
    if (big) big.parentElement.hidden = !plane;
    if (plane) drawRegions(t);
  }

  BPL.panels.push({
    id: "input-space",
    init(element, m) {
      el = element;
      meta = m;
      classTraces = targets = palette = null; // a live page may bring new data
      draw(BPL.state);
      const sample = (ev) => {
        const p = ev.points.find((q) => typeof q.customdata === "number");
        return p ? p.customdata : null;
      };
      el.on("plotly_click", (ev) => { const i = sample(ev); if (i !== null) BPL.select(i); });
      el.on("plotly_hover", (ev) => { const i = sample(ev); if (i !== null) BPL.hover(i, "input-space"); });
      el.on("plotly_unhover", () => BPL.hover(null, "input-space"));
      el.on("plotly_relayout", placeRegions);
    },
    draw,
    update(state, m) { // a live page's new moment, on the same data
      meta = m;
      draw(state);
    },
  });
})();
