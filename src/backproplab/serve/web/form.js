// The settings' controls, built from the schema (schema.js says how each field is shown):
// each field's control goes into the element of its group, [data-group=…], before what
// the page wrote there (its buttons), or what says data-after="name" just after the
// control of setting `name`.

import { choiceOptions, controlSpec, fromControl, layerOptions, toControl } from "./schema.js";

function element(tag, attrs = {}, text = "") {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text) el.textContent = text;
  return el;
}

function optionsOf(pairs) {
  return pairs.map(([value, text]) => element("option", { value }, text));
}

// A field's control and its label (<label for>: the control's name is the label alone).
function control(field) {
  const spec = controlSpec(field);
  if (spec.tag === "checkboxes") {
    return spec.items.map((item) => {
      const label = element("label");
      label.append(element("input", item.attrs), ` ${item.label}`);
      return label;
    });
  }
  const el = element(spec.tag, spec.attrs), label = element("label", { for: field.name }, field.label);
  if (spec.options) el.append(...optionsOf(spec.options));
  const pair = element("span", { class: "setting" });
  if (spec.labelAfter) pair.append(el, " ", label);
  else pair.append(label, " ", el);
  return [pair];
}

/** Build every field's control in `root` (a document). */
export function buildControls(root, fields) {
  const groups = new Map();
  for (const f of fields) {
    if (!f.group) continue;
    if (!groups.has(f.group)) groups.set(f.group, []);
    groups.get(f.group).push(...control(f));
  }
  for (const [group, labels] of groups) {
    const box = root.querySelector(`[data-group="${group}"]`);
    if (!box) throw new Error(`the page has no place for the settings of ${group}`);
    const legend = box.querySelector(":scope > legend");
    if (legend) legend.after(...labels);
    else box.prepend(...labels);
  }
  for (const extra of root.querySelectorAll("[data-after]")) {
    root.getElementById(extra.dataset.after).closest(".setting").after(extra);
  }
}

function features(root, name) {
  return [...root.querySelectorAll(`input[name="${name}"]`)];
}

/** The settings the controls in `root` show; `base`: the values of fields without one. */
export function readControls(root, fields, base) {
  const s = { ...base };
  for (const f of fields) {
    if (!f.group) continue;
    if (f.kind === "features") {
      s[f.name] = features(root, f.name).filter((c) => c.checked).map((c) => c.value);
      continue;
    }
    const el = root.getElementById(f.name);
    s[f.name] = fromControl(f, el.value, el.checked, base[f.name]);
  }
  const watch = fields.find((f) => f.kind === "layer"), layers = fields.find((f) => f.kind === "layers");
  if (watch && layers && s[watch.name] > s[layers.name].length) s[watch.name] = 0; // (its layer went)
  return s;
}

/** Show settings `s` in the controls in `root`. */
export function writeControls(root, fields, s) {
  const layers = fields.find((f) => f.kind === "layers");
  for (const f of fields) {
    if (!f.group) continue;
    if (f.kind === "features") {
      for (const c of features(root, f.name)) c.checked = s[f.name].includes(c.value);
      continue;
    }
    const el = root.getElementById(f.name);
    if (f.kind === "layer") el.replaceChildren(...optionsOf(layerOptions(layers ? s[layers.name].length : 0)));
    if (f.byProblem) { // (the data sets of the problem in force)
      const want = choiceOptions(f, s);
      if ([...el.options].map((o) => o.value).join() !== want.map(([v]) => v).join()) {
        el.replaceChildren(...optionsOf(want));
      }
    }
    if (f.kind === "bool") el.checked = s[f.name];
    else el.value = toControl(f, s[f.name]);
  }
}
