"""The house rules a maintainer relies on: imports point down only (bot → ingest → knowledge), the
answer library knows no channel, an installed jingpin finds its own data, and defaults do not collide."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.settings import BotSettings

ROOT = Path(__file__).parents[1]

# package (or sub-package) → packages it must never import
FORBIDDEN = {
    "knowledge": ("bot", "ingest"),
    "ingest": ("bot",),
    "bot/answer": ("bot.channels", "bot.app", "fastapi", "telegram"),
    "bot/channels/cli": ("bot.channels.http", "bot.channels.telegram"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_down_only(package: str) -> None:
    offending = [f"{path.relative_to(ROOT)} imports {name}"
                 for path in sorted((ROOT / package).rglob("*.py"))
                 for name in _imports(path)
                 if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN[package])]
    assert not offending, offending


def test_modules_stay_small() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for package in ("bot", "knowledge", "ingest") for p in (ROOT / package).rglob("*.py")}
    assert not {name: n for name, n in sizes.items() if n > 300}


def test_the_chroma_server_default_is_not_the_api_port() -> None:
    assert BotSettings().chroma_port != 8000


@pytest.mark.slow
def test_an_installed_jingpin_evaluates_from_its_own_package_data(tmp_path: Path) -> None:
    source = tmp_path / "src"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path / "wheel"), str(source)], check=True, capture_output=True, timeout=300)
    site = tmp_path / "site"
    with zipfile.ZipFile(next((tmp_path / "wheel").glob("jingpin-*.whl"))) as wheel:
        wheel.extractall(site)
    shutil.rmtree(source)  # nothing of the checkout is left to lean on
    env = {**os.environ, "PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1", "JINGPIN_EMBEDDER": "hash",
           "JINGPIN_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run([sys.executable, "-c", "import bot, sys; print(bot.__file__); "
                          "from bot.channels.cli.main import main; sys.exit(main())",
                          "eval", "--set", "holdout", "--no-baselines"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith(str(site)) and "hit@1" in run.stdout
