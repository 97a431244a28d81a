// The blind listening test: fetch a pair, play each with the same synthesizer, ask, store the answer.
import { api, meterOf, notesOf, tempoOf } from "./api.js";
import { Roll } from "./roll.js";
import { Synth } from "./synth.js";

const $ = (id) => document.getElementById(id);
const synth = new Synth();
const rolls = { a: new Roll($("roll-a")), b: new Roll($("roll-b")) };
const state = { trial: null, like: { a: 0, b: 0 }, right: 0, answered: 0 };

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.className = "show bad";
  setTimeout(() => (t.className = ""), 5000);
}

function scale(side) {
  const box = $(`like-${side}`);
  box.replaceChildren();
  for (let i = 1; i <= 5; i++) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: "\u2605", className: i <= state.like[side] ? "lit" : "" });
    b.dataset.value = i;
    b.setAttribute("aria-label", `${i} of 5`);
    b.addEventListener("click", () => {
      state.like[side] = i;
      scale(side);
      ready();
    });
    box.append(b);
  }
}

function ready() {
  const guess = document.querySelector("input[name=guess]:checked");
  $("answer").disabled = !(guess && state.like.a && state.like.b && state.trial && !state.trial.answered);
}

async function next() {
  synth.stop();
  $("status").textContent = "composing the machine's excerpt…";
  $("next").disabled = true;
  try {
    const style = $("style").value || null;
    state.trial = await api("/api/listening/trials", { method: "POST", body: { style } });
  } catch (e) {
    toast(e.message);
    return;
  } finally {
    $("next").disabled = false;
    $("status").textContent = "";
  }
  state.like = { a: 0, b: 0 };
  for (const side of ["a", "b"]) {
    const score = state.trial[side];
    rolls[side].show(notesOf(score), meterOf(score));
    scale(side);
  }
  document.querySelectorAll("input[name=guess]").forEach((r) => (r.checked = false));
  $("verdict").textContent = "";
  $("verdict").className = "verdict";
  $("trial").hidden = false;
  ready();
}

function play(side) {
  const score = state.trial[side];
  synth.play(notesOf(score), tempoOf(score));
}

async function answer() {
  const guess = document.querySelector("input[name=guess]:checked").value;
  const r = await api(`/api/listening/trials/${state.trial.id}/answer`, {
    method: "POST", body: { guess, like_a: state.like.a, like_b: state.like.b } });
  state.trial.answered = true;
  state.answered += 1;
  state.right += r.correct ? 1 : 0;
  $("verdict").textContent = r.correct ? `Right: ${r.machine.toUpperCase()} was the machine's.` : `Not this time: ${r.machine.toUpperCase()} was the machine's.`;
  $("verdict").className = `verdict ${r.correct ? "right" : "wrong"}`;
  $("tally").textContent = `You told the machine in ${state.right} of ${state.answered} pairs this session.`;
  ready();
  report();
}

async function report() {
  const r = await api("/api/listening/report");
  const t = $("report");
  t.replaceChildren();
  if (!r.models.length) return;
  const head = document.createElement("tr");
  head.innerHTML = "<th>model</th><th>style</th><th>pairs</th><th>told apart</th><th>95% interval</th><th>liked real / machine</th>";
  t.append(head);
  for (const m of r.models) {
    const row = document.createElement("tr");
    row.innerHTML = `<td>${m.model}</td><td>${m.style}</td><td>${m.trials}</td><td>${Math.round(m.rate * 100)}%</td>`
      + `<td>${Math.round(m.ci95[0] * 100)}–${Math.round(m.ci95[1] * 100)}%</td><td>${m.like_real.toFixed(1)} / ${m.like_machine.toFixed(1)}</td>`;
    t.append(row);
  }
}

async function main() {
  let me;
  try {
    me = await api("/api/me");
  } catch (e) {
    location.href = "/";
    return;
  }
  $("who-name").textContent = me.name;
  const s = await api("/api/listening/styles");
  const select = $("style");
  select.append(Object.assign(document.createElement("option"), { value: "", textContent: "any" }));
  for (const style of s.styles) select.append(Object.assign(document.createElement("option"), { value: style, textContent: style }));
  if (!s.styles.length) $("status").textContent = s.note;
  $("next").addEventListener("click", next);
  $("play-a").addEventListener("click", () => play("a"));
  $("play-b").addEventListener("click", () => play("b"));
  $("answer").addEventListener("click", answer);
  document.querySelectorAll("input[name=guess]").forEach((r) => r.addEventListener("change", ready));
  await report();
  document.body.dataset.ready = "true";
}

main().catch((e) => toast(e.message));
