"""Policy vocabulary: jieba tokenising with a user dictionary, synonyms, expansions and an English glossary.

The word lists are data files in ``knowledge/data`` so staff can extend them without code changes.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import jieba

from knowledge.text.normalize import cjk_ratio, fold
from knowledge.text.spelling import Speller, vocabulary

_DATA = resources.files("knowledge") / "data"
_KEEP = re.compile(r"[\w%]")  # a token must contain a letter, digit, ideograph or percent sign
_EN_WORD = re.compile(r"[a-z][a-z0-9&'\-]*")

jieba.setLogLevel(logging.WARNING)


def _read_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@dataclass
class Lexicon:
    """Tokeniser and term maps for policy text and questions (Chinese and English)."""

    userdict_path: Path | None = None

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        tok = jieba.Tokenizer()
        tok.initialize()
        path = self.userdict_path or Path(str(_DATA / "userdict.txt"))
        tok.load_userdict(str(path))
        return tok

    @cached_property
    def stopwords(self) -> frozenset[str]:
        """Function and question words that carry no policy meaning."""
        return frozenset(w for ln in _read_lines("stopwords.txt") for w in ln.split())

    @cached_property
    def _synonyms(self) -> tuple[re.Pattern[str], dict[str, str]]:
        mapping: dict[str, str] = {}
        for ln in _read_lines("synonyms.txt"):
            canonical, _, variants = ln.partition(":")
            canonical = fold(canonical.strip())
            mapping[canonical] = canonical
            for variant in variants.split():
                mapping.setdefault(fold(variant), canonical)
        alternation = "|".join(re.escape(v) for v in sorted(mapping, key=len, reverse=True))
        return re.compile(alternation), mapping

    @cached_property
    def _expansions(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for ln in _read_lines("expansions.txt"):
            term, _, extra = ln.partition(":")
            out[fold(term.strip())] = tuple(fold(t) for t in extra.split())
        return out

    @cached_property
    def _glossary(self) -> tuple[re.Pattern[str], dict[str, str]]:
        mapping: dict[str, str] = {}
        for ln in _read_lines("glossary_en.txt"):
            english, _, chinese = ln.partition("=")
            key = english.strip().lower()  # a phrase listed twice means all its terms, not the last line's
            mapping[key] = " ".join(dict.fromkeys([*mapping.get(key, "").split(), *chinese.split()]))
        alternation = "|".join(re.escape(e) for e in sorted(mapping, key=len, reverse=True))
        return re.compile(rf"(?<![a-z])(?:{alternation})(?![a-z])"), mapping

    def canonicalize(self, text: str) -> str:
        """Fold widths and case, then rewrite synonyms to their canonical policy term."""
        pattern, mapping = self._synonyms
        return pattern.sub(lambda m: mapping[m.group(0)], fold(text))

    def translate_english(self, text: str) -> tuple[str, list[str]]:
        """Map English glossary phrases to Chinese terms.

        Returns the Chinese terms joined by spaces and the English content words the glossary
        does not know (stopwords excluded).
        """
        pattern, mapping = self._glossary
        low = _EN_WORD.sub(lambda m: self._singular(m.group(0)), fold(text))
        terms = [mapping[m.group(0)] for m in pattern.finditer(low)]
        rest = pattern.sub(" ", low)
        unknown = [w for w in _EN_WORD.findall(rest) if w not in self.stopwords and len(w) > 2]
        return " ".join(terms), unknown

    @cached_property
    def _glossary_words(self) -> frozenset[str]:
        return frozenset(w for phrase in self._glossary[1] for w in phrase.split())

    def _singular(self, word: str) -> str:
        """``word`` as the glossary spells it: fairs → fair, subsidies → subsidy, when only that form is listed."""
        known = self._glossary_words
        if word in known or len(word) < 4 or not word.endswith("s"):
            return word
        for stem in (word[:-3] + "y" if word.endswith("ies") else "", word[:-2] if word.endswith("es") else "",
                     word[:-1]):
            if stem and stem in known:
                return stem
        return word

    def is_english(self, text: str) -> bool:
        """True when most letters of ``text`` are Latin rather than CJK."""
        return cjk_ratio(text) < 0.3 and bool(_EN_WORD.search(fold(text)))

    def _clean(self, tokens: list[str]) -> list[str]:
        return [t for t in (t.strip() for t in tokens) if t and _KEEP.search(t) and t not in self.stopwords]

    def index_tokens(self, text: str) -> list[str]:
        """Tokens for BM25 indexing: canonical text cut in search mode (overlapping words kept)."""
        return self._clean(self._jieba.lcut_for_search(self.canonicalize(text)))

    def general_rarity(self, word: str) -> float:
        """How rare ``word`` is in general Chinese (0 = everyday word … 1 = rare or unseen), from the
        word frequencies of jieba's dictionary. Lets a check tell 厂/进/便宜 apart from 增值税/天气预报."""
        freq = self._jieba.FREQ.get(word, 0)
        if freq <= 0:
            return 1.0
        rarity = math.log(self._jieba.total / freq)
        return min(1.0, max(0.0, (rarity - 8.0) / 5.0))

    def char_bigrams(self, text: str) -> list[str]:
        """Overlapping character bigrams of the canonical text within runs of CJK/alphanumerics.

        They catch what word segmentation misses (重点选择 vs 重点/选择) and survive typos.
        """
        grams: list[str] = []
        for run in re.findall(r"[\u4e00-\u9fff]+|[a-z0-9%]+", self.canonicalize(text)):
            if run.isascii():
                grams.append(run)
            else:
                grams.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
        return grams

    def plain_words(self, text: str) -> list[str]:
        """Every word of ``text`` as written (width-folded, precise cut, nothing removed or mapped)."""
        return [w for w in self._jieba.lcut(fold(text)) if w.strip()]

    def words(self, text: str) -> list[str]:
        """Content words of ``text`` (precise cut of the canonical text, stopwords removed)."""
        return self._clean(self._jieba.lcut(self.canonicalize(text)))

    def query_text(self, question: str) -> str:
        """The question as matched against the KB: canonical Chinese, English glossary terms appended."""
        canonical = self.canonicalize(question)
        if re.search(r"[a-z]{2,}", canonical):
            chinese, _ = self.translate_english(question)
            if chinese:
                canonical = f"{canonical} {chinese}"
        return canonical

    @cached_property
    def _spellers(self) -> dict[str, Speller]:
        return {}

    def _data_terms(self) -> list[str]:
        userdict = [ln.split()[0] for ln in _read_lines("userdict.txt")]
        synonyms = [w for ln in _read_lines("synonyms.txt") for w in ln.replace(":", " ").split()]
        glossary = [w for ln in _read_lines("glossary_en.txt") for w in ln.partition("=")[2].split()]
        return [*userdict, *synonyms, *glossary]

    def speller(self, corpus: str = "") -> Speller:
        """The speller for questions about ``corpus`` (the policy text): its words, the lexicon's terms
        and the asking words are what a near-miss spelling is read as (one per corpus, kept)."""
        found = self._spellers.get(corpus)
        if found is None:
            terms = vocabulary(self._data_terms(), self.index_tokens(corpus) if corpus else ())
            found = Speller(terms, lambda text: self._jieba.lcut(text, HMM=False),
                            lambda word: int(self._jieba.FREQ.get(word, 0)), corpus)
            if len(self._spellers) >= 4:
                self._spellers.clear()
            self._spellers[corpus] = found
        return found

    def respell(self, text: str, corpus: str = "") -> str:
        """``text`` with near-miss spellings of known terms read as the terms (采够 → 采购)."""
        return self.speller(corpus).correct(text)

    def query_tokens(self, question: str) -> list[str]:
        """Tokens for BM25 search: canonical question and glossary terms, plus expansion terms."""
        tokens = self._clean(self._jieba.lcut_for_search(self.query_text(question)))
        extra = [e for t in tokens for e in self._expansions.get(t, ())]
        return list(dict.fromkeys(tokens + extra))


@cache
def shared_lexicon() -> Lexicon:
    """The process-wide lexicon with the bundled vocabulary (jieba loads its dictionary once)."""
    return Lexicon()
