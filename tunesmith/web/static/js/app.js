// The studio page: compose and hear, open and rate pieces, upload a melody and run jobs on it, follow
// recommendations. Plain modules; the API does the work (see /docs).
import { api, follow, meterOf, notesOf, tempoOf } from "./api.js";
import { el } from "./dom.js";
import { ComposeForm, jobForm, pieceChoice } from "./form.js";
import { Roll } from "./roll.js";
import { renderResult } from "./result.js";
import { renderLibrary, renderRecs, renderSettings } from "./side.js";
import { signedIn } from "./signin.js";
import { Synth } from "./synth.js";

const $ = (id) => document.getElementById(id);
const TPQ = 480;
const FILES = [["mid", "MIDI"], ["wav", "WAV"], ["musicxml", "MusicXML"], ["svg", "SVG"], ["png", "PNG"], ["json", "Report"], ["original", "Original"]];
const state = { models: [], jobs: [], ratings: {}, current: null, run: null, played: false, jobForm: null };
const roll = new Roll($("roll"));
const synth = new Synth();
let form;

function toast(text, bad = false) {
  const t = $("toast");
  t.textContent = text;
  t.className = `show${bad ? " bad" : ""}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.className = ""), bad ? 6000 : 2500);
}

// --- the current piece -----------------------------------------------------------------------------------
function setProgress(label, fraction = null) {
  const p = $("progress");
  p.hidden = label === null;
  if (label === null) return;
  p.querySelector(".label").textContent = label;
  p.classList.toggle("busy", fraction === null);
  p.querySelector(".fill").style.width = fraction === null ? "" : `${Math.round(fraction * 100)}%`;
}

function describe(piece) {
  const a = piece.analysis || {};
  const parts = [piece.key && `<b>${piece.key}</b>`, piece.meter, piece.bars && `${piece.bars} bars`, piece.notes && `${piece.notes} notes`,
    piece.seconds && `${piece.seconds.toFixed(1)} s`, piece.model && `model ${piece.model}`,
    piece.settings && piece.settings.seed !== undefined && `seed ${piece.settings.seed}`,
    a.in_key_rate !== undefined && a.in_key_rate !== null && `${Math.round(a.in_key_rate * 100)}% in key`];
  return parts.filter(Boolean).join(" &middot; ");
}

function showStars(item) {
  const box = $("stars");
  box.replaceChildren();
  const stars = state.ratings[item] || 0;
  for (let i = 1; i <= 5; i++) {
    const b = el("button", { type: "button", textContent: "\u2605", className: i <= stars ? "lit" : "", title: `${i} star${i > 1 ? "s" : ""} (${i})` });
    b.dataset.stars = i;
    b.setAttribute("aria-label", `${i} stars`);
    b.addEventListener("click", () => rate(i));
    box.append(b);
  }
}

async function rate(stars) {
  const c = state.current;
  if (!c) return;
  await api("/api/ratings", { method: "PUT", body: { item: c.item, stars } });
  state.ratings[c.item] = stars;
  showStars(c.item);
  toast(`Rated ${stars} star${stars > 1 ? "s" : ""}`);
  refreshSide();
}

async function keep() {
  const c = state.current;
  if (!c || c.source !== "library") return;
  const piece = await api(`/api/pieces/${c.id}`, { method: "PATCH", body: { kept: !c.kept } });
  c.kept = piece.kept;
  $("keep").setAttribute("aria-pressed", String(c.kept));
  $("keep").innerHTML = c.kept ? "&#9733; Kept" : "&#9734; Keep";
  toast(c.kept ? "Kept in your library" : "No longer kept");
  refreshSide();
}

function show(current, { keepPlaying = false } = {}) {
  if (!keepPlaying) stop();
  state.current = current;
  state.played = keepPlaying;
  $("result").replaceChildren();
  $("piece-title").textContent = current.title;
  $("piece-meta").innerHTML = current.meta || "";
  showStars(current.item);
  const k = $("keep");
  k.hidden = current.source !== "library";
  $("stars").hidden = false;
  $("play").disabled = $("stop").disabled = false;
  k.setAttribute("aria-pressed", String(Boolean(current.kept)));
  k.innerHTML = current.kept ? "&#9733; Kept" : "&#9734; Keep";
  const files = current.files || [];
  const audio = $("audio");
  if (files.includes("wav")) audio.src = `/api/pieces/${current.id}/files/wav`;
  else audio.removeAttribute("src");
  audio.hidden = !files.includes("wav");
  $("downloads").replaceChildren(...FILES.filter(([f]) => files.includes(f)).map(([f, text]) =>
    el("a", { href: `/api/pieces/${current.id}/files/${f}`, textContent: text, download: "" })));
  const score = $("score");
  score.replaceChildren(files.includes("svg")
    ? el("img", { src: `/api/pieces/${current.id}/files/svg`, alt: `the score of ${current.title}` })
    : el("p", { className: "empty", textContent: current.source === "library" ? "No engraved score for this piece (compose with SVG to get one)." : "A piece of the built-in corpus: see and hear it in the piano roll." }));
  roll.show(current.notes, current.meter);
  document.querySelectorAll("#library li, #recs li").forEach((li) => li.classList.toggle("current", li.dataset.item === current.item));
}

async function openPiece(piece, options = {}) {
  const score = await api(`/api/pieces/${piece.id}/files/score`);
  show({ source: "library", item: `piece:${piece.id}`, id: piece.id, title: piece.title, meta: describe(piece), files: piece.files,
    kept: piece.kept, notes: notesOf(score), qpm: tempoOf(score), meter: meterOf(score) }, options);
}

async function openCorpus(item, tags) {
  const score = await api(`/api/corpus/score?item=${encodeURIComponent(item)}`);
  const meta = [tags.key && `<b>${tags.key}</b>`, tags.meter, tags.kind, tags.collection && `from ${tags.collection}`].filter(Boolean).join(" &middot; ");
  show({ source: "corpus", item, title: tags.title || item, meta, files: [], notes: notesOf(score), qpm: tempoOf(score), meter: meterOf(score) });
}

// --- playing ---------------------------------------------------------------------------------------------
function animate() {
  const audio = $("audio");
  const usingAudio = !audio.paused;
  if (!usingAudio && !synth.playing) {
    roll.playhead = -1;
    roll.draw();
    delete document.body.dataset.playing;
    return;
  }
  const qpm = state.current ? state.current.qpm : synth.qpm;
  roll.playhead = usingAudio ? (audio.currentTime * qpm * TPQ) / 60 : synth.position();
  roll.draw();
  requestAnimationFrame(animate);
}

function play() {
  const c = state.current;
  if (!c) return;
  stop();
  const audio = $("audio");
  // a stop before the audio starts rejects play() with an AbortError: expected, not an error
  if (audio.getAttribute("src")) audio.play().catch((e) => e.name === "AbortError" || toast(e.message, true));
  else synth.play(c.notes, c.qpm);
  document.body.dataset.playing = "true";
  requestAnimationFrame(animate);
  if (!state.played) {
    state.played = true;
    api("/api/plays", { method: "POST", body: { item: c.item, seconds: 0 } }).then(refreshSide).catch(() => {});
  }
}

function stop() {
  const audio = $("audio");
  audio.pause();
  if (audio.getAttribute("src")) audio.currentTime = 0;
  synth.stop();
  delete document.body.dataset.playing;
}

function playing() {
  return !$("audio").paused || synth.playing;
}

// --- composing and running jobs --------------------------------------------------------------------------
async function runJob(path, body, { live = false, tempo = 100, meter = [4, 4], bars = 8 } = {}) {
  setProgress("starting…");
  let started;
  try {
    started = await api(path, { method: "POST", body });
  } catch (e) {
    setProgress(null);
    toast(e.message, true);
    return null;
  }
  state.run = started;
  if (live) {
    stop();
    state.current = null;
    $("piece-title").textContent = "Composing…";
    $("piece-meta").textContent = "the notes sound as the model decides them";
    roll.show([], meter, bars * (meter[0] * 4 * TPQ) / meter[1]);
    synth.begin(tempo, 0.4);
    document.body.dataset.playing = "true";
    requestAnimationFrame(animate);
  }
  let notes = 0;
  const end = await follow(started.events, {
    status: () => setProgress(live ? "composing…" : "running…"),
    note: (n) => {
      notes += 1;
      $("roll").dataset.streamed = notes;
      if (live) {
        roll.add(n);
        synth.add(n);
      }
      setProgress(`${notes} notes written`);
    },
    progress: (p) => setProgress(`${p.done} of ${p.total} done`, p.done / p.total),
  });
  state.run = null;
  setProgress(null);
  if (end.type !== "done") {
    toast(end.type === "cancelled" ? "Cancelled" : `Failed: ${end.error}`, end.type !== "cancelled");
    return null;
  }
  return end.result;
}

async function compose() {
  const body = form.value();
  api("/api/settings/last", { method: "PUT", body: { values: body } }).catch(() => {});
  const r = body.request;
  const meter = r.meter ? r.meter.split("/").map(Number) : [4, 4];
  const result = await runJob("/api/jobs/compose", body, { live: body.stream, tempo: r.tempo || 100, meter, bars: r.bars || 8 });
  if (!result) return;
  // the live notes go on sounding: the finished piece replaces only what is shown
  await openPiece(result.pieces[0], { keepPlaying: body.stream && synth.playing });
  if (body.stream) api("/api/plays", { method: "POST", body: { item: state.current.item, seconds: 0 } }).catch(() => {});
  toast(result.pieces.length > 1 ? `${result.pieces.length} pieces composed` : "Composed");
  refreshSide();
}

async function runOn(job, values, second) {
  const c = state.current;
  const body = { ...values };
  if (job.inputs[0] >= 1) {
    if (!c || c.source !== "library") {
      toast("Open a piece of your library first (upload one, or compose)", true);
      return;
    }
    body.pieces = [c.id];
  }
  if (job.inputs[0] >= 2) {
    if (second() === undefined) return toast(`${job.title} needs a second piece: compose or upload another first`, true);
    body.pieces.push(second());
  }
  if (job.schema.properties.request) body.request = form.value().request;
  const result = await runJob(`/api/jobs/${job.name}`, body);
  if (!result) return;
  // only a job that makes pieces returns library pieces; another's "pieces" are rows of its report (vary)
  if (job.makes_pieces) {
    await openPiece(result.pieces[0]);
    refreshSide();
  } else renderResult($("result"), { ...result, title: job.title });
}

function jobButtons() {
  const box = $("job-buttons");
  box.replaceChildren();
  for (const job of state.jobs.filter((j) => j.name !== "compose")) {
    const b = el("button", { type: "button", textContent: job.title, title: job.summary });
    b.dataset.job = job.name;
    b.addEventListener("click", async () => {
      const f = $("job-form");
      const mine = (state.jobForm = {});
      const values = jobForm(f, job, state.models, { model: form.value().model });
      let second = () => undefined;
      if (job.inputs[0] >= 2) {
        const [row, value] = await pieceChoice(state.current && state.current.item);
        if (state.jobForm !== mine) return; // another click's form took this one's place meanwhile
        f.prepend(row);
        second = value;
      }
      const run = el("button", { type: "button", className: "primary", textContent: `Run ${job.title.toLowerCase()}` });
      run.id = "job-run";
      run.addEventListener("click", () => runOn(job, values(), second));
      f.append(el("p", { className: "hint", textContent: job.summary + (job.schema.properties.request ? " It uses the compose settings above." : "") }),
        el("div", { className: "actions" }, run));
      f.hidden = false;
    });
    box.append(b);
  }
}

async function upload(file) {
  const data = new FormData();
  data.append("file", file);
  setProgress(`reading ${file.name}…`);
  try {
    const piece = await api("/api/pieces", { method: "POST", form: data });
    await openPiece(piece);
    toast(`${piece.title}: ${piece.notes} notes`);
    refreshSide();
  } catch (e) {
    toast(e.message, true);
  } finally {
    setProgress(null);
  }
}

// --- library and recommendations -------------------------------------------------------------------------
async function refreshLibrary() {
  const kept = document.querySelector("#library-tabs .on").dataset.kept;
  const r = await api(`/api/pieces?limit=100${kept ? "&kept=true" : ""}`);
  renderLibrary($("library"), r.pieces, state.ratings, kept, openPiece);
}

async function openRec(rec) {
  if (rec.item.startsWith("piece:")) await openPiece(await api(`/api/pieces/${rec.item.slice(6)}`));
  else await openCorpus(rec.item, rec.tags);
}

async function refreshRecs() {
  const r = await api("/api/recommendations?n=8");
  renderRecs($("recs"), r.pieces, openRec, play);
  renderSettings($("setting-recs"), r.settings, (s) => {
    form.set({ model: s.model, request: s.request });
    toast("Settings filled in: press Compose");
  });
  $("catalog-note").textContent = r.catalog.note || `${r.catalog.items.toLocaleString()} built-in pieces to choose from`;
}

async function refreshSide() {
  try {
    state.ratings = (await api("/api/ratings")).ratings;
    await Promise.all([refreshLibrary(), refreshRecs()]);
  } catch (e) {
    toast(e.message, true);
  }
}

// --- wiring ----------------------------------------------------------------------------------------------
function typing(ev) {
  const t = ev.target;
  return t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
}

function keys(ev) {
  if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") {
    ev.preventDefault();
    compose();
    return;
  }
  if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === " ") {
    ev.preventDefault();
    if (playing()) stop();
    else play();
  } else if (ev.key === "Escape") stop();
  else if (ev.key === "k" || ev.key === "K") keep();
  else if (/^[1-5]$/.test(ev.key)) rate(Number(ev.key));
}

async function main() {
  // nothing to play, rate or keep before a piece is open
  $("audio").hidden = $("keep").hidden = $("stars").hidden = true;
  $("play").disabled = $("stop").disabled = true;
  const me = await signedIn();
  $("who-name").textContent = me.name;
  $("sign-out").hidden = false;
  $("sign-out").addEventListener("click", async () => {
    await api("/api/logout", { method: "POST" });
    location.reload();
  });
  [state.models, state.jobs] = await Promise.all([api("/api/models"), api("/api/jobs")]);
  form = new ComposeForm($("compose-form"), state.models, state.jobs.find((j) => j.name === "compose"));
  const saved = (await api("/api/settings")).settings.last;
  if (saved) form.set(saved);
  jobButtons();
  $("compose").addEventListener("click", compose);
  $("play").addEventListener("click", play);
  $("stop").addEventListener("click", stop);
  $("keep").addEventListener("click", keep);
  $("cancel").addEventListener("click", () => state.run && api(state.run.url, { method: "DELETE" }));
  $("audio").addEventListener("play", () => requestAnimationFrame(animate));
  $("upload").addEventListener("change", (ev) => ev.target.files[0] && upload(ev.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    if (ev.dataTransfer.files[0]) upload(ev.dataTransfer.files[0]);
  });
  document.querySelectorAll("#library-tabs button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("#library-tabs button").forEach((x) => x.classList.toggle("on", x === b));
    refreshLibrary();
  }));
  document.addEventListener("keydown", keys);
  await refreshSide();
  document.body.dataset.ready = "true";
}

main().catch((e) => toast(e.message, true));
