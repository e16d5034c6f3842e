"""The rules files a new KB version serves: the bundled ones, copied in at each build, plus the
files staff uploaded to earlier versions (carried forward), plus the change being published.

A version keeps them in its registry row (see :mod:`knowledge.kb.registry`), so a rollback
rolls the rules back with the clauses they cite. An uploaded file wins over a bundled one of the
same name; uploading a file with no rules under a name removes that file.
"""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.kb.models import Clause, Document
from knowledge.kb.registry import KBRegistry
from knowledge.rules.loader import bundled_rules_dir, check_rules

BUNDLED = "bundled"
UPLOADED = "uploaded"
RulesFiles = dict[str, tuple[str, str]]  # name → (YAML text, origin)


def bundled_rules() -> dict[str, str]:
    """The package's rules files: name → YAML text."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(bundled_rules_dir().glob("*.yaml"))}


def uploaded_rules(registry: KBRegistry, version: int | None) -> dict[str, str]:
    """The rules files staff uploaded that ``version`` serves: name → YAML text."""
    if version is None:
        return {}
    return {name: text for name, (text, origin) in registry.read_rules(version).items() if origin == UPLOADED}


def next_rules(registry: KBRegistry, current: int | None, changes: Mapping[str, str | None] | None = None) -> RulesFiles:
    """The rules files of the version built on ``current``: bundled, then the uploaded ones carried
    forward, then ``changes`` (name → text to add or replace; None removes an uploaded file)."""
    files: RulesFiles = {name: (text, BUNDLED) for name, text in bundled_rules().items()}
    for name, text in uploaded_rules(registry, current).items():
        files[name] = (text, UPLOADED)
    for name, change in (changes or {}).items():
        if change is None:
            files.pop(name, None)
            if name in bundled_rules():
                files[name] = (bundled_rules()[name], BUNDLED)
        else:
            files[name] = (change, UPLOADED)
    return files


def check_version_rules(documents: list[Document], clauses: list[Clause], files: RulesFiles) -> None:
    """RulesError when these rules files would not load on a version with these documents and clauses;
    an uploaded file's document must be there (its rules cite it)."""
    check_rules(documents, clauses, {name: text for name, (text, _) in files.items()},
                required={name for name, (_, origin) in files.items() if origin == UPLOADED})
