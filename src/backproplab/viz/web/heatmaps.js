// Every hidden neuron's activation over the input plane at the current moment, as
// thumbnails (TensorFlow Playground's); a click enlarges one, drawn by Plotly with axes.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let meta, canvases = [], big = null, bigEl;

  // 0 … 255 → orange (low) · white · blue (high), as 256 RGB triples.
  const LUT = (() => {
    const lo = [245, 147, 34], mid = [255, 255, 255], hi = [8, 119, 189], out = [];
    for (let v = 0; v < 256; v++) {
      const s = v / 255, [a, b, f] = s < 0.5 ? [lo, mid, s * 2] : [mid, hi, s * 2 - 1];
      out.push(a.map((x, k) => Math.round(x + (b[k] - x) * f)));
    }
    return out;
  })();

  function paint(canvas, maps, i, G) {
    const ctx = canvas.getContext("2d", { willReadFrequently: true }), img = ctx.createImageData(G, G);
    const M = maps.subarray(i * G * G, (i + 1) * G * G);
    for (let r = 0; r < G; r++) {
      for (let c = 0; c < G; c++) {
        const rgb = LUT[M[r * G + c]], p = 4 * ((G - 1 - r) * G + c); // grid row 0 is the lowest y
        img.data[p] = rgb[0]; img.data[p + 1] = rgb[1]; img.data[p + 2] = rgb[2]; img.data[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  // The enlarged heatmap: plotly.js draws the axes, in input coordinates, once per neuron;
  // the thumbnail's image is copied at each moment onto a canvas laid exactly over the plot
  // area (the axes' ranges are the image's edges), which costs next to nothing, where
  // giving plotly.js a new image would encode and decode a PNG at every moment.
  const BIG = { height: 360, margin: { l: 50, r: 10, t: 40, b: 40 } };
  let bigCanvas = null, bigKey = null;

  function drawBig() {
    if (big === null) return;
    const h = meta.heatmaps, inp = meta.input, G = h.G, [ell, j] = h.neurons[big];
    const dx = (inp.gx[G - 1] - inp.gx[0]) / (G - 1), dy = (inp.gy[G - 1] - inp.gy[0]) / (G - 1);
    const x0 = inp.gx[0] - dx / 2, y1 = inp.gy[G - 1] + dy / 2;
    const title = `layer ${ell}, neuron ${j}: orange ${h.range[0]}, white mid-way, blue ${h.range[1]}`;
    const key = JSON.stringify([title, x0, y1, dx, dy, G]);
    if (key !== bigKey || !bigEl.contains(bigCanvas)) {
      Plotly.react(bigEl, [], { ...BIG, title: { text: title },
        xaxis: { title: { text: inp.labels[0] }, range: [x0, x0 + G * dx], showgrid: false, zeroline: false,
                 fixedrange: true }, // (the image does not follow a zoom: there is none)
        yaxis: { title: { text: inp.labels[1] }, range: [y1 - G * dy, y1], showgrid: false, zeroline: false,
                 fixedrange: true },
      }, BPL.config);
      bigKey = key;
      if (!bigEl.contains(bigCanvas)) {
        const m = BIG.margin;
        bigCanvas = Object.assign(document.createElement("canvas"), { className: "heatmap-image" });
        bigCanvas.setAttribute("role", "img");
        Object.assign(bigCanvas.style, { left: `${m.l}px`, top: `${m.t}px`, width: `calc(100% - ${m.l + m.r}px)`,
                                         height: `${BIG.height - m.t - m.b}px` });
        bigEl.append(bigCanvas);
      }
      bigCanvas.width = bigCanvas.height = G;
      bigCanvas.setAttribute("aria-label", `heatmap of ${title}`);
    }
    bigCanvas.getContext("2d").drawImage(canvases[big], 0, 0);
  }

  function draw(state) {
    const G = meta.heatmaps.G, maps = BPL.at(BPL.arr.heat, state.t);
    canvases.forEach((cv, i) => paint(cv, maps, i, G));
    drawBig();
  }

  // Enlarge neuron (ℓ, j); called by a thumbnail or the network diagram.
  BPL.showHeatmap = function (ell, j) {
    const i = meta.heatmaps ? meta.heatmaps.neurons.findIndex(([a, b]) => a === ell && b === j) : -1;
    if (i < 0) return false;
    big = i;
    document.querySelectorAll(".thumb").forEach((b, k) => b.setAttribute("aria-pressed", String(k === i)));
    drawBig();
    return true;
  };

  BPL.panels.push({
    id: "neuron-heatmaps",
    init(element, m) {
      meta = m;
      const h = m.heatmaps;
      if (!h) {
        element.querySelector(".thumbs").replaceChildren();
        this.active = false;
        return;
      }
      const grid = element.querySelector(".thumbs");
      bigEl = element.querySelector(".heatmap-big");
      grid.replaceChildren(); // a live page builds the panel again
      big = null;
      canvases = h.neurons.map(([ell, j], i) => {
        const button = document.createElement("button");
        button.className = "thumb";
        button.type = "button";
        button.dataset.testid = `heatmap-${ell}-${j}`;
        button.setAttribute("aria-pressed", "false");
        button.title = `layer ${ell}, neuron ${j}: click to enlarge`;
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = h.G;
        const label = document.createElement("span");
        label.textContent = `ℓ${ell} n${j}`;
        button.append(canvas, label);
        button.addEventListener("click", () => BPL.showHeatmap(ell, j));
        grid.append(button);
        if (i === 0) big = 0;
        return canvas;
      });
      draw(BPL.state);
    },
    draw,
    update(state, m) { // a live page's new moment
      meta = m;
      draw(state);
    },
  });
})();
