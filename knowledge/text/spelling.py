"""Near-miss spellings in questions, read as the policy's terms (采够 → 采购, 目彔 → 目录, 拍斥 → 排斥).

A question typed with a pinyin input method often carries a character of the same sound (够 for 购) or
one that looks alike (彔 for 录). Such a slip defeats every reading that matches the policy's words:
the question's form (排斥 → "may they exclude?"), retrieval and the conclusion. A slip is corrected
only when all of these hold, so well-formed text is left alone:

- the character stands alone in the segmentation (a word of its own such as 不能 is never changed);
- the window around it starts and ends at word boundaries, is no known word itself, and becomes a
  known term (the policy's words, the lexicon's terms, :file:`asking_words.txt`) by that one change;
- the new character sounds like the old one (:file:`homophones.txt`, with the common fuzzy initials and
  finals) or looks like it (:file:`lookalikes.txt`); for terms of five characters or more, any one
  edit (Levenshtein distance 1, via rapidfuzz) inside the window, at a lone character, will do
  (浙江制照精品, 浙江制精品);
- two characters that are both everyday words of their own (是用 beside 使用) are read as written;
- so is a window that, with the character before or after it, occurs in the corpus (品字 of 品字标
  is not a slip for 品质 when a notice in the knowledge base says 品字标).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

_CJK_TERM = re.compile(r"[\u4e00-\u9fff]{2,8}")
_FUZZY_INITIAL = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINAL = (("ang", "an"), ("eng", "en"), ("ing", "in"))
MAX_WINDOW = 8
LONG_TERM = 5  # from this length on, any single edit inside the window is a near miss
COMMON = 20_000  # a character this frequent as a word of its own (是, 用) pairs with another as written


def _data_lines(name: str) -> list[str]:
    text = (resources.files("knowledge") / "data" / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _fuzzy(syllable: str) -> str:
    for full, short in _FUZZY_INITIAL:
        if syllable.startswith(full):
            syllable = short + syllable[len(full):]
            break
    for full, short in _FUZZY_FINAL:
        if syllable.endswith(full):
            return syllable[: -len(full)] + short
    return syllable


@cache
def _sounds() -> dict[str, frozenset[str]]:
    """Each character's (fuzzy) syllables."""
    sounds: dict[str, set[str]] = defaultdict(set)
    for line in _data_lines("homophones.txt"):
        syllable, _, chars = line.partition("\t")
        for ch in chars.strip():
            sounds[ch].add(_fuzzy(syllable.strip()))
    return {c: frozenset(s) for c, s in sounds.items()}


@cache
def _lookalikes() -> dict[str, frozenset[str]]:
    alike: dict[str, set[str]] = defaultdict(set)
    for group in _data_lines("lookalikes.txt"):
        for ch in group:
            alike[ch].update(group)
    return {c: frozenset(g) for c, g in alike.items()}


def near_miss(typed: str, meant: str) -> bool:
    """True when ``typed`` is a character often written for ``meant``: the same (fuzzy) sound or a
    look-alike."""
    if typed == meant:
        return False
    sounds = _sounds()
    return bool(sounds.get(typed, frozenset()) & sounds.get(meant, frozenset())) or typed in _lookalikes().get(
        meant, frozenset())


@cache
def asking_words() -> frozenset[str]:
    """The words of :file:`asking_words.txt`."""
    return frozenset(w for ln in _data_lines("asking_words.txt") for w in ln.split())


@dataclass(frozen=True)
class Correction:
    """One near-miss spelling read as a term: ``typed`` at ``start`` is read as ``term``."""

    start: int
    typed: str
    term: str


@dataclass
class Speller:
    """Reads near-miss spellings of known ``terms`` in a text; ``segment`` cuts a text into words
    (without guessing new words), ``frequency`` is a word's count in the general dictionary (0: none)."""

    terms: frozenset[str]
    segment: Callable[[str], list[str]]
    frequency: Callable[[str], int]
    corpus: str = ""
    _by_mask: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _long: dict[int, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_mask: dict[str, list[str]] = defaultdict(list)
        long: dict[int, list[str]] = defaultdict(list)
        for term in self.terms:
            for i in range(len(term)):
                by_mask[f"{term[:i]}?{term[i + 1:]}"].append(term)
            if len(term) >= LONG_TERM:
                long[len(term)].append(term)
        self._by_mask, self._long = dict(by_mask), dict(long)

    def _known(self, text: str) -> bool:
        return text in self.terms or self.frequency(text) > 0 or (
            len(text) == 2 and min(self.frequency(text[0]), self.frequency(text[1])) >= COMMON)

    def _in_corpus(self, text: str, start: int, end: int) -> bool:
        """True when ``text[start:end]`` with a neighbouring character is written so in the corpus."""
        return bool(self.corpus) and ((end < len(text) and text[start:end + 1] in self.corpus)
                                      or (start > 0 and text[start - 1:end] in self.corpus))

    def _best(self, window: str, lone: set[int]) -> str | None:
        """The term ``window`` is a near miss of (the longest, then the first in order), or None."""
        found = [t for i in lone for t in self._by_mask.get(f"{window[:i]}?{window[i + 1:]}", ())
                 if near_miss(window[i], t[i])]
        if not found and len(window) + 1 >= LONG_TERM and len(lone) < len(window):
            found = [t for n in (len(window) - 1, len(window), len(window) + 1) if n >= LONG_TERM
                     for t in self._long.get(n, ()) if Levenshtein.distance(window, t, score_cutoff=1) <= 1
                     and _edit_within(window, t, lone)]
        return min(found, key=lambda t: (-len(t), t)) if found else None

    def corrections(self, text: str) -> list[Correction]:
        """The near-miss spellings of ``text``, left to right, none overlapping."""
        words = self.segment(text)
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w)
        bounds = [*starts, pos]
        found: list[Correction] = []
        taken = -1
        for a, start in enumerate(starts):
            if start < taken:
                continue
            best: Correction | None = None
            for b in range(a + 1, len(bounds)):
                window = text[start: bounds[b]]
                if len(window) > MAX_WINDOW:
                    break
                lone = {starts[k] - start for k in range(a, b) if len(words[k]) == 1}
                if len(window) < 2 or not lone or not _CJK_TERM.fullmatch(window) or self._known(window) \
                        or self._in_corpus(text, start, bounds[b]):
                    continue
                term = self._best(window, lone)
                if term is not None and (best is None or len(term) >= len(best.term)):
                    best = Correction(start, window, term)
            if best is not None:
                found.append(best)
                taken = best.start + len(best.typed)
        return found

    def correct(self, text: str) -> str:
        """``text`` with each near-miss spelling replaced by the term it misses."""
        for c in reversed(self.corrections(text)):
            text = text[: c.start] + c.term + text[c.start + len(c.typed):]
        return text


def _edit_within(window: str, term: str, lone: set[int]) -> bool:
    """True when the one edit turning ``window`` into ``term`` is inside the window (a character
    dropped or added at its edge only means the window is too wide or too narrow) and touches a lone
    character of it."""
    for op in Levenshtein.editops(window, term):
        tag, i = op.tag, op.src_pos
        if tag == "replace" and not (0 < i < len(window) - 1 and i in lone):
            return False
        if tag == "delete" and not (0 < i < len(window) - 1 and i in lone and window[i] in (window[i - 1], window[i + 1])):
            return False
        if tag == "insert" and not (0 < i < len(window) and {i - 1, i} & lone):
            return False
    return True


def vocabulary(*sources: Iterable[str]) -> frozenset[str]:
    """The Chinese terms (2–8 characters) among ``sources``, plus the asking words."""
    return frozenset(w for src in (*sources, asking_words()) for w in src if _CJK_TERM.fullmatch(w))
