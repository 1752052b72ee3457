// The moment shown by every panel: the time slider, play and step buttons, arrow keys,
// and the sample selected or hovered in any panel (linked between input and hidden space).
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });

  BPL.state = { t: 0, selected: null, hovered: null };
  // WebGL panels drawn at the screen's own pixel density (plotly.js draws them at twice it by
  // default: four times the pixels for no gain on an ordinary screen).
  BPL.config = { displaylogo: false, responsive: true, plotGlPixelRatio: Math.max(1, window.devicePixelRatio || 1) };

  // Is WebGL drawn by the CPU here (SwiftShader, llvmpipe: a machine or browser without a
  // GPU)? Asked of a throwaway canvas, by the renderer's name.
  function softwareWebGL() {
    const gl = document.createElement("canvas").getContext("webgl");
    if (!gl) return false;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const lose = gl.getExtension("WEBGL_lose_context");
    if (lose) lose.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(name);
  }

  // plotly.js asks every 3-D view for a multisampled (antialiased) WebGL canvas. On a GPU
  // that is free; drawn by the CPU it is a third of each redraw's cost (four samples per
  // pixel to fill, then to resolve). Without a GPU the page's WebGL canvases are therefore
  // created without multisampling (plotly.js offers no option for it: the page adds
  // ``antialias: false`` to the canvas's own request); with a GPU nothing changes.
  BPL.softwareWebGL = softwareWebGL();
  if (BPL.softwareWebGL) {
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, options) {
      if (/^(experimental-)?webgl2?$/.test(kind)) options = { ...options, antialias: false };
      return getContext.call(this, kind, options);
    };
  }

  // A slice of an array of shape (S, ...) at moment t, as a typed-array view.
  BPL.at = function (a, t) {
    const size = a.length / a.shape[0];
    return a.subarray(t * size, (t + 1) * size);
  };

  // Draw a Plotly figure. When its traces are the ones drawn last time (same types and
  // names, same marked samples), only what changed is sent: the coordinates and texts of
  // traces that are new objects (a trace passed again as the same object is left as it
  // is), and the layout keys in ``layoutUpdate`` if they differ from the last ones sent.
  // Plotly then moves what it drew instead of rebuilding the figure (and a figure where
  // nothing changed costs nothing). Anything else is drawn anew.
  BPL.plot = function (el, data, layout, layoutUpdate) {
    const shape = data.map((d) => `${d.type}:${d.name}:${d.name === "marked sample" ? d.customdata : ""}`).join("|");
    const last = el._bplData || [];
    const layoutKey = JSON.stringify(layoutUpdate || {});
    if (el.dataset.shape === shape && el.data) {
      const traces = data.map((_, i) => i).filter((i) => data[i] !== last[i]);
      const update = {};
      for (const key of ["x", "y", "z", "text"]) {
        if (traces.some((i) => data[i][key] !== undefined)) update[key] = traces.map((i) => data[i][key]);
      }
      const relayout = layoutKey === el._bplLayoutKey ? {} : layoutUpdate || {};
      if (traces.length) Plotly.update(el, update, relayout, traces);
      else if (Object.keys(relayout).length) Plotly.relayout(el, relayout);
    } else {
      Plotly.react(el, data, layout, BPL.config);
      el.dataset.shape = shape;
    }
    el._bplData = data;
    el._bplLayoutKey = layoutKey;
  };

  // Redraw every panel (but the one named by ``except``, where the pointer is).
  BPL.redraw = function (except) {
    const t0 = performance.now();
    for (const p of BPL.panels) if (p.active && p.id !== except) p.draw(BPL.state);
    BPL.lastDrawMs = performance.now() - t0;
    BPL.draws = (BPL.draws || 0) + 1;
  };

  BPL.setTime = function (t) {
    const n = BPL.meta.step.length;
    t = Math.max(0, Math.min(n - 1, Math.round(t)));
    BPL.state.t = t;
    const slider = document.getElementById("time");
    if (!slider) return BPL.redraw(); // the live page has no time slider: one moment
    slider.value = String(t);
    const loss = BPL.meta.loss[t];
    const lossText = loss === null ? "" : `, loss ${loss.toFixed(4)}`;
    document.getElementById("moment").textContent =
      `snapshot ${t + 1} of ${n}: step ${BPL.meta.step[t]}, epoch ${BPL.meta.epoch[t].toFixed(2)}${lossText}`;
    BPL.redraw();
  };

  BPL.select = function (i) {
    BPL.state.selected = i;
    const box = document.getElementById("sample");
    if (box) box.value = i === null ? "" : String(i);
    BPL.redraw();
  };

  BPL.hover = function (i, source) {
    if (BPL.state.hovered === i) return;
    BPL.state.hovered = i;
    BPL.redraw(source);
  };

  // The samples to mark (selected, then hovered), for any panel.
  BPL.marked = function () {
    const s = BPL.state;
    return [s.selected, s.hovered].filter((i, k, all) => i !== null && all.indexOf(i) === k);
  };

  let timer = null;
  function play(on) {
    const button = document.getElementById("play");
    if (!on) {
      clearInterval(timer);
      timer = null;
      button.textContent = "▶ play";
      button.setAttribute("aria-pressed", "false");
      return;
    }
    const last = BPL.meta.step.length - 1;
    if (BPL.state.t >= last) BPL.setTime(0);
    button.textContent = "❚❚ pause";
    button.setAttribute("aria-pressed", "true");
    timer = setInterval(() => {
      if (BPL.state.t >= last) return play(false);
      BPL.setTime(BPL.state.t + 1);
    }, 1000 / 12);
  }

  function wireControls() {
    const slider = document.getElementById("time");
    if (!slider) return; // the live page drives its own controls
    slider.max = String(BPL.meta.step.length - 1);
    slider.addEventListener("input", () => BPL.setTime(Number(slider.value)));
    document.getElementById("play").addEventListener("click", () => play(timer === null));
    document.getElementById("back").addEventListener("click", () => BPL.setTime(BPL.state.t - 1));
    document.getElementById("forward").addEventListener("click", () => BPL.setTime(BPL.state.t + 1));
    document.addEventListener("keydown", (e) => {
      const tag = e.target.tagName;
      if (e.target === slider || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
      if (e.key === "ArrowRight") BPL.setTime(BPL.state.t + 1);
      else if (e.key === "ArrowLeft") BPL.setTime(BPL.state.t - 1);
      else return;
      e.preventDefault();
    });
    const box = document.getElementById("sample");
    if (box) {
      box.max = String(BPL.meta.n_samples - 1);
      box.addEventListener("change", () => {
        const i = box.value === "" ? null : Number(box.value);
        BPL.select(i !== null && i >= 0 && i < BPL.meta.n_samples ? i : null);
      });
    }
  }

  BPL.start = function (meta, arr) {
    BPL.meta = meta;
    BPL.arr = arr;
    BPL.byClass = meta.classes.map(() => []); // sample indices of each class
    arr.y.forEach((c, i) => BPL.byClass[c].push(i));
    wireControls();
    for (const p of BPL.panels) {
      const el = document.getElementById(p.id);
      p.active = Boolean(el);
      if (p.active) p.init(el, meta, arr);
      performance.mark(`bpl-init-${p.id}`);
    }
    BPL.setTime(0);
    BPL.readyAt = performance.now();
    document.body.dataset.ready = "true";
  };

  // Live pages (backproplab serve): show a new moment. ``fresh``: the data or the network's
  // shape changed, so every panel is built anew; otherwise each panel redraws from the new
  // arrays (its ``update``), moving what it drew instead of rebuilding it.
  BPL.live = function (meta, arr, fresh) {
    BPL.isLive = true;
    BPL.meta = meta;
    BPL.arr = arr;
    BPL.byClass = meta.classes.map(() => []);
    arr.y.forEach((c, i) => BPL.byClass[c].push(i));
    BPL.state.t = 0;
    if (BPL.state.selected !== null && BPL.state.selected >= meta.n_samples) BPL.state.selected = null;
    BPL.state.hovered = null;
    const t0 = performance.now();
    for (const p of BPL.panels) {
      const el = document.getElementById(p.id);
      if (!el) continue;
      if (fresh || !p.started) {
        // Drawn anew by Plotly.react (a purge could cut a pending WebGL frame short);
        // the panel's init adds its Plotly event handlers again.
        delete el.dataset.shape;
        if (el.removeAllListeners) {
          for (const name of ["plotly_click", "plotly_hover", "plotly_unhover", "plotly_relayout"]) {
            el.removeAllListeners(name);
          }
        }
        p.active = true;
        p.started = true;
        p.init(el, meta, arr);
      } else if (p.active) {
        p.update ? p.update(BPL.state, meta) : p.draw(BPL.state);
      }
    }
    BPL.lastDrawMs = performance.now() - t0;
    BPL.draws = (BPL.draws || 0) + 1;
  };
})();
