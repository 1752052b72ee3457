// The confusion matrices' section: the training set's and the test set's, drawn as small
// tables from the counts Python sends with every view (meta.confusion).

import { caption, confusionRows } from "./tables.js";

const $ = (id) => document.getElementById(id);

function cell(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function table(id, name, m, classes) {
  const el = $(id);
  $(`${id}-caption`).textContent = caption(name, m);
  if (!m) return el.replaceChildren();
  const t = confusionRows(m, classes), head = document.createElement("tr");
  head.append(...t.header.map((h) => cell("th", h, { scope: "col" })));
  const rows = t.rows.map((r) => {
    const tr = document.createElement("tr");
    tr.append(cell("th", r.label, { scope: "row" }));
    for (const c of r.cells) {
      const td = cell("td", c.text, { "data-actual": String(c.actual), "data-predicted": String(c.predicted),
        "data-count": String(c.count) });
      td.style.background = c.background;
      tr.append(td);
    }
    return tr;
  });
  return el.replaceChildren(head, ...rows);
}

/** Draw the matrices of a view's `meta.confusion` (null: not class labels). */
export function show(conf) {
  const box = $("confusion");
  box.hidden = !conf;
  if (!conf) return;
  table("confusion-train", "training set", conf.train, conf.classes);
  table("confusion-test", "test set", conf.test, conf.classes);
}
