"""Built-in corpora, all read from the corpus that ships inside the music21 package (no download).

Each corpus declares its source, style label, license and citation, and fixes its quirks here, in one place.
A work unit is one file, or one tune of a multi-tune ABC file, so that a single bad tune is skipped alone
and the parallel parse stays balanced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tunesmith.errors import ConfigError


@dataclass(frozen=True)
class CorpusSpec:
    name: str
    title: str
    folder: str  # inside music21/corpus
    pattern: str
    license: str
    citation: str
    style: str  # default style label; `style_of` may refine it per file

    def style_of(self, path: Path) -> str:
        # quirk: the Essen collection mixes Chinese (han*) and European tunes; they differ in style
        if self.name == "essen":
            return "chinese" if path.name.startswith("han") else "european"
        return self.style


_M21 = "music21 corpus (BSD-3-Clause encodings)"
CORPORA: dict[str, CorpusSpec] = {
    c.name: c
    for c in (
        CorpusSpec("chorales", "J.S. Bach, four-part chorales (Riemenschneider 371, 350 distinct files)",
                   "bach", "*.mxl",
                   f"public domain music; {_M21}", "Bach chorales, music21 corpus (Cuthbert & Ariza 2010)", "bach"),
        CorpusSpec("essen", "Essen Folksong Collection (European and Chinese)", "essenFolksong", "*.abc",
                   "non-commercial use only (Essen Associative Code license, see essenFolksong/license.txt)",
                   "Schaffrath, H. (1995). The Essen Folksong Collection. CCARH.", "european"),
        CorpusSpec("oneills", "O'Neill's Music of Ireland (1850 tunes)", "oneills1850", "*.abc",
                   f"public domain music; {_M21}", "O'Neill, F. (1903). O'Neill's Music of Ireland.", "irish"),
        CorpusSpec("ryans", "Ryan's Mammoth Collection (1883)", "ryansMammoth", "*.abc",
                   f"public domain music; {_M21}", "Ryan, W. B. (1883). Ryan's Mammoth Collection.", "american"),
        CorpusSpec("airds", "Aird's Selection of Scotch, English, Irish and Foreign Airs", "airdsAirs", "*.abc",
                   f"public domain music; {_M21}", "Aird, J. (1782-1803). A Selection of Airs.", "scottish"),
        CorpusSpec("palestrina", "G.P. da Palestrina, mass sections", "palestrina", "*.krn",
                   f"public domain music; {_M21}", "Palestrina masses, Humdrum encodings (CCARH)", "palestrina"),
    )
}
GROUPS = {"folk": ("essen", "oneills", "ryans", "airds"), "all": tuple(CORPORA)}


def resolve(names: str | list[str]) -> list[str]:
    """'chorales,folk' -> ['chorales', 'essen', ...]; unknown names raise ConfigError listing valid ones."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    out: list[str] = []
    for n in names:
        found = GROUPS.get(n, (n,) if n in CORPORA else None)
        if found is None:
            valid = ", ".join([*CORPORA, *GROUPS])
            raise ConfigError(f"unknown corpus {n!r}; valid: {valid}")
        out += [x for x in found if x not in out]
    return out


def music21_corpus_root() -> Path:
    import music21.corpus

    return Path(music21.corpus.__file__).parent


def work_units(spec: CorpusSpec) -> list[tuple[str, str, str]]:
    """(piece_id, path, abc_text or "") for every piece of a corpus, in a stable order."""
    root = music21_corpus_root()
    if spec.name == "chorales":
        from music21 import corpus

        # quirk: the Riemenschneider 371 list names 21 files twice (the same chorale set to two texts);
        # each file is one piece here, so a duplicate can never sit in train and valid at once: 350 pieces
        names = list(dict.fromkeys(corpus.chorales.Iterator(returnType="filename")))
        paths = list(dict.fromkeys(_chorale_file(root, n) for n in names))
        return [(f"chorales/{p.stem}", str(p), "") for p in paths]
    files = sorted((root / spec.folder).glob(spec.pattern))
    if spec.pattern != "*.abc":
        return [(f"{spec.name}/{p.stem}", str(p), "") for p in files]
    units = []
    for p in files:
        for i, text in enumerate(split_abc(p.read_text(encoding="latin-1"))):
            units.append((f"{spec.name}/{p.stem}/{i}", str(p), text))
    return units


def _chorale_file(root: Path, name: str) -> Path:
    """The file of a chorale-list name: the exact file, else music21's lookup (e.g. bwv18.5-l -> bwv18.5-lz)."""
    for suffix in (".mxl", ".xml", ".krn"):
        if (root / f"{name}{suffix}").exists():
            return root / f"{name}{suffix}"
    from music21 import corpus

    found = corpus.getWork(name)
    return Path(str(found[0] if isinstance(found, list) else found))


def split_abc(text: str) -> list[str]:
    """One ABC text per tune: the file header (before the first X:) is repeated in front of each tune."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("X:")]
    if not starts:
        return []
    header = "\n".join(lines[: starts[0]])
    bounds = [*starts, len(lines)]
    return [header + "\n" + "\n".join(lines[a:b]) + "\n" for a, b in zip(bounds[:-1], bounds[1:])]
