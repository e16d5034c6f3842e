"""Rules files uploaded by staff: what a file must be (a safe name, at most ``MAX_RULES_BYTES``,
UTF-8 YAML read with ``safe_load``, no aliases, nested at most ``MAX_DEPTH`` deep) and the dry run of publishing one.

Validation is the bundled rules' validation (:mod:`knowledge.rules.loader`): facts from the
vocabulary with the right types, and every cite's clause in the KB with its quote verbatim; the
dry run lists every problem, each naming the rule and the field. Publishing goes through
:meth:`ingest.staff.StaffOperations.publish_rules` (a new KB version holding the file).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import UploadRejectedError
from ingest.policy.rulesets import bundled_rules, check_version_rules, next_rules
from knowledge.errors import KBNotBuiltError, RulesError
from knowledge.kb.registry import KBRegistry
from knowledge.rules.engine import requirement
from knowledge.rules.loader import ConditionSpec, Rule, check_rules_text, parse_rules_text, resolve_rule_texts

MAX_RULES_BYTES = 1024 * 1024
MAX_DEPTH = 16  # nesting of YAML collections (a rule with any_of needs 7)
RULES_SUFFIXES = (".yaml", ".yml")
_NAME = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff._-]{0,63}$")


@dataclass(frozen=True)
class RulesChange:
    """What publishing a rules file does (or did): the rules it adds, replaces and drops, and the
    verdict table it would serve (each rule's conditions with thresholds, and its cited clauses)."""

    name: str
    doc_id: str
    doc_title: str
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    table: list[dict[str, Any]] = field(default_factory=list)
    removes_file: bool = False  # the upload has no rules: the file of that name is removed
    dry_run: bool = True
    version_before: int | None = None
    version_after: int | None = None

    def summary(self) -> dict[str, Any]:
        """Counts for the audit log."""
        return {"rules_file": self.name, "doc_id": self.doc_id, "added": self.added, "replaced": self.replaced,
                "removed": self.removed}

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the API."""
        return dataclasses.asdict(self)


def rules_file_name(name: str) -> str:
    """The stored name of an uploaded rules file (``notice.yml`` → ``notice.yaml``);
    UploadRejectedError for another suffix or a name with unsafe characters."""
    base = Path(name.replace("\\", "/")).name
    suffix = next((s for s in RULES_SUFFIXES if base.lower().endswith(s)), None)
    stem = base[: -len(suffix)] if suffix else ""
    if suffix is None or not _NAME.match(stem):
        raise UploadRejectedError(f"规则文件名应为 名称.yaml 或 名称.yml（字母、数字、汉字、. _ -，至多 64 个字符），收到：{base[:80]} / "
                                  "a rules file is NAME.yaml or NAME.yml")
    return f"{stem}.yaml"


def rules_text(data: str | bytes, *, max_bytes: int = MAX_RULES_BYTES) -> str:
    """The text of an uploaded rules file: UploadRejectedError when it is too large, empty or not
    UTF-8; RulesError when it is not YAML or uses aliases (``&``/``*``, refused: they can expand)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise UploadRejectedError(f"规则文件超过上限 {max_bytes // 1024} KB，未做任何更改 / "
                                  f"rules file larger than the {max_bytes // 1024} KB limit")
    if not raw.strip():
        raise UploadRejectedError("规则文件为空 / the rules file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejectedError("规则文件须为 UTF-8 编码的 YAML 文本 / a rules file must be UTF-8 YAML text") from exc
    if "\x00" in text:
        raise UploadRejectedError("规则文件须为 UTF-8 编码的 YAML 文本 / a rules file must be UTF-8 YAML text")
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise RulesError("规则文件不能使用 YAML 别名（& 和 *） / YAML aliases are not accepted in rules files")
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_DEPTH:
                raise RulesError(f"规则文件嵌套超过 {MAX_DEPTH} 层 / the rules file nests too deep")
    except yaml.YAMLError as exc:
        raise RulesError(f"规则文件不是有效的 YAML：{exc} / not valid YAML") from exc
    return text


def _row(rule: Rule) -> dict[str, Any]:
    def condition(spec: ConditionSpec) -> dict[str, Any]:
        return {"label": spec.label, "fact": spec.fact, "test": spec.test.rstrip("_"), "required": requirement(spec)}

    return {"rule_id": rule.rule_id, "title": rule.spec.title, "audience": rule.spec.audience,
            "conditions": [condition(c) for c in rule.spec.conditions],
            "requires": [condition(c) for c in rule.spec.requires], "outcome": rule.spec.outcome,
            "cites": [{"doc_id": c.doc_id, "clause_id": c.clause_id, "label": c.label, "quote": c.quote}
                      for c in rule.citations]}


def _ids(text: str | None, name: str) -> list[str]:
    return [r.rule_id for r in parse_rules_text(text, name).rules] if text is not None else []


def rules_change(registry: KBRegistry, name: str, text: str) -> RulesChange:
    """The dry run of publishing the rules file ``name`` (already through :func:`rules_file_name`
    and :func:`rules_text`) on the published version; RulesError listing every problem."""
    current = registry.current_version()
    if current is None:
        raise KBNotBuiltError("知识库尚未构建，请先运行 jingpin ingest / no KB published yet")
    _, documents, clauses, _ = registry.read_version(current)
    by_id, by_key = {d.doc_id: d for d in documents}, {(c.doc_id, c.clause_id): c for c in clauses}
    parsed = check_rules_text(text, name, by_id, by_key)
    served = {n: t for n, (t, _) in registry.read_rules(current).items()} or bundled_rules()
    if not parsed.rules and name not in served:
        raise RulesError(f"规则文件 {name} 没有规则，当前版本也没有同名的规则文件，无可发布 / "
                         "the file has no rules and replaces none")
    files = next_rules(registry, current, {name: text if parsed.rules else None})
    check_version_rules(documents, clauses, files)
    after = files.get(name)  # an empty upload removes the file (a bundled one then comes back)
    new = resolve_rule_texts(by_id, by_key, {name: after[0]}) if after else []
    old_ids = _ids(served.get(name), name)
    new_ids = [r.rule_id for r in new]
    return RulesChange(name=name, doc_id=parsed.doc_id, doc_title=by_id[parsed.doc_id].title,
                       added=[i for i in new_ids if i not in old_ids], replaced=[i for i in new_ids if i in old_ids],
                       removed=[i for i in old_ids if i not in new_ids], table=[_row(r) for r in new],
                       removes_file=not parsed.rules, version_before=current)
