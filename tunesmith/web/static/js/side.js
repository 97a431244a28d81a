// The right-hand side of the studio: the user's library and the recommendations, each with its reason.
import { el } from "./dom.js";

function stars(n) {
  return n ? "\u2605".repeat(n) : "";
}

// The library list; `open(piece)` when a title is clicked.
export function renderLibrary(list, pieces, ratings, kept, open) {
  list.replaceChildren();
  if (!pieces.length) {
    const text = kept ? "Nothing kept yet: press Keep (K) on a piece you like." : "No pieces yet.";
    list.append(el("li", {}, el("span", { className: "empty-row", textContent: text })));
  }
  for (const p of pieces) {
    const li = el("li", {}, el("span", { className: "name", textContent: p.title }),
      el("span", { className: "sub-stars", textContent: stars(ratings[`piece:${p.id}`]) }),
      el("span", { className: "sub", innerHTML: [p.key, p.meter, `${p.bars} bars`, p.origin].filter(Boolean).join(" &middot; ") }));
    li.dataset.item = `piece:${p.id}`;
    li.querySelector(".name").addEventListener("click", () => open(p));
    list.append(li);
  }
}

// Pieces to hear: `open(rec)` on the title, `open(rec)` then `play()` on the play button.
export function renderRecs(list, recs, open, play) {
  list.replaceChildren();
  for (const rec of recs) {
    const go = el("button", { type: "button", className: "go", textContent: "\u25B6", title: "open and play" });
    const li = el("li", {}, el("span", { className: "name", textContent: rec.title }), go, el("span", { className: "why", textContent: rec.because }));
    li.dataset.item = rec.item;
    li.querySelector(".name").addEventListener("click", () => open(rec));
    go.addEventListener("click", async () => {
      await open(rec);
      play();
    });
    list.append(li);
  }
  if (!recs.length) list.append(el("li", {}, el("span", { className: "empty-row", textContent: "Nothing to offer yet." })));
}

// Settings to try: `tryIt(suggestion)` fills the compose form.
export function renderSettings(list, suggestions, tryIt) {
  list.replaceChildren();
  for (const s of suggestions) {
    const req = s.request;
    const text = [s.label, req.tempo && `${req.tempo} qpm`].filter(Boolean).join(", ");
    const button = el("button", { type: "button", className: "go", textContent: "Try" });
    button.addEventListener("click", () => tryIt(s));
    list.append(el("li", {}, el("span", { className: "name", textContent: text }), button, el("span", { className: "why", textContent: s.because })));
  }
}
