"""Names in the catalog: exact, substring and fuzzy matches of a search key, and the enterprises and
products a question mentions.

Everything per row is worked out once per snapshot (dicts of name forms, joined name strings,
bigram inverted indexes), so a query costs dict lookups, C-level ``str.find`` and one rapidfuzz
pass over a short candidate list: no Python loop over the whole catalog.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

FUZZY_MIN = 75  # ratio (0–100) from which a name counts as the one meant (one typo in four characters)
MENTION_MIN = 75  # partial ratio for an enterprise name typed with a typo inside a question
NAME_FUZZY_MIN = 80  # partial ratio for a product name typed with a typo inside a question
GRAM_SHARE_MIN = 0.3  # share of a name's bigrams a text needs before its fuzzy score is computed

_NO_ROWS = np.zeros(0, np.int64)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass
class _Joined:
    """Strings joined by newlines (normalised names never contain one) for C-speed substring search."""

    blob: str
    starts: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str]) -> _Joined:
        """The texts joined, with where each starts."""
        starts = np.zeros(len(texts), np.int64)
        offset = 0
        for i, text in enumerate(texts):
            starts[i] = offset
            offset += len(text) + 1
        return cls("\n".join(texts), starts)

    def containing(self, key: str) -> np.ndarray:
        """Positions of the texts that contain ``key``."""
        hits: list[int] = []
        at = self.blob.find(key)
        while at >= 0:
            hits.append(at)
            at = self.blob.find(key, at + 1)
        if not hits:
            return _NO_ROWS
        return np.unique(np.searchsorted(self.starts, np.asarray(hits), side="right") - 1)


@dataclass
class _Forms:
    """Distinct strings, the rows each belongs to, and a bigram index over them."""

    texts: list[str]
    rows: list[np.ndarray]
    position: dict[str, int]
    grams: dict[str, np.ndarray]
    gram_count: np.ndarray

    @classmethod
    def of(cls, per_row: Sequence[Sequence[str]]) -> _Forms:
        """The distinct forms of all rows, indexed."""
        rows: dict[str, list[int]] = defaultdict(list)
        for i, forms in enumerate(per_row):
            for form in dict.fromkeys(forms):
                rows[form].append(i)
        texts = list(rows)
        grams: dict[str, list[int]] = defaultdict(list)
        counts = np.zeros(len(texts), np.float32)
        for j, text in enumerate(texts):
            own = _bigrams(text)
            counts[j] = max(1, len(own))
            for gram in own:
                grams[gram].append(j)
        return cls(texts, [np.asarray(rows[t], np.int64) for t in texts], {t: j for j, t in enumerate(texts)},
                   {g: np.asarray(js, np.int64) for g, js in grams.items()}, counts)

    def within(self, text: str, longest: int) -> list[int]:
        """Forms that occur verbatim in ``text``."""
        found: set[int] = set()
        for i in range(len(text) - 1):
            for j in range(i + 2, min(len(text), i + longest) + 1):
                at = self.position.get(text[i:j])
                if at is not None:
                    found.add(at)
        return sorted(found)

    def sharing(self, text: str, share: float) -> np.ndarray:
        """Forms at least ``share`` of whose bigrams occur in ``text`` (candidates for fuzzy scoring)."""
        hits = np.zeros(len(self.texts), np.float32)
        for gram in _bigrams(text):
            members = self.grams.get(gram)
            if members is not None:
                hits[members] += 1.0
        return np.flatnonzero(hits / self.gram_count >= share)

    def spread(self, scores: np.ndarray, size: int) -> np.ndarray:
        """Per row, the best score among the row's forms."""
        out = np.zeros(size, np.float32)
        for j in np.flatnonzero(scores):
            rows = self.rows[j]
            out[rows] = np.maximum(out[rows], scores[j])
        return out


class NameIndex:
    """Normalised product names, product cores and enterprise forms of every row of a snapshot."""

    def __init__(self, names: Sequence[str], cores: Sequence[str], aliases: Sequence[tuple[str, ...]]) -> None:
        self.size = len(names)
        self.names = list(names)
        self.full = [a[0] if a else "" for a in aliases]
        self.short = [a[1] if len(a) > 1 else "" for a in aliases]
        exact: dict[str, list[int]] = defaultdict(list)
        for i, (name, forms) in enumerate(zip(names, aliases, strict=True)):
            for form in dict.fromkeys((name, *forms)):
                exact[form].append(i)
        self.exact = {k: np.asarray(v, np.int64) for k, v in exact.items()}
        self._names_joined = _Joined.of(self.names)
        self._full_joined = _Joined.of(self.full)
        self.enterprises = _Forms.of([[a for a in forms if len(a) >= 2] for forms in aliases])
        self.cores = _Forms.of([[c] if len(c) >= 2 else [] for c in cores])
        self._longest_alias = max((len(t) for t in self.enterprises.texts), default=2)
        self._suffixes: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for j, core in enumerate(self.cores.texts):
            for n in range(len(core), max(2, (len(core) + 1) // 2) - 1, -1):
                self._suffixes[core[-n:]].append((j, n))
        self._longest_suffix = max((len(s) for s in self._suffixes), default=2)
        self._core_lengths = np.asarray([len(c) for c in self.cores.texts], np.float32)
        process.cdist(["预热"], ["预热"], scorer=fuzz.partial_ratio)  # rapidfuzz's first call pays a setup cost

    def key_scores(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(tier, fuzzy) per row for a normalised search key: tier 3 when the key is the product name
        or an enterprise form, 2 when it is part of the product or full enterprise name or close to
        one of them (fuzzy ratio ≥ FUZZY_MIN, kept as the fuzzy score)."""
        tier = np.zeros(self.size, np.int8)
        if not key or not self.size:
            return tier, np.zeros(self.size, np.float32)
        if len(key) >= 2:
            tier[self._names_joined.containing(key)] = 2
            tier[self._full_joined.containing(key)] = 2
        fuzzy = np.zeros(self.size, np.float32)
        for choices in (self.names, self.full, self.short):
            scores = process.cdist([key], choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, dtype=np.float32)[0]
            np.maximum(fuzzy, scores, out=fuzzy)
        tier[(tier == 0) & (fuzzy > 0)] = 2
        tier[self.exact.get(key, _NO_ROWS)] = 3
        return tier, fuzzy

    def rows_of_enterprise(self, full: str) -> np.ndarray:
        """Rows whose normalised full enterprise name is ``full`` (however the name was written)."""
        rows = self.exact.get(full, _NO_ROWS)
        return rows[[self.full[int(r)] == full for r in rows]] if len(rows) else rows

    def enterprise_mentions(self, text: str) -> np.ndarray:
        """Per row, how surely normalised ``text`` names the row's enterprise: 100 for a form of three
        or more characters written out, 90 for a two-character one, 0.95 × partial ratio for a form
        of four or more characters typed with a typo."""
        forms = self.enterprises
        scores = np.zeros(len(forms.texts), np.float32)
        for j in forms.within(text, self._longest_alias):
            scores[j] = 100.0 if len(forms.texts[j]) >= 3 else 90.0
        candidates = [int(j) for j in forms.sharing(text, GRAM_SHARE_MIN)
                      if not scores[j] and len(forms.texts[j]) >= 4]
        if candidates:
            ratios = process.cdist([forms.texts[j] for j in candidates], [text], scorer=fuzz.partial_ratio,
                                   score_cutoff=MENTION_MIN, dtype=np.float32)[:, 0]
            scores[candidates] = ratios * 0.95
        return forms.spread(scores, self.size)

    def name_mentions(self, text: str) -> np.ndarray:
        """Per row, how surely normalised ``text`` names the product (0–100). Chinese names end in
        their head noun, so 集成灶 names 嵌入式集成灶: a trailing part of at least half the name scores
        80 + 20 × its share; otherwise a partial ratio of at least NAME_FUZZY_MIN (a typo)."""
        cores = self.cores
        best = np.zeros(len(cores.texts), np.int64)
        for i in range(len(text) - 1):
            for j in range(i + 2, min(len(text), i + self._longest_suffix) + 1):
                for core, n in self._suffixes.get(text[i:j], ()):
                    best[core] = max(best[core], n)
        scores = np.where(best > 0, 80.0 + 20.0 * best / np.maximum(self._core_lengths, 1), 0.0).astype(np.float32)
        candidates = [int(j) for j in cores.sharing(text, 0.5) if not best[j]]
        if candidates:
            ratios = process.cdist([cores.texts[j] for j in candidates], [text], scorer=fuzz.partial_ratio,
                                   score_cutoff=NAME_FUZZY_MIN, dtype=np.float32)[:, 0]
            scores[candidates] = ratios
        return cores.spread(scores, self.size)
