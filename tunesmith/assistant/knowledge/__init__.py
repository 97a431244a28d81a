"""The music-theory knowledge tree: nodes written as Markdown files, loaded into an index.

Each node is a file under `nodes/`: TOML front matter between `+++` lines, then the definition in Markdown.
Its path is the file's path without `.md` (a folder's own node is its `index.md`), its children are the
nodes one level below, so the tree is the folder tree. Front matter:

    title = "Parallel fifths"
    keywords = ["consecutive fifths"]          # other names, for keyword search
    detector = "tunesmith.theory.voice_leading.parallel"   # the rule or detector in the code, if any
    matches = ["fault:parallel_fifths"]        # what the analyser finds that this node explains
    examples = [{piece = "chorales/bwv269", bar = "4", beat = 1.0}]   # written by scripts/knowledge_examples.py

Retrieval: by path (`node`), by keyword (`search`: a small inverted index over titles, keywords and text,
scored tf-idf with the title and keywords weighted up), and by music (`for_music`: a detected fault,
cadence, non-chord tone, numeral or chord progression leads to the nodes whose `matches` name it).
The index is built once per process, on first use (`tree()`).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tunesmith.errors import ConfigError

NODES = Path(__file__).parent / "nodes"
TITLE_WEIGHT, KEYWORD_WEIGHT = 4.0, 3.0
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and are as at be by for from in into is it its of on or that the this to with".split())


@dataclass(frozen=True)
class Node:
    path: str  # "voice-leading/parallel-fifths"; "" is the root
    title: str
    text: str  # the definition, Markdown
    keywords: tuple[str, ...] = ()
    detector: str = ""
    matches: tuple[str, ...] = ()
    examples: tuple[dict, ...] = ()
    children: tuple[str, ...] = field(default=())

    @property
    def parent(self) -> str | None:
        return None if not self.path else self.path.rpartition("/")[0]


def words(text: str) -> list[str]:
    """Lower-case word tokens without stop words; a trailing "s" dropped (fifths ~ fifth)."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP:
            continue
        out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def parse_node(path: str, source: str) -> Node:
    """A node from its file's text; ConfigError naming the file for malformed front matter."""
    m = re.match(r"\A\+\+\+\n(.*?)\n\+\+\+\n?(.*)\Z", source, re.S)
    if not m:
        raise ConfigError(f"knowledge node {path!r}: no +++ front matter")
    try:
        meta = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"knowledge node {path!r}: {e}") from None
    return Node(path, meta.get("title", path), m.group(2).strip(), tuple(meta.get("keywords", ())),
                meta.get("detector", ""), tuple(meta.get("matches", ())), tuple(meta.get("examples", ())))


class Tree:
    """The loaded nodes and their indexes."""

    def __init__(self, nodes: list[Node]):
        kids = defaultdict(list)
        for n in nodes:
            if n.path:
                kids[n.parent].append(n.path)
        self.nodes = {n.path: Node(**{**n.__dict__, "children": tuple(sorted(kids[n.path]))}) for n in nodes}
        self.by_match = defaultdict(list)
        for n in self.nodes.values():
            for key in n.matches:
                self.by_match[key].append(n.path)
        self._index()

    def _index(self) -> None:
        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for n in self.nodes.values():
            for w in words(n.text):
                counts[w][n.path] += 1.0
            for w in words(" ".join(n.keywords)):
                counts[w][n.path] += KEYWORD_WEIGHT
            for w in words(n.title):
                counts[w][n.path] += TITLE_WEIGHT
        total = len(self.nodes)
        self.postings = {w: {p: (1 + math.log(c)) * math.log(1 + total / len(ps)) for p, c in ps.items()}
                         for w, ps in counts.items()}
        self.names = {n.title.lower(): n.path for n in self.nodes.values()}
        self.names.update({k.lower(): n.path for n in self.nodes.values() for k in n.keywords})

    def node(self, path: str) -> Node:
        """The node at a path; ConfigError with the nearest paths otherwise."""
        path = path.strip().strip("/")
        if path in self.nodes:
            return self.nodes[path]
        near = difflib.get_close_matches(path, list(self.nodes), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else "; `tunesmith explain --list` shows them all"
        raise ConfigError(f"no knowledge node {path!r}{hint}")

    def search(self, query: str, limit: int = 5) -> list[Node]:
        """Nodes best matching a free-text query, best first (an exact title or keyword comes first)."""
        scores: dict[str, float] = defaultdict(float)
        for w in set(words(query)):
            for p, s in self.postings.get(w, {}).items():
                scores[p] += s
        exact = self.names.get(query.strip().lower())
        if exact:
            scores[exact] += 1e6
        ranked = sorted(scores, key=lambda p: (-scores[p], p))
        return [self.nodes[p] for p in ranked[:limit]]

    def for_music(self, *keys: str) -> list[Node]:
        """Nodes that explain what the analyser found, by match keys ("fault:parallel_fifths",
        "cadence:PAC", "nct:suspension", "chord:applied", "progression:V-vi"), each node once, in order."""
        seen: dict[str, None] = {}
        for key in keys:
            for p in self.by_match.get(key, ()):
                seen.setdefault(p)
        return [self.nodes[p] for p in seen]


def load(folder: Path = NODES) -> Tree:
    """Read every node file under `folder` into a Tree."""
    nodes = []
    for f in sorted(folder.rglob("*.md")):
        rel = f.relative_to(folder).with_suffix("").as_posix()
        path = "" if rel == "index" else rel.removesuffix("/index")
        nodes.append(parse_node(path, f.read_text(encoding="utf-8")))
    return Tree(nodes)


@functools.lru_cache(maxsize=1)
def tree() -> Tree:
    """The shipped knowledge tree, loaded once."""
    return load()
