// What a job that makes no piece returned, shown under the piece: a table, an analysis with its marked score,
// a latent job's piano rolls and pieces, an evaluation's summary, else its JSON.
import { el } from "./dom.js";

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
  } else if (result.picture) {
    // a latent job's pieces (vary, interpolate): the piano rolls side by side, each piece's figures with its MIDI
    // file, and every file
    const names = Object.keys(result.files);
    const columns = Object.keys(result.pieces[0] || {}).filter((c) => c !== "file");
    const head = el("tr", {}, ...columns.map((c) => el("th", { textContent: c.replace(/_/g, " ") })), el("th", { textContent: "MIDI" }));
    const rows = result.pieces.map((p) => el("tr", {}, ...columns.map((c) => el("td", { textContent: p[c] ?? "-" })),
      el("td", {}, el("a", { href: result.files[p.file], textContent: p.file, download: "" }))));
    box.append(el("h3", { textContent: `${result.title} (${result.model.name})` }),
      el("div", { className: "downloads" }, ...names.map((n) => el("a", { href: result.files[n], textContent: n, target: "_blank" }))),
      el("img", { className: "rolls", src: result.files[result.picture], alt: "the pieces' piano rolls side by side" }),
      el("table", {}, head, ...rows));
  } else if (result.summary) {
    const accuracy = Number(result.summary.classifier_accuracy).toFixed(3);
    box.append(el("h3", { textContent: "Evaluation" }),
      el("p", { textContent: `classifier accuracy ${accuracy} (0.5: the metrics cannot tell your pieces from the reference) ` },
        el("a", { href: result.files["report.md"], textContent: "the full report", target: "_blank" })));
  } else {
    box.append(el("pre", { textContent: JSON.stringify(result, null, 1) }));
  }
}
