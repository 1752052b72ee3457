// The network with its weights at the current moment: wire colour is the sign (blue +,
// red −), width the magnitude |w|; hovering a wire shows w, a neuron shows b; clicking a
// hidden neuron enlarges its heatmap.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let el, net;
  const POSITIVE = "#1f77b4", NEGATIVE = "#d62728", BINS = 5;

  // What was drawn last: each wire group's wires, and the traces themselves (a trace
  // passed to BPL.plot again as the same object is not redrawn).
  let drawn = null, pointerOver = false;

  // Hover texts are seen only with the pointer over the diagram: elsewhere they are left
  // as they were, so a moment that moves no wire to another group redraws nothing; the
  // pointer entering the diagram brings them up to date.
  function draw(state) {
    const w = BPL.at(BPL.arr.wires, state.t), biggest = net.biggest || 1;
    const members = {}; // one trace per (sign, width bin): few traces however many wires
    for (const sign of ["+", "-"]) for (let bin = 0; bin < BINS; bin++) members[`${sign}${bin}`] = [];
    net.wires.forEach((_, i) => {
      const bin = Math.min(BINS - 1, Math.floor((Math.abs(w[i]) / biggest) * BINS));
      members[`${w[i] >= 0 ? "+" : "-"}${bin}`].push(i);
    });
    const keys = Object.keys(members), last = drawn; // (init starts afresh: new wires)
    const wires = keys.map((key) => members[key].join(","));
    const data = keys.map((key, g) => {
      if (last && last.wires[g] === wires[g]) return last.data[g];
      const x = [], y = [];
      for (const i of members[key]) {
        const [, , , x0, y0, x1, y1] = net.wires[i];
        x.push(x0, x1, null);
        y.push(y0, y1, null);
      }
      const bin = Number(key.slice(1)), positive = key[0] === "+";
      return { type: "scatter", mode: "lines", name: key, x, y, hoverinfo: "skip", showlegend: false,
        line: { color: positive ? POSITIVE : NEGATIVE, width: 0.5 + 1.6 * bin }, opacity: 0.75 };
    });
    if (last && !pointerOver) data.push(...last.data.slice(keys.length));
    else data.push(weightMarkers(w), neuronMarkers(state));
    drawn = { data, wires };
    const layout = { uirevision: "network", height: 360, margin: { l: 10, r: 10, t: 10, b: 30 },
      xaxis: { visible: true, showgrid: false, zeroline: false, tickvals: net.columns.map((_, c) => c),
               ticktext: net.columns, range: [-0.5, net.columns.length - 0.5] },
      yaxis: { visible: false, range: net.yrange }, hovermode: "closest", plot_bgcolor: "#fff" };
    BPL.plot(el, data, layout);
  }

  // Invisible markers a third of the way along each wire: hovering shows its weight.
  function weightMarkers(w) {
    const x = [], y = [], text = [], id = [];
    net.wires.forEach(([ell, j, k, x0, y0, x1, y1], i) => {
      x.push(x0 + (x1 - x0) * 0.35);
      y.push(y0 + (y1 - y0) * 0.35);
      text.push(`W<sup>${ell}</sup><sub>${j},${k}</sub> = ${w[i].toFixed(3)}`);
      id.push(["w", ell, j, k, i]);
    });
    return { type: "scatter", mode: "markers", name: "weights", x, y, text, customdata: id, showlegend: false,
      hovertemplate: "%{text}<extra></extra>", marker: { size: 10, color: "rgba(0,0,0,0)" } };
  }

  function neuronMarkers(state) {
    const b = BPL.arr.biases ? BPL.at(BPL.arr.biases, state.t) : null;
    return { type: "scatter", mode: "markers", name: "neurons", showlegend: false,
      x: net.nodes.map((n) => n[0]), y: net.nodes.map((n) => n[1]),
      customdata: net.nodes.map((n) => [n[2], n[3]]),
      text: net.nodes.map((n) => (n[2] === 0 ? `input ${n[3]}` :
        `layer ${n[2]}, neuron ${n[3]}` + (b && n[4] >= 0 ? `<br>b = ${b[n[4]].toFixed(3)}` : ""))),
      hovertemplate: "%{text}<extra></extra>",
      marker: { size: 22, color: "#fff", line: { color: "#000", width: 1.5 } } };
  }

  BPL.panels.push({
    id: "network-diagram",
    init(element, m) {
      el = element;
      net = m.network;
      if (!net) {
        this.active = false;
        return;
      }
      delete el.dataset.shape; // a live page builds the panel again
      drawn = null;
      draw(BPL.state);
      if (!el.dataset.pointerWired) {
        el.dataset.pointerWired = "true";
        const enter = () => {
          if (pointerOver) return;
          pointerOver = true;
          draw(BPL.state); // the hover texts of this moment
        };
        el.addEventListener("pointerenter", enter);
        el.addEventListener("pointermove", enter);
        el.addEventListener("pointerleave", () => { pointerOver = false; });
      }
      el.on("plotly_click", (ev) => {
        const w = ev.points.find((q) => Array.isArray(q.customdata) && q.customdata[0] === "w");
        if (w) { // a weight: a live page lets the user edit it
          const [, ell, j, k, i] = w.customdata;
          if (BPL.pickWeight) BPL.pickWeight(ell, j, k, BPL.at(BPL.arr.wires, BPL.state.t)[i]);
          return;
        }
        const p = ev.points.find((q) => Array.isArray(q.customdata));
        if (p && BPL.showHeatmap) BPL.showHeatmap(p.customdata[0], p.customdata[1]);
      });
    },
    draw,
    update(state, m) { // a live page's new moment
      net = m.network;
      draw(state);
    },
  });
})();
