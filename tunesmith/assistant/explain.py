"""The job behind `tunesmith explain`: a node of the knowledge tree, found by path, by keyword or by music.

`music_keys` turns what the analyser finds (a fault, a cadence, a non-chord tone, a numeral, a chord
progression written as numerals) into the match keys that knowledge nodes declare, so that any finding of
`tunesmith analyze` or `tunesmith check` leads to the nodes that explain it.
"""

from __future__ import annotations

from tunesmith.assistant.knowledge import Node, Tree, tree
from tunesmith.errors import ConfigError
from tunesmith.theory.cadences import Cadence
from tunesmith.theory.faults import Fault
from tunesmith.theory.nonchord import NonChordTone
from tunesmith.theory.roman import Numeral


def numeral_keys(n: Numeral, mode: str = "major") -> list[str]:
    """Match keys of a numeral: its kind of chord, inversion, function."""
    keys = ["chord:seventh" if n.quality in ("7", "maj7", "m7", "m7b5", "dim7", "mMaj7") else "chord:triad"]
    if n.secondary is not None:
        keys.append("chord:applied")
    if n.figure.startswith("N"):
        keys.append("chord:neapolitan")
    if n.figure.startswith(("It", "Ger", "Fr")):
        keys.append("chord:augmented-sixth")
    if n.quality == "dim7":
        keys.append("chord:diminished-seventh")
    if (mode == "major" and n.figure.startswith("b")) or (mode == "minor" and n.figure.startswith("I")
                                                         and n.quality == "maj"):
        keys.append("chord:mixture")
    figure = n.figure.split("/")[0] if n.secondary is None else n.figure
    for fig, name in (("6/4", "second"), ("4/3", "second"), ("6/5", "first"), ("4/2", "third"), ("6", "first")):
        if fig in figure:
            keys.append(f"inversion:{name}")
            break
    keys.append(f"function:{n.function}")
    return keys


def progression_keys(figures) -> list[str]:
    """Match keys of a progression of numerals: each pair, as written and without inversions ("V7-I")."""
    figures = [f.strip() for f in figures if f.strip()]
    keys = []
    for a, b in zip(figures, figures[1:]):
        keys.append(f"progression:{a}-{b}")
        plain = [x.split("/")[0].rstrip("0123456789") or x for x in (a, b)]
        keys.append(f"progression:{plain[0]}-{plain[1]}")
    return keys


def music_keys(item) -> list[str]:
    """The match keys of a finding: Fault, Cadence, NonChordTone, Numeral, or a sequence of numerals."""
    if isinstance(item, Fault):
        return [f"fault:{item.rule}"]
    if isinstance(item, Cadence):
        return [f"cadence:{item.kind}"]
    if isinstance(item, NonChordTone):
        return [f"nct:{item.kind}"]
    if isinstance(item, Numeral):
        return numeral_keys(item)
    if isinstance(item, list | tuple):
        return progression_keys(item)
    raise ConfigError(f"cannot look up {type(item).__name__} in the knowledge tree")


def related(item, knowledge: Tree | None = None) -> list[Node]:
    """The knowledge nodes that explain a finding (see `music_keys`)."""
    return (knowledge or tree()).for_music(*music_keys(item))


def node_text(node: Node, knowledge: Tree) -> str:
    """A node for people: title and path, definition, detector, examples, children, parent."""
    out = [f"{node.title}  ({node.path or 'the root'})", "", node.text, ""]
    if node.detector:
        out.append(f"In the code: {node.detector}")
    if node.examples:
        out.append("Found in the built-in corpora: " + "; ".join(
            f"{e['piece']} bar {e['bar']}" + (f" beat {e['beat']:g}" if "beat" in e else "") for e in node.examples))
    if node.children:
        out.append("Children: " + ", ".join(f"{knowledge.nodes[c].title} ({c})" for c in node.children))
    if node.parent is not None:
        parent = knowledge.nodes.get(node.parent)
        out.append(f"Part of: {parent.title if parent else node.parent} ({node.parent or 'the root'})")
    return "\n".join(out).rstrip() + "\n"


def tree_text(knowledge: Tree) -> str:
    """Every node, indented by depth: path and title."""
    lines = []

    def walk(path: str, depth: int) -> None:
        n = knowledge.nodes[path]
        lines.append(f"{'  ' * depth}{n.title}  [{path or '/'}]")
        for c in n.children:
            walk(c, depth + 1)

    walk("", 0)
    return "\n".join(lines) + "\n"


def explain(query: str = "", progression: str = "", list_all: bool = False, limit: int = 4) -> str:
    """The text `tunesmith explain` prints: the tree (`list_all`), the nodes of a progression ("ii6/5 V7 I"),
    the node at a path, else the best keyword match with the next ones as "see also". A path or a query
    that finds nothing is a ConfigError with one line."""
    knowledge = tree()
    if list_all:
        return tree_text(knowledge)
    if progression:
        nodes = knowledge.for_music(*progression_keys(progression.replace(",", " ").split()))
        if not nodes:
            raise ConfigError(f"no knowledge node explains the progression {progression!r}")
        return "\n".join(node_text(n, knowledge) for n in nodes)
    query = query.strip()
    if not query:
        raise ConfigError("explain what? give a topic (\"parallel fifths\"), a path, or --list")
    if "/" in query or query in knowledge.nodes or ":" in query:
        if ":" in query and query not in knowledge.nodes:  # a match key: fault:parallel_fifths, cadence:PAC
            nodes = knowledge.for_music(query)
            if nodes:
                return "\n".join(node_text(n, knowledge) for n in nodes)
        return node_text(knowledge.node(query), knowledge)
    found = knowledge.search(query, limit + 1)
    if not found:
        raise ConfigError(f"nothing in the knowledge tree matches {query!r}; `tunesmith explain --list` shows it all")
    text = node_text(found[0], knowledge)
    if len(found) > 1:
        text += "\nSee also: " + ", ".join(f"{n.title} ({n.path})" for n in found[1:]) + "\n"
    return text
