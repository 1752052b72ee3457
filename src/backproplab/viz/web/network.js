// The network with its weights at the current moment: wire colour is the sign (blue +,
// red −), width the magnitude |w|; hovering a wire shows w, a neuron shows b; clicking a
// hidden neuron enlarges its heatmap.
(function () {
  "use strict";
  const BPL = (window.BPL = window.BPL || { panels: [] });
  let el, net;
  const POSITIVE = "#1f77b4", NEGATIVE = "#d62728", BINS = 5;

  function draw(state) {
    const w = BPL.at(BPL.arr.wires, state.t), biggest = net.biggest || 1;
    const groups = {}; // one trace per (sign, width bin): few traces however many wires
    for (const sign of ["+", "-"]) {
      for (let bin = 0; bin < BINS; bin++) {
        groups[`${sign}${bin}`] = { x: [], y: [], bin, positive: sign === "+" };
      }
    }
    const mid = { x: [], y: [], text: [], id: [] };
    net.wires.forEach(([ell, j, k, x0, y0, x1, y1], i) => {
      const bin = Math.min(BINS - 1, Math.floor((Math.abs(w[i]) / biggest) * BINS));
      const key = `${w[i] >= 0 ? "+" : "-"}${bin}`;
      const g = groups[key];
      g.x.push(x0, x1, null);
      g.y.push(y0, y1, null);
      mid.x.push(x0 + (x1 - x0) * 0.35);
      mid.y.push(y0 + (y1 - y0) * 0.35);
      mid.text.push(`W<sup>${ell}</sup><sub>${j},${k}</sub> = ${w[i].toFixed(3)}`);
      mid.id.push(["w", ell, j, k, w[i]]);
    });
    const data = Object.values(groups).map((g) => ({
      type: "scatter", mode: "lines", name: `${g.positive ? "+" : "-"}${g.bin}`, x: g.x, y: g.y, hoverinfo: "skip", showlegend: false,
      line: { color: g.positive ? POSITIVE : NEGATIVE, width: 0.5 + 1.6 * g.bin }, opacity: 0.75 }));
    data.push({ type: "scatter", mode: "markers", name: "weights", x: mid.x, y: mid.y, text: mid.text, customdata: mid.id, showlegend: false,
      hovertemplate: "%{text}<extra></extra>", marker: { size: 10, color: "rgba(0,0,0,0)" } });
    const b = BPL.arr.biases ? BPL.at(BPL.arr.biases, state.t) : null;
    data.push({ type: "scatter", mode: "markers", name: "neurons", showlegend: false,
      x: net.nodes.map((n) => n[0]), y: net.nodes.map((n) => n[1]),
      customdata: net.nodes.map((n) => [n[2], n[3]]),
      text: net.nodes.map((n, i) => (n[2] === 0 ? `input ${n[3]}` :
        `layer ${n[2]}, neuron ${n[3]}` + (b && n[4] >= 0 ? `<br>b = ${b[n[4]].toFixed(3)}` : ""))),
      hovertemplate: "%{text}<extra></extra>",
      marker: { size: 22, color: "#fff", line: { color: "#000", width: 1.5 } } });
    const layout = { uirevision: "network", height: 360, margin: { l: 10, r: 10, t: 10, b: 30 },
      xaxis: { visible: true, showgrid: false, zeroline: false, tickvals: net.columns.map((_, c) => c),
               ticktext: net.columns, range: [-0.5, net.columns.length - 0.5] },
      yaxis: { visible: false, range: net.yrange }, hovermode: "closest", plot_bgcolor: "#fff" };
    BPL.plot(el, data, layout);
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
      draw(BPL.state);
      el.on("plotly_click", (ev) => {
        const w = ev.points.find((q) => Array.isArray(q.customdata) && q.customdata[0] === "w");
        if (w) { // a weight: a live page lets the user edit it
          if (BPL.pickWeight) BPL.pickWeight(...w.customdata.slice(1));
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
