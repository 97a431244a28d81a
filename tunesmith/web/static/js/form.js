// Forms built from the API's own description of its jobs (JSON Schema), so that every setting of the
// library's compose Request shows here, and a new job's parameters get a form without new code.
import { api } from "./api.js";

const BASIC = ["style", "key", "meter", "bars", "tempo", "seed"];
const LABELS = {
  top_k: "Top-k", top_p: "Top-p", in_key: "Only the key's notes", key_penalty: "Key penalty",
  hold_penalty: "Hold penalty", max_leap: "Largest leap", max_rest: "Longest rest (bars)",
  end_on_tonic: "End on the tonic", programs: "Instruments (GM)", ranges: "Voice ranges",
  temperature: "Temperature", beams: "Beams", voices: "Voices", bars: "Bars", tempo: "Tempo (qpm)",
  seed: "Seed", key: "Key", meter: "Meter", style: "Style", model: "Model", number: "Pieces",
  reference: "Reference",
};
const HELP = {
  temperature: "below 1 safer, above 1 bolder", top_p: "keep the most likely tokens up to this mass",
  top_k: "keep the k most likely tokens (0: all)", beams: "above 1: the most likely piece by beam search",
  key_penalty: "nats taken from notes outside the key", hold_penalty: "nats taken from holding a note",
  max_leap: "semitones", programs: "General MIDI numbers, e.g. 52,52,52,32", ranges: "low-high per voice, e.g. 60-81,55-74",
  tempo: "quarter notes per minute; empty: the model chooses", seed: "same seed, same piece",
};

function label(name) {
  return LABELS[name] || name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

// The type of a schema property, nullable or not: "boolean", "integer", "number", "string", "array".
function kind(prop) {
  if (prop.type) return Array.isArray(prop.type) ? prop.type.find((t) => t !== "null") : prop.type;
  const options = (prop.anyOf || []).filter((o) => o.type !== "null");
  return options.length ? kind(options[0]) : "string";
}

function field(name, control, help) {
  const row = document.createElement("div");
  row.className = "field";
  const l = document.createElement("label");
  l.textContent = label(name);
  l.htmlFor = control.id;
  if (help) l.title = help;
  row.append(l, control);
  return row;
}

// A shipped model as a form lists it: its name, its voices, and its kind where it is not a sequence model.
function modelLabel(m) {
  const about = m.voices ? [m.voices === 1 ? "melody" : `${m.voices} voices`] : [];
  if (m.kind !== "sequence") about.push(m.kind);
  if (m.rl_tuned) about.push("RL-tuned");
  return about.length ? `${m.name} (${about.join(", ")})` : m.name;
}

// The shipped models a job takes (its "models" in /api/jobs: the kinds its library function accepts).
function modelsOf(job, models) {
  return job.models ? models.filter((m) => job.models.includes(m.name)) : models;
}

function select(id, options, value) {
  const s = document.createElement("select");
  s.id = id;
  for (const [v, text] of options) {
    const o = document.createElement("option");
    o.value = v;
    o.textContent = text;
    s.append(o);
  }
  s.value = value ?? "";
  return s;
}

function input(id, prop, value) {
  const type = kind(prop);
  const el = document.createElement("input");
  el.id = id;
  if (type === "boolean") {
    el.type = "checkbox";
    el.checked = value ?? prop.default ?? false;
    return el;
  }
  if (type === "integer" || type === "number") {
    el.type = "number";
    el.step = type === "integer" ? "1" : "any";
    if (prop.minimum !== undefined) el.min = prop.minimum;
    if (prop.maximum !== undefined) el.max = prop.maximum;
  }
  const v = value ?? prop.default;
  if (v !== null && v !== undefined) el.value = Array.isArray(v) ? v.map((x) => (Array.isArray(x) ? x.join("-") : x)).join(",") : v;
  el.placeholder = "default"; // shown whenever the field is left empty
  return el;
}

function read(el, prop) {
  const type = kind(prop);
  if (type === "boolean") return el.checked;
  const raw = el.value.trim();
  if (raw === "") return undefined;
  if (type === "integer") return parseInt(raw, 10);
  if (type === "number") return parseFloat(raw);
  if (type === "array") {
    const parts = raw.split(",").map((x) => x.trim()).filter(Boolean);
    return parts.map((p) => (p.includes("-") ? p.split("-").map(Number) : Number(p)));
  }
  return raw;
}

// The compose form: model and the basic settings first, every other setting under "More settings". It lists the
// models compose takes (sequence models: not a harmonizer, not a VAE).
export class ComposeForm {
  constructor(form, models, job) {
    this.form = form;
    this.models = modelsOf(job, models);
    this.schema = job.schema;
    this.request = job.schema.$defs.Request.properties;
    this.controls = {};
    this.build();
  }

  model() {
    return this.models.find((m) => m.name === this.controls.model.value) || this.models[0];
  }

  build() {
    const f = this.form;
    f.replaceChildren();
    const models = this.models.map((m) => [m.name, modelLabel(m)]);
    this.controls.model = select("f-model", models, (this.models.find((m) => m.default) || this.models[0]).name);
    f.append(field("model", this.controls.model));
    this.controls.model.addEventListener("change", () => this.refreshChoices());
    const dyn = document.createElement("div");
    f.append(dyn);
    this.basic = dyn;
    const more = document.createElement("details");
    more.innerHTML = "<summary>More settings</summary>";
    for (const [name, prop] of Object.entries(this.request)) {
      if (BASIC.includes(name)) continue;
      this.controls[name] = input(`f-${name}`, prop);
      more.append(field(name, this.controls[name], HELP[name]));
    }
    const number = input("f-number", this.schema.properties.number, 1);
    this.controls.number = number;
    more.append(field("number", number, "how many pieces, seeds seed, seed+1, ..."));
    f.append(more);
    const stream = document.createElement("label");
    stream.className = "hint";
    this.controls.stream = Object.assign(document.createElement("input"), { type: "checkbox", id: "f-stream", checked: true });
    stream.append(this.controls.stream, " Hear the notes as they are written");
    f.append(stream);
    this.refreshChoices();
  }

  refreshChoices() {
    const m = this.model();
    const keep = Object.fromEntries(BASIC.filter((n) => this.controls[n]).map((n) => [n, this.controls[n].value]));
    this.basic.replaceChildren();
    const choose = "the model's choice";
    this.controls.style = select("f-style", [["", choose], ...m.styles.map((s) => [s, s])], keep.style ?? (m.voices === 4 ? "bach" : ""));
    this.controls.key = select("f-key", [["", choose], ...m.keys.map((k) => [k, k])], keep.key);
    this.controls.meter = select("f-meter", [["", choose], ...m.meters.map((k) => [k, k])], keep.meter);
    this.controls.bars = input("f-bars", this.request.bars, keep.bars || 8);
    this.controls.tempo = input("f-tempo", this.request.tempo, keep.tempo);
    this.controls.seed = input("f-seed", this.request.seed, keep.seed || 0);
    const dice = Object.assign(document.createElement("button"), { type: "button", textContent: "new", title: "a new random seed" });
    dice.id = "f-dice";
    dice.addEventListener("click", () => (this.controls.seed.value = Math.floor(Math.random() * 100000)));
    const seedRow = document.createElement("div");
    seedRow.className = "pair";
    seedRow.append(this.controls.seed, dice);
    seedRow.id = "f-seed-row";
    for (const name of ["style", "key", "meter", "bars", "tempo"]) {
      this.basic.append(field(name, this.controls[name], HELP[name]));
    }
    const row = field("seed", seedRow, HELP.seed);
    row.querySelector("label").htmlFor = "f-seed";
    this.basic.append(row);
  }

  // The body of POST /api/jobs/compose.
  value() {
    const request = {};
    for (const [name, prop] of Object.entries(this.request)) {
      const v = read(this.controls[name], prop);
      if (v !== undefined) request[name] = v;
    }
    return {
      model: this.controls.model.value,
      number: read(this.controls.number, this.schema.properties.number) || 1,
      stream: this.controls.stream.checked,
      request,
    };
  }

  // Fill in settings (a recommendation's or the last used ones); those not given return to their defaults.
  set(values) {
    if (values.model && this.models.some((m) => m.name === values.model)) { // saved with a model now of no use
      this.controls.model.value = values.model;
      this.refreshChoices();
    }
    const request = values.request || {};
    for (const [name, prop] of Object.entries(this.request)) {
      const el = this.controls[name];
      if (!(name in request) && values.reset === false) continue;
      const v = name in request ? request[name] : prop.default;
      if (kind(prop) === "boolean") el.checked = Boolean(v);
      else el.value = v === null || v === undefined ? "" : Array.isArray(v) ? v.map((x) => (Array.isArray(x) ? x.join("-") : x)).join(",") : v;
    }
    if (!request.bars) this.controls.bars.value = 8;
  }
}

// A job's own parameters (all but the pieces it reads, and compose's settings, which come from the compose
// form): a small form, or nothing when the job has no other parameters.
export function jobForm(container, job, models, defaults = {}) {
  container.replaceChildren();
  const props = Object.entries(job.schema.properties || {}).filter(([n]) => !["pieces", "request", "formats"].includes(n));
  const controls = {};
  const taken = modelsOf(job, models);
  const names = taken.map((m) => m.name);
  for (const [name, prop] of props) {
    let el;
    if (name === "model") {
      // the models of the kinds the job takes; it starts on its own where it has shipped (the harmonizer, a VAE
      // for vary; "default" where the server picks the one that fits the piece), else on the one composing uses
      // where the job takes it, else on the first it takes. None shipped: "default", which fails with the reason.
      const own = job.default_model;
      const options = taken.map((m) => [m.name, modelLabel(m)]);
      if (own === "default") options.unshift(["default", "default (the one that fits the piece)"]);
      if (!options.length) options.push(["default", "default (none of its kind has shipped yet)"]);
      const chosen = own === "default" || names.includes(own) ? own : names.includes(defaults.model) ? defaults.model : options[0][0];
      el = select(`j-${name}`, options, chosen);
    } else if (prop.enum) el = select(`j-${name}`, prop.enum.map((v) => [v, v]), defaults[name] ?? prop.default);
    else el = input(`j-${name}`, prop, defaults[name]);
    controls[name] = el;
    container.append(field(name, el, prop.description));
  }
  const value = (n, p) => (n === "model" || p.enum ? controls[n].value : read(controls[n], p));
  return () => Object.fromEntries(props.map(([n, p]) => [n, value(n, p)]).filter(([, v]) => v !== undefined));
}

// A job of two pieces (interpolate): the open piece is the first, the second is chosen from the library
// (every piece but the open one): [the form's row, its value].
export async function pieceChoice(openItem) {
  const { pieces } = await api("/api/pieces?limit=100").catch(() => ({ pieces: [] }));
  const others = pieces.filter((p) => `piece:${p.id}` !== openItem);
  const s = select("j-with", others.map((p) => [String(p.id), p.title]), others.length ? String(others[0].id) : "");
  return [field("with", s, "the second piece, from your library"), () => (s.value ? Number(s.value) : undefined)];
}
