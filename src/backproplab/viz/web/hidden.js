// Hidden space: the watched layer's activation of every recorded sample at the current
// moment, coloured by class, with the output neuron's decision plane w·a + b = 0 of that
// moment. The camera is the user's alone (uirevision keeps it across redraws).
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let el, H, meta, fit = false;

  function axisRanges(t) {
    if (!fit) return meta.hidden.box;
    const b = BPL.at(BPL.arr.fitBox, t); // (2, d): lo then hi
    const d = meta.hidden.dim;
    return [Array.from(b.subarray(0, d)), Array.from(b.subarray(d, 2 * d))];
  }

  function coords(t, idx) {
    const d = meta.hidden.dim, P = BPL.at(H, t);
    const cols = [];
    for (let k = 0; k < d; k++) cols.push(Float32Array.from(idx, (i) => P[i * d + k]));
    if (d === 1) cols.push(idx.map((i) => BPL.arr.y[i]));
    return cols;
  }

  function plane(t) {
    const d = meta.hidden.dim;
    const V = BPL.at(fit ? BPL.arr.planeFit : BPL.arr.planeFixed, t);
    const k = V.length / d;
    if (Number.isNaN(V[0])) return null; // the surface misses the box
    const col = (c) => Array.from({ length: k }, (_, v) => V[v * d + c]);
    const style = { name: "decision surface w·a + b = 0", hoverinfo: "skip", mode: "lines" };
    if (d === 3) { // the plane as a grid of lines (see moments.plane_wireframe)
      return { type: "scatter3d", x: col(0), y: col(1), z: col(2), line: { color: "#555", width: 3 }, ...style };
    }
    if (d === 2) {
      return { type: "scatter", x: col(0), y: col(1), line: { color: "#222", dash: "dash", width: 2 }, ...style };
    }
    const rows = meta.classes.length;
    return { type: "scatter", x: [V[0], V[0]], y: [-0.5, rows - 0.5],
             line: { color: "#222", dash: "dash", width: 2 }, ...style };
  }

  function draw(state) {
    const t = state.t, d = meta.hidden.dim;
    const type = d === 3 ? "scatter3d" : "scatter";
    const data = meta.classes.map((name, c) => {
      const cols = coords(t, BPL.byClass[c]);
      const trace = { type, mode: "markers", name: `class ${name}`, x: cols[0], y: cols[1],
        customdata: BPL.byClass[c], hovertemplate: `sample %{customdata}<extra>class ${name}</extra>`,
        marker: { size: d === 3 ? 3 : 6, color: meta.colors[c % meta.colors.length] } };
      if (d === 3) trace.z = cols[2];
      return trace;
    });
    if (meta.hidden.plane) {
      const p = plane(t);
      if (p) data.push(p);
    }
    const marked = BPL.marked();
    if (marked.length) {
      const cols = coords(t, marked);
      const trace = { type, mode: "markers", name: "marked sample", x: cols[0], y: cols[1],
        customdata: marked, hovertemplate: "sample %{customdata}<extra>marked</extra>",
        marker: { size: d === 3 ? 9 : 14, color: "rgba(0,0,0,0)", line: { color: "#000", width: 3 } } };
      if (d === 3) { trace.z = cols[2]; trace.marker.symbol = "diamond-open"; trace.marker.color = "#000"; }
      data.push(trace);
    }
    const [lo, hi] = axisRanges(t);
    const labels = meta.hidden.labels;
    const axis = (k) => ({ title: { text: labels[k] }, range: [lo[k], hi[k]], autorange: false });
    const layout = { uirevision: "hidden", margin: { l: 0, r: 0, t: 10, b: 0 },
                     legend: { x: 0, y: 1 }, height: 460 };
    if (d === 3) {
      layout.scene = { xaxis: axis(0), yaxis: axis(1), zaxis: axis(2), aspectmode: "cube",
                       annotations: anchors(lo, hi) };
    } else {
      layout.margin = { l: 60, r: 10, t: 10, b: 50 };
      layout.xaxis = axis(0);
      layout.yaxis = d === 2 ? axis(1) : { tickvals: meta.classes.map((_, c) => c),
        ticktext: meta.classes.map((c) => `class ${c}`), range: [-0.5, meta.classes.length - 0.5] };
    }
    // A live page's "fixed" axes are this moment's too (widened to round steps in Python):
    // there is no whole run to span.
    BPL.plot(el, data, layout, fit || BPL.isLive ? layoutRanges(layout) : {});
    if (d === 3) pickOnlyUnderPointer();
  }

  // For hover, plotly.js draws each change of a 3-D scene twice: on screen, and into an
  // offscreen buffer of point ids that it reads back. Without a GPU that second drawing
  // costs as much as the first, and it serves only a pointer over the view: so the id
  // buffer is drawn while the pointer is over the hidden space (entering it redraws the
  // buffer at once), and left stale otherwise. This reaches into plotly.js's scene object
  // (gl-plot3d's public ``update`` and its drawables' ``drawPick``); if those are not
  // there, every change is drawn twice as before.
  let pointerOver = false;
  function glplot() {
    const scene = el._fullLayout && el._fullLayout.scene && el._fullLayout.scene._scene;
    return scene && scene.glplot && Array.isArray(scene.glplot.objects) ? scene.glplot : null;
  }

  function pickOnlyUnderPointer() {
    const g = glplot();
    if (!g || typeof g.update !== "function") return;
    for (const obj of g.objects) {
      if (typeof obj.drawPick !== "function" || obj.drawPick.bpl) continue;
      const drawPick = obj.drawPick;
      obj.drawPick = function (...args) {
        if (pointerOver) drawPick.apply(this, args);
      };
      obj.drawPick.bpl = true;
    }
    if (el.dataset.pickWired) return;
    el.dataset.pickWired = "true";
    const enter = () => { // (a pointer already over the view at load only moves)
      if (pointerOver) return;
      pointerOver = true;
      const now = glplot();
      if (now) now.update({}); // the id buffer drawn again on the next frame
    };
    el.addEventListener("pointerenter", enter);
    el.addEventListener("pointermove", enter);
    el.addEventListener("pointerleave", () => { pointerOver = false; });
  }

  // Two empty annotations just outside the box's corners. plotly.js scales a 3-D scene by
  // the extent of its data and annotations, and gives its axes new tick marks (new WebGL
  // programs: a slow shader compile without a GPU) whenever that scale changes. With these
  // in the extent, a moment whose points and plane lie in the box (the plane's rim lies on
  // its faces, give or take float32 rounding: hence 1 % outside) keeps scale and ticks.
  // The axes' ranges, not this extent, decide what is shown.
  function anchors(lo, hi) {
    const pad = (k) => 0.01 * (hi[k] - lo[k]);
    return [-1, 1].map((s) => {
      const c = [0, 1, 2].map((k) => (s < 0 ? lo[k] : hi[k]) + s * pad(k));
      return { x: c[0], y: c[1], z: c[2], text: "", showarrow: false };
    });
  }

  // The axis ranges of a layout, as a Plotly.update layout argument.
  function layoutRanges(layout) {
    const out = {};
    if (layout.scene) {
      for (const a of ["xaxis", "yaxis", "zaxis"]) out[`scene.${a}.range`] = layout.scene[a].range;
      out["scene.annotations"] = layout.scene.annotations;
    } else {
      out["xaxis.range"] = layout.xaxis.range;
      if (layout.yaxis.range) out["yaxis.range"] = layout.yaxis.range;
    }
    return out;
  }

  function setAxes(mode) {
    fit = mode === "fit";
    delete el.dataset.shape; // new axes: draw anew
    const note = document.getElementById("axes-note");
    note.textContent = fit
      ? "Shown: axes fitted to this moment (they change from moment to moment)."
      : "Shown: fixed axes, the same for every moment (they span all of training).";
    draw(BPL.state);
  }

  BPL.panels.push({
    id: "hidden-space",
    init(element, m) {
      el = element;
      meta = m;
      H = BPL.arr.H;
      for (const radio of document.querySelectorAll("input[name=axes]")) {
        if (radio.dataset.wired) continue; // a live page builds the panel again
        radio.dataset.wired = "true";
        radio.addEventListener("change", () => radio.checked && setAxes(radio.value));
      }
      setAxes(fit ? "fit" : "fixed");
      el.on("plotly_click", (ev) => {
        const p = ev.points.find((q) => q.customdata !== undefined);
        if (p) BPL.select(Number(p.customdata));
      });
      el.on("plotly_hover", (ev) => {
        const p = ev.points.find((q) => q.customdata !== undefined);
        if (p) BPL.hover(Number(p.customdata), "hidden-space");
      });
      el.on("plotly_unhover", () => BPL.hover(null, "hidden-space"));
    },
    draw,
    update(state, m) { // a live page's new moment
      meta = m;
      H = BPL.arr.H;
      draw(state);
    },
  });
})();
