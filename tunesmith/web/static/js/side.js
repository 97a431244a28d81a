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

// What a job that makes no piece returned: originality rows, an evaluation's summary, else its JSON.
export function renderResult(box, result) {
  box.replaceChildren();
  if (result.rows) {
    const rows = result.rows.map((r) => el("tr", {}, el("td", { textContent: r.longest_shared_run ?? "-" }),
      el("td", { textContent: r.ngram_overlap ?? "-" }), el("td", { textContent: r.longest_match_piece || "-" })));
    box.append(el("h3", { textContent: `Originality against ${result.index}` }),
      el("table", {}, el("tr", {}, el("th", { textContent: "longest shared run (notes)" }),
        el("th", { textContent: `${result.rows[0].n}-gram overlap` }), el("th", { textContent: "closest training piece" })), ...rows));
  } else if (result.text !== undefined) {
    // an analysis: the marked score (faults in colour, numerals under the bass), the report, every file
    const names = Object.keys(result.files || {});
    const svg = names.find((n) => n.endsWith(".svg"));
    box.append(el("h3", { textContent: result.title || "Result" }),
      el("div", { className: "downloads" }, ...names.map((n) => el("a", { href: result.files[n], textContent: n, target: "_blank" }))));
    if (svg) box.append(el("img", { className: "analysis-score", src: result.files[svg], alt: "the analysed score" }));
    box.append(el("pre", { className: "analysis-text", textContent: result.text }));
  } else if (result.summary) {
    const accuracy = Number(result.summary.classifier_accuracy).toFixed(3);
    box.append(el("h3", { textContent: "Evaluation" }),
      el("p", { textContent: `classifier accuracy ${accuracy} (0.5: the metrics cannot tell your pieces from the reference) ` },
        el("a", { href: result.files["report.md"], textContent: "the full report", target: "_blank" })));
  } else {
    box.append(el("pre", { textContent: JSON.stringify(result, null, 1) }));
  }
}
