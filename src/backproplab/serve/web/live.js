// The live playground: the page's controls, its address (the settings live in the URL),
// and the WebSocket to this tab's training session. Python trains and computes every
// panel's arrays; the report's panels (app.js, hidden.js, …) draw them through BPL.live.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  const $ = (id) => document.getElementById(id);
  const LIMITS = JSON.parse(document.body.dataset.limits);
  // Setting → control; "features" are the checkboxes, "hidden" a comma-separated list.
  const FIELDS = ["data", "n_samples", "noise", "train_percent", "show_test", "hidden", "activation",
    "output_activation", "cost", "init", "seed", "eta", "batch_size", "optimizer", "l1", "l2", "dropout", "watch"];
  let socket = null, defaults = null, current = null, lastVersion = null;
  BPL.views = 0;

  // -- messages to the server ----------------------------------------------------------
  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function say(text, kind) {
    const out = $("message");
    out.textContent = text;
    out.className = kind || "";
  }

  // -- settings: controls ⇄ object ⇄ address ----------------------------------------------
  function readControls() {
    const s = Object.assign({}, current);
    for (const key of FIELDS) {
      const el = $(key), d = defaults[key];
      if (key === "hidden") {
        const text = el.value.trim();
        s.hidden = text === "" ? [] : text.split(",").map((v) => Number(v.trim()));
      } else if (typeof d === "boolean") s[key] = el.checked;
      else if (typeof d === "number") s[key] = el.value === "" ? d : Number(el.value);
      else s[key] = el.value;
    }
    s.features = Array.from(document.querySelectorAll("input[name=feature]:checked"), (c) => c.value);
    if (s.watch > s.hidden.length) s.watch = 0; // the layer shown was removed: show the last
    return s;
  }

  function writeControls(s) {
    for (const key of FIELDS) {
      const el = $(key);
      if (key === "watch") {
        const n = s.hidden.length, options = [["0", "the last"]];
        for (let ell = 1; ell <= n; ell++) options.push([String(ell), `layer ${ell}`]);
        el.replaceChildren(...options.map(([v, t]) => Object.assign(document.createElement("option"), { value: v, textContent: t })));
        el.value = String(s.watch);
      } else if (key === "hidden") el.value = s.hidden.join(",");
      else if (typeof s[key] === "boolean") el.checked = s[key];
      else el.value = String(s[key]);
    }
    for (const c of document.querySelectorAll("input[name=feature]")) c.checked = s.features.includes(c.value);
    $("nudge-layer").max = String(s.hidden.length + 1);
  }

  function fromAddress(base) {
    const q = new URLSearchParams(location.search), s = Object.assign({}, base);
    for (const [key, d] of Object.entries(base)) {
      if (!q.has(key)) continue;
      const v = q.get(key);
      if (Array.isArray(d)) {
        const items = v === "" ? [] : v.split(",");
        s[key] = key === "hidden" ? items.map(Number) : items;
      } else if (typeof d === "boolean") s[key] = v === "true";
      else if (typeof d === "number") s[key] = Number(v);
      else s[key] = v;
    }
    return s;
  }

  function writeAddress(s) {
    const q = new URLSearchParams();
    for (const [key, v] of Object.entries(s)) {
      if (JSON.stringify(v) !== JSON.stringify(defaults[key])) q.set(key, Array.isArray(v) ? v.join(",") : String(v));
    }
    const text = q.toString();
    history.replaceState(null, "", text ? `?${text}` : location.pathname);
  }

  function changed() {
    send({ type: "settings", settings: readControls() });
  }

  // -- what the server sends --------------------------------------------------------------
  const TYPES = { float32: Float32Array, uint8: Uint8Array, int32: Int32Array };

  function unpack(header, text) {
    const s = atob(text), bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    const arr = {};
    for (const [name, h] of Object.entries(header)) {
      const size = h.shape.reduce((p, q) => p * q, 1);
      arr[name] = new TYPES[h.dtype](bytes.buffer, h.offset, size);
      arr[name].shape = h.shape;
    }
    return arr;
  }

  const fmt = (v) => (v === null || v === undefined ? "–" : v.toFixed(4));

  function onView(m) {
    const meta = m.meta, fresh = m.fresh || lastVersion !== m.version;
    if (fresh) {
      $("input-note").textContent = meta.input.note;
      $("hidden-note").textContent = meta.hidden.note;
      $("hidden-heading").textContent = meta.hidden_heading;
      $("heatmaps-note").textContent = meta.heatmaps_note;
      $("network-note").textContent = meta.network_note;
    }
    BPL.live(meta, unpack(m.arrays, m.data), fresh);
    lastVersion = m.version;
    const st = m.status;
    $("epoch").textContent = String(st.epochs);
    $("steps").textContent = String(st.steps);
    $("train-loss").textContent = fmt(st.train_loss);
    $("test-loss").textContent = fmt(st.test_loss);
    $("play").setAttribute("aria-pressed", String(st.running));
    BPL.views += 1;
    BPL.status = st;
    document.body.dataset.ready = "true";
    requestAnimationFrame(() => send({ type: "drawn" })); // ready for the next view
  }

  function onGradcheck(m) {
    const rows = [["layer ℓ", "W rel. error", "b rel. error"]];
    const cell = (e) => (e === null ? "–" : e.toExponential(2));
    m.layers.forEach(([w, b], i) => rows.push([String(i + 1), cell(w), cell(b)]));
    $("gradcheck-table").replaceChildren(...rows.map((r, i) => {
      const tr = document.createElement("tr");
      tr.append(...r.map((v) => Object.assign(document.createElement(i ? "td" : "th"), { textContent: v })));
      return tr;
    }));
    $("gradcheck-result").textContent = m.text;
    $("gradcheck-result").dataset.verdict = m.verdict;
    say(`gradient check ${m.verdict} on ${m.samples} samples: relative error ${cell(m.relative_error)}`, m.passed ? "" : "error");
  }

  function onNudge(m) {
    const w = m.amounts.map((a) => m.value + a);
    const c0 = m.cost[Math.floor(m.cost.length / 2)]; // the amount 0 is in the middle
    const tangent = w.map((x) => c0 + m.gradient * (x - m.value));
    Plotly.react($("nudge-plot"), [
      { type: "scatter", mode: "lines+markers", name: "C(w)", x: w, y: m.cost, marker: { size: 4 } },
      { type: "scatter", mode: "lines", name: `tangent, slope ∂C/∂w = ${m.gradient.toPrecision(4)} (backprop)`,
        x: w, y: tangent, line: { dash: "dash", color: "#d62728" } },
      { type: "scatter", mode: "markers", name: `now: w = ${m.value.toPrecision(4)}`, x: [m.value], y: [c0],
        marker: { size: 10, color: "#000" } },
    ], { height: 320, margin: { l: 60, r: 10, t: 30, b: 40 }, title: { text: `${m.name} on ${m.samples} samples` },
         xaxis: { title: { text: m.name } }, yaxis: { title: { text: "cost C" } },
         legend: { x: 0, y: 1, bgcolor: "rgba(255,255,255,0.7)" } }, BPL.config);
    $("nudge-plot").dataset.slope = String(m.slope);
    $("nudge-plot").dataset.gradient = String(m.gradient);
  }

  function download(m) {
    const s = atob(m.data), bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    const url = URL.createObjectURL(new Blob([bytes], { type: m.mime }));
    const a = Object.assign(document.createElement("a"), { href: url, download: m.name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say(`downloaded ${m.name}`);
  }

  function onMessage(ev) {
    const m = JSON.parse(ev.data);
    if (m.type === "view") onView(m);
    else if (m.type === "hello") {
      defaults = m.settings;
      current = fromAddress(defaults);
      writeControls(current);
      send({ type: "settings", settings: current });
    } else if (m.type === "settings") {
      defaults = defaults || m.settings; // (the server says hello first)
      current = m.settings;
      writeControls(current);
      writeAddress(current);
    } else if (m.type === "error") say(m.message, "error");
    else if (m.type === "info") say(m.message);
    else if (m.type === "gradcheck") onGradcheck(m);
    else if (m.type === "nudge") onNudge(m);
    else if (m.type === "file") download(m);
  }

  // -- the network's structure buttons -----------------------------------------------------
  function editLayers(fn) {
    const s = readControls();
    const hidden = s.hidden.slice();
    fn(hidden);
    if (hidden.length > LIMITS.layers) return say(`at most ${LIMITS.layers} hidden layers`, "error");
    if (hidden.some((n) => n > LIMITS.neurons)) return say(`at most ${LIMITS.neurons} neurons per layer`, "error");
    $("hidden").value = hidden.filter((n) => n >= 1).join(",");
    changed();
  }

  BPL.pickWeight = function (ell, j, k, value) {
    $("nudge-layer").value = String(ell);
    $("nudge-j").value = String(j);
    $("nudge-k").value = String(k);
    $("weight-value").value = value.toPrecision(6);
    say(`picked W${ell}[${j}, ${k}] = ${value.toPrecision(4)}: nudge it, or type a new value and set it`);
    $("weight-value").focus();
  };

  function weightMessage(type) {
    return { type, layer: Number($("nudge-layer").value), j: Number($("nudge-j").value), k: Number($("nudge-k").value) };
  }

  function wire() {
    for (const key of FIELDS) $(key).addEventListener("change", changed);
    for (const c of document.querySelectorAll("input[name=feature]")) c.addEventListener("change", changed);
    for (const name of ["play", "pause", "step", "reset", "gradcheck"]) {
      $(name).addEventListener("click", () => send({ type: name }));
    }
    $("regenerate").addEventListener("click", () => {
      $("message").textContent = "";
      send({ type: "settings", settings: Object.assign(readControls(), { data_seed: (current.data_seed + 1) % 2147483647 }) });
    });
    $("add-layer").addEventListener("click", () => editLayers((h) => h.push(h.length ? h[h.length - 1] : 4)));
    $("remove-layer").addEventListener("click", () => editLayers((h) => h.pop()));
    $("add-neuron").addEventListener("click", () => editLayers((h) => { if (h.length) h[h.length - 1] += 1; }));
    $("remove-neuron").addEventListener("click", () => editLayers((h) => { if (h.length) h[h.length - 1] -= 1; }));
    $("nudge").addEventListener("click", () => send(weightMessage("nudge")));
    $("set-weight").addEventListener("click", () => send(Object.assign(weightMessage("edit"), { value: Number($("weight-value").value) })));
    for (const what of ["model", "report", "script"]) {
      $(`export-${what}`).addEventListener("click", () => send({ type: "export", what }));
    }
    $("csv").addEventListener("change", async () => {
      const file = $("csv").files[0];
      if (!file) return;
      if (file.size > LIMITS.csv) return say(`the CSV is larger than ${LIMITS.csv / 1024} KB`, "error");
      send({ type: "csv", text: await file.text() });
    });
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws`);
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", () => {
      say("the connection to the server closed: reload the page to start again", "error");
      document.body.dataset.closed = "true";
    });
  }

  wire();
  connect();
})();
