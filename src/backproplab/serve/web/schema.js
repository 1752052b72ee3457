// The playground's settings as its controls and its address show them, from the schema
// the page receives (backproplab.serve.settings.schema): pure functions, no DOM.

import { triples } from "./points.js";

/** The options of the "shown layer" choice for n hidden layers: [value, text] pairs. */
export function layerOptions(n) {
  const options = [["0", "the last"]];
  for (let ell = 1; ell <= n; ell++) options.push([String(ell), `layer ${ell}`]);
  return options;
}

/** A choice's options as settings `s` allow them, [value, text] pairs: a field whose
 * choices follow the problem (`byProblem`, the data sets) offers those of `s.problem`. */
export function choiceOptions(field, s = {}) {
  const text = (c) => (field.labels ? field.labels[field.choices.indexOf(c)] : c);
  const offered = (field.byProblem && field.byProblem[s.problem]) || field.choices;
  return offered.map((c) => [c, text(c)]);
}

/** How a field is shown: `{tag, attrs, options, items, labelAfter}`. `tag` is "select",
 * "input" or "checkboxes" (then `items`: one checkbox per choice); `attrs` the element's
 * attributes; `options`: a select's [value, text] pairs; `labelAfter`: the label follows
 * the control (a checkbox). `hidden`: the layer widths, for the "layer" kind. */
export function controlSpec(field, hidden = []) {
  const attrs = { id: field.name, "data-testid": field.testid };
  switch (field.kind) {
    case "choice":
      return { tag: "select", attrs, options: choiceOptions(field) };
    case "layer":
      return { tag: "select", attrs, options: layerOptions(hidden.length) };
    case "int":
    case "float": {
      const range = { min: field.lo, max: field.hi, step: field.step ?? (field.kind === "int" ? 1 : "any") };
      for (const [k, v] of Object.entries(range)) if (v !== undefined && v !== null) attrs[k] = String(v);
      return { tag: "input", attrs: { type: "number", ...attrs } };
    }
    case "bool":
      return { tag: "input", attrs: { type: "checkbox", ...attrs }, labelAfter: true };
    case "layers":
      return { tag: "input", attrs: { type: "text", size: "14", ...attrs } };
    case "features":
      return { tag: "checkboxes", items: field.choices.map((value, k) => ({ value, label: field.labels[k],
        attrs: { type: "checkbox", name: field.name, value, "data-testid": `feature-${value}` } })) };
    default:
      throw new TypeError(`unknown kind of setting ${field.kind}`);
  }
}

/** Layer widths from their text "8, 8" ([] for ""; a part that is not a number stays
 * as its text, for the server to refuse by name: NaN would reach it as null). */
export function parseLayers(text) {
  const t = text.trim();
  return t === "" ? [] : t.split(",").map((v) => {
    const part = v.trim(), n = Number(part);
    return part !== "" && Number.isFinite(n) ? n : part;
  });
}

/** A field's value from its control's text (or checked state, for "bool"); `fallback`
 * for an empty number box. */
export function fromControl(field, text, checked, fallback) {
  switch (field.kind) {
    case "bool":
      return checked;
    case "int":
    case "float":
    case "layer":
      return text === "" ? fallback : Number(text);
    case "layers":
      return parseLayers(text);
    default:
      return text;
  }
}

/** A field's value as its control's text. */
export function toControl(field, value) {
  if (field.kind === "layers") return value.join(",");
  return String(value);
}

/** Settings from an address's query, the others `defaults`. Lists are comma-separated. */
export function fromQuery(fields, defaults, search) {
  const q = new URLSearchParams(search), s = { ...defaults };
  for (const f of fields) {
    if (!q.has(f.name)) continue;
    const v = q.get(f.name), items = v === "" ? [] : v.split(",");
    if (f.kind === "layers") s[f.name] = parseLayers(v);
    else if (f.kind === "features") s[f.name] = items;
    else if (f.kind === "points") s[f.name] = triples(items.map(Number));
    else if (f.kind === "bool") s[f.name] = v === "true";
    else if (f.kind === "int" || f.kind === "float" || f.kind === "layer") s[f.name] = Number(v);
    else s[f.name] = v;
  }
  return s;
}

/** The query of an address that says `settings`: only what differs from `defaults`. */
export function toQuery(settings, defaults) {
  const q = new URLSearchParams();
  for (const [key, v] of Object.entries(settings)) {
    if (JSON.stringify(v) !== JSON.stringify(defaults[key])) q.set(key, Array.isArray(v) ? v.join(",") : String(v));
  }
  return q.toString();
}

/** The layer widths after `edit` ("add-layer", "remove-layer", "add-neuron",
 * "remove-neuron": of hidden layer `layer`, from 1, the last by default), or an error
 * text if they break `limits` ({layers, neurons}). A layer left with no neuron is dropped. */
export function editLayers(hidden, edit, limits, layer = hidden.length) {
  const h = hidden.slice(), last = h.length - 1, i = layer - 1; // (the neuron edits' layer ℓ)
  if (edit === "add-layer") h.push(h.length ? h[last] : 4);
  else if (edit === "remove-layer") h.pop();
  else if (edit === "add-neuron" && h[i] !== undefined) h[i] += 1;
  else if (edit === "remove-neuron" && h[i] !== undefined) h[i] -= 1;
  if (h.length > limits.layers) return { error: `at most ${limits.layers} hidden layers` };
  if (h.some((n) => n > limits.neurons)) return { error: `at most ${limits.neurons} neurons per layer` };
  return { hidden: h.filter((n) => n >= 1) };
}
