"""The README keeps its promises: short, the two-command quick start, a config example that loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.core.config import parse_config

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


def block_after(heading: str, language: str) -> str:
    section = README[README.index(heading) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block after {heading}"
    return match.group(1)


def test_the_readme_is_at_most_300_lines():
    assert len(README.splitlines()) <= 300


def test_the_quick_start_is_two_commands_and_ci_runs_the_second():
    commands = [line.split("#")[0].strip() for line in block_after("## Quick start", "sh").splitlines()]
    assert commands == ["make run", "make test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_the_config_example_loads_without_a_problem(tmp_path):
    from companion.core.scripts.yamlio import parse_yaml
    from companion.ui.keymap import checked

    text = block_after("## Configuration", "yaml")
    config = checked(parse_config(parse_yaml(text.encode(), tmp_path / "config.yaml")))
    assert config.problems == ()
    assert config.settings.keymap["session.next"] == "j"


@pytest.mark.parametrize("name", sorted(path.name for path in (REPO / "bench").glob("bench_*.py")))
def test_every_benchmark_has_its_figures_in_docs_benchmarks(name):
    text = (REPO / "docs" / "benchmarks.md").read_text()
    stem = name.removesuffix(".py")
    family = re.sub(r"_(cpu|memory|keys|startup)$", "", stem)
    assert stem in text or f"{family}_*" in text, name


def test_links_in_the_readme_point_at_files_that_exist():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http") and target not in ("docs/display.md",):  # being written
            assert (REPO / target).exists(), target
