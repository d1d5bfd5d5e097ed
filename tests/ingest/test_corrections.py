"""Corrections kept beside a notice (`<doc>.knowledge.json`, key `corrections`): applied at load, checked, named in
the parse report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import Corpus, parse_file
from assistant.ingest.report import parse_report
from assistant.records import Level

LAYOUTS = Path(__file__).parents[1] / "fixtures" / "layouts"


def _with(tmp_path: Path, name: str, knowledge: object) -> Path:
    path = tmp_path / name
    shutil.copy(LAYOUTS / name, path)
    (tmp_path / (path.stem + ".knowledge.json")).write_text(json.dumps(knowledge, ensure_ascii=False), "utf-8")
    return path


def test_corrections_fix_the_rule_identity_and_a_tasks_units(tmp_path: Path) -> None:
    path = _with(tmp_path, "shiwan_2025_label_lines.txt", {
        "corrections": {
            "role_rule": "first_is_lead",
            "place": "石湾县", "year": "2026", "title": "石湾县2026年重点工作",
            "tasks": {"5": {"lead": ["区文旅局"], "assist": ["区教育局"]}},
        },
        "unit_aliases": {"区教育局": ["教体局"]},  # extra aliases may name a unit the corrections add
    })
    notice = parse_file(path)
    identity = notice.identity
    assert (identity.place, identity.level, identity.year, identity.short_title) == (
        "石湾县", Level.COUNTY, "2026", "石湾县2026年重点工作")
    assert notice.plan_title == "石湾县2026年重点工作"
    assert (notice.task(5).leads, notice.task(5).assists) == (("区文旅局",), ("区教育局",))
    assert notice.info.role_rule == "first_is_lead"
    report = parse_report(notice)
    assert "已应用更正文件:shiwan_2025_label_lines.knowledge.json" in report
    corpus = Corpus.load(tmp_path)
    assert corpus.knowledge.unit_aliases == {"区教育局": ("教体局",)}


def test_without_corrections_nothing_changes(tmp_path: Path) -> None:
    path = _with(tmp_path, "qinghe_2025_brackets.txt", {"unit_aliases": {"区教育局": ["教育局"]}})
    assert parse_file(path) == parse_file(LAYOUTS / "qinghe_2025_brackets.txt")


@pytest.mark.parametrize(("corrections", "message"), [
    ({"role_rule": "everyone_leads"}, "role_rule must be one of responsible_is_lead, first_is_lead"),
    ({"year": "25"}, "year must be four digits"),
    ({"place": "石湾"}, "must end in 省, 市, 区 or 县"),
    ({"tasks": {"99": {"lead": ["区甲局"]}}}, "names task 99, which qinghe_2025_brackets does not have"),
    ({"tasks": {"1": {"leads": ["区甲局"]}}}, r"tasks\[1\] must be"),
    ({"tasks": {"1": {"lead": [""]}}}, r"tasks\[1\].lead must be a list of unit names"),
    ({"places": "x"}, "unknown correction"),
])
def test_bad_corrections_are_named(tmp_path: Path, corrections: object, message: str) -> None:
    path = _with(tmp_path, "qinghe_2025_brackets.txt", {"corrections": corrections})
    with pytest.raises(CorpusError, match=message):
        parse_file(path)
