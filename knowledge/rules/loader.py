"""Rules as data: the YAML schema, its loader and the check against the knowledge base.

A rules file names a document and lists rules; each rule has conditions over the fact vocabulary
(:mod:`knowledge.rules.facts`), an outcome and the clauses it rests on (with verbatim quotes). Loading
rejects unknown fields, unknown facts, values a fact cannot take and clauses or quotes the KB does
not hold, with a message that names the rule and the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.errors import FactError, RulesError
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation, Clause, Document
from knowledge.rules.facts import FACTS, parse_facts

TESTS = ("is_", "in_", "contains_any", "at_least", "at_most", "within_years", "listed_on_as_of", "any_of",
         "assessment")
_NUMBER_TESTS = ("at_least", "at_most")
_NUMBER_KINDS = ("int", "number")


class ConditionSpec(BaseModel):
    """One condition: a fact and exactly one test (see the header of the bundled rules file)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    label: str
    fact: str | None = None
    is_: Any = Field(None, alias="is")
    in_: list[Any] | None = Field(None, alias="in")
    unsure: dict[str, str] | None = None  # with ``in``/``is``: values that may or may not do → needs_info, with this note
    contains_any: list[str] | None = None
    at_least: float | None = None
    at_most: float | None = None
    by_region: dict[str, float] | None = None
    within_years: int | None = None
    listed_on_as_of: bool | None = None
    any_of: list[ConditionSpec] | None = None
    assessment: str | None = None

    @property
    def test(self) -> str:
        """The name of the test this condition applies."""
        return next(t for t in TESTS if getattr(self, t) is not None)

    @field_validator("fact")
    @classmethod
    def _known_fact(cls, fact: str | None) -> str | None:
        if fact is not None and fact not in FACTS:
            raise ValueError(f"未知的事实项 {fact!r}（可用：{', '.join(FACTS)}）")
        return fact

    @model_validator(mode="after")
    def _one_test_on_a_known_fact(self) -> ConditionSpec:
        tests = [t.rstrip("_") for t in TESTS if getattr(self, t) is not None]
        if len(tests) != 1:
            raise ValueError(f"条件“{self.label}”须恰好有一个判断（{', '.join(t.rstrip('_') for t in TESTS)}），"
                             f"现有：{', '.join(tests) or '无'}")
        test = self.test
        if test in ("any_of", "assessment"):
            if self.fact is not None:
                raise ValueError(f"条件“{self.label}”：{test} 不带 fact")
            return self
        if self.fact not in FACTS:
            raise ValueError(f"条件“{self.label}”：未知的事实项 {self.fact!r}（可用：{', '.join(FACTS)}）")
        kind = FACTS[self.fact].kind
        expected = {"within_years": ("date",), "at_least": _NUMBER_KINDS, "at_most": _NUMBER_KINDS,
                    "contains_any": ("str",), "listed_on_as_of": ("bool",)}.get(test)
        if expected and kind not in expected:
            raise ValueError(f"条件“{self.label}”：{test} 不适用于 {self.fact}（{kind}）")
        if self.unsure is not None and test not in ("in_", "is_"):
            raise ValueError(f"条件“{self.label}”：unsure 只用于 in / is")
        if self.by_region is not None and test not in _NUMBER_TESTS:
            raise ValueError(f"条件“{self.label}”：by_region 只用于 at_least / at_most")
        for value in ([self.is_] if test == "is_" else [*(self.in_ or [])]) + [*(self.unsure or {})]:
            try:
                parse_facts({self.fact: value})
            except FactError as exc:
                raise ValueError(f"条件“{self.label}”：{exc}") from exc
        return self


class CiteSpec(BaseModel):
    """A clause of the rules file's document and the verbatim words of it the rule rests on."""

    model_config = ConfigDict(extra="forbid")

    clause: str
    quote: str


class RuleSpec(BaseModel):
    """One rule as written in the file."""

    model_config = ConfigDict(extra="forbid")

    rule_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    audience: Literal["enterprise", "buyer"]
    title: str
    keywords: list[str] = []
    conditions: list[ConditionSpec] = Field(min_length=1)
    requires: list[ConditionSpec] = []
    outcome: str
    cites: list[CiteSpec] = Field(min_length=1)


class RulesFile(BaseModel):
    """A rules file: the document its clause ids belong to, and its rules."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str
    rules: list[RuleSpec]


@dataclass(frozen=True)
class Rule:
    """A loaded rule with its citations resolved against the knowledge base."""

    spec: RuleSpec
    citations: tuple[Citation, ...]

    @property
    def rule_id(self) -> str:
        """The rule's stable id."""
        return self.spec.rule_id


def bundled_rules_dir() -> Path:
    """Where the package keeps its rules files."""
    return Path(str(resources.files("knowledge") / "data" / "rules"))


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """``规则 deemed_track_record 的 conditions.0.fatc`` for a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules") if isinstance(raw, dict) else None
        rule = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
        name = rule.get("rule_id") if isinstance(rule, dict) else None
        rest = ".".join(str(p) for p in loc[2:]) or "(整条规则)"
        return f"规则 {name or f'第{loc[1] + 1}条'} 的字段 {rest}"
    return "字段 " + ".".join(str(p) for p in loc)


def parse_rules_text(text: str, name: str) -> RulesFile:
    """Validate the text of one rules file (YAML, ``safe_load`` only; structure only, see
    :func:`resolve_rule_texts` for the KB check); RulesError lists every problem found."""
    raw = _yaml(text, name)
    try:
        return RulesFile.model_validate(raw)
    except ValidationError as exc:
        raise RulesError(f"规则文件 {name} 有误 / invalid rules file：" + "；".join(_problems(raw, exc))) from exc


def _yaml(text: str, name: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"规则文件 {name} 不是有效的 YAML：{exc} / not valid YAML") from exc


def _problems(raw: Any, exc: ValidationError) -> list[str]:
    return [f"{_where(raw, tuple(e['loc']))}：{e['msg']}" for e in exc.errors()]


def parse_rules_file(path: Path) -> RulesFile:
    """Read and validate one rules file (structure only; see :func:`load_rules` for the KB check)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"规则文件 {path.name} 无法读取或解析：{exc} / cannot read rules file") from exc
    return parse_rules_text(text, path.name)


def _citation(documents: dict[str, Document], clauses: dict[tuple[str, str], Clause], doc_id: str,
              rule_id: str, at: int, cite: CiteSpec) -> Citation:
    clause = clauses.get((doc_id, cite.clause))
    if clause is None:
        raise RulesError(f"规则 {rule_id} 引用的条款 {doc_id} {cite.clause} 在知识库中不存在（字段 cites.{at}.clause） / "
                         f"rule {rule_id} cites a clause the KB does not hold")
    if cite.quote not in clause.text:
        raise RulesError(f"规则 {rule_id} 对条款 {clause.label} 的引文不是原文（字段 cites.{at}.quote）：{cite.quote[:30]}… / "
                         f"quote is not verbatim")
    document = documents[doc_id]
    return Citation(doc_id=doc_id, doc_title=document.title, doc_number=document.doc_number,
                    clause_id=clause.clause_id, label=clause.label, quote=cite.quote, text=clause.text)


def check_rules_text(text: str, name: str, documents: dict[str, Document],
                     clauses: dict[tuple[str, str], Clause]) -> RulesFile:
    """Validate an uploaded rules file against these documents and clauses: its document must be
    there and every problem found (structure, unknown facts, clauses, quotes) is listed in one
    RulesError, each naming the rule and the field."""
    raw = _yaml(text, name)
    problems: list[str] = []
    parsed: RulesFile | None = None
    try:
        parsed = RulesFile.model_validate(raw)
    except ValidationError as exc:
        problems += _problems(raw, exc)
    doc_id = raw.get("doc_id") if isinstance(raw, dict) else None
    if isinstance(doc_id, str) and doc_id not in documents:
        problems.append(f"字段 doc_id：文件 {doc_id} 不在知识库中，请先上传该文件 / document {doc_id} is not in the KB")
    elif isinstance(doc_id, str):
        for index, rule in enumerate(raw.get("rules") or [] if isinstance(raw.get("rules"), list) else []):
            cites = rule.get("cites") if isinstance(rule, dict) else None
            rule_id = str(rule.get("rule_id") or f"第{index + 1}条") if isinstance(rule, dict) else f"第{index + 1}条"
            for at, cite in enumerate(cites if isinstance(cites, list) else []):
                try:
                    _citation(documents, clauses, doc_id, rule_id, at, CiteSpec.model_validate(cite))
                except ValidationError:
                    continue  # already listed among the structure problems
                except RulesError as exc:
                    problems.append(str(exc))
    if problems or parsed is None:
        raise RulesError(f"规则文件 {name} 有误 / invalid rules file：" + "；".join(problems))
    return parsed


def resolve_rule_texts(documents: dict[str, Document], clauses: dict[tuple[str, str], Clause],
                       files: Mapping[str, str], required: Collection[str] = ()) -> list[Rule]:
    """Every rule of the given rules files (name → YAML text, in name order), checked against these
    documents and clauses (keyed by (doc_id, clause_id)). Rule ids must be unique across files. The
    rules of a document the version does not hold do not apply and are left out, except in the
    files named in ``required`` (uploaded ones), which are refused then."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for name in sorted(files):
        parsed = parse_rules_text(files[name], name)
        if parsed.doc_id not in documents:
            if name in required and parsed.rules:
                raise RulesError(f"规则文件 {name} 依据的文件 {parsed.doc_id} 不在此版本中（其规则引用它的条款） / "
                                 f"the rules file {name} rests on {parsed.doc_id}, which this version lacks")
            continue
        for spec in parsed.rules:
            if spec.rule_id in seen:
                raise RulesError(f"规则 {spec.rule_id} 重复定义（{seen[spec.rule_id]}、{name}） / duplicate rule id")
            seen[spec.rule_id] = name
            rules.append(Rule(spec, tuple(_citation(documents, clauses, parsed.doc_id, spec.rule_id, at, c)
                                          for at, c in enumerate(spec.cites))))
    return rules


def resolve_rules(documents: dict[str, Document], clauses: dict[tuple[str, str], Clause],
                  paths: list[Path] | None = None) -> list[Rule]:
    """Every rule of the given files (default: the bundled ones), checked against these documents and
    clauses (see :func:`resolve_rule_texts`)."""
    files = paths if paths is not None else sorted(bundled_rules_dir().glob("*.yaml"))
    texts: dict[str, str] = {}
    for path in files:
        try:
            texts[path.name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesError(f"规则文件 {path.name} 无法读取或解析：{exc} / cannot read rules file") from exc
    return resolve_rule_texts(documents, clauses, texts)


def check_rules(documents: list[Document], clauses: list[Clause], files: Mapping[str, str] | None = None,
                required: Collection[str] = ()) -> None:
    """Raise :class:`RulesError` when the rules (``files``: name → text; default the bundled ones)
    would not load on a version with these documents and clauses (run before publishing it)."""
    by_id, by_key = {d.doc_id: d for d in documents}, {(c.doc_id, c.clause_id): c for c in clauses}
    if files is None:
        resolve_rules(by_id, by_key)
    else:
        resolve_rule_texts(by_id, by_key, files, required)


def load_rules(kb: KnowledgeBase, paths: list[Path] | None = None) -> list[Rule]:
    """Every rule of the given files, checked against ``kb``; by default the rules files ``kb``'s
    version holds, or the bundled ones for a version built before versions held rules."""
    by_key = {c.key: c for c in kb.clauses}
    if paths is None and kb.rules_files is not None:
        return resolve_rule_texts(kb.documents, by_key, kb.rules_files)
    return resolve_rules(kb.documents, by_key, paths)
