"""Knowledge files beside the notices: every entry is checked against the notice it describes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import Corpus
from assistant.ingest.knowledge import Knowledge, merge, parse_knowledge
from assistant.records import Notice

from ..conftest import CORPUS

SEED = "000_d657d27eca61cd1c"


def test_the_seed_knowledge_file_loads_and_fits_its_notice() -> None:
    knowledge = Corpus.load(CORPUS).knowledge
    assert knowledge.unit_aliases["区商务局"] == ("商务局",)
    assert knowledge.section_words[(SEED, 6)][-1] == "政府自身建设"  # an alias of the part, beside its title words
    assert knowledge.example_units == ("区商务局", "区教育局")
    assert any("停车泊位" in words for _, words in knowledge.everyday)


@pytest.mark.parametrize(("entry", "message"), [
    ({"unit_aliases": {"区体育局": ["体育局"]}}, "'区体育局' is not a unit of this notice"),
    ({"section_words": {"4": ["海洋经济"]}}, "'海洋经济' is not in the title of section 4"),
    ({"section_words": {"9": ["民生"]}}, "'9' is not a section of this notice"),
    ({"everyday": [{"pattern": "冰场", "words": "滑冰场"}]}, "points to '滑冰场', which is not in the notice"),
    ({"everyday": [{"pattern": "(", "words": "停车泊位"}]}, "not a valid regular expression"),
    ({"place_prefixes": ["海淀"]}, "place prefix '海淀' is not in the notice"),
    ({"out_of_scope": {"places": ["鼓楼区"], "subjects": ["GDP"]}}, "lists the notice's own place '鼓楼区'"),
    ({"examples": {"units": ["区体育局"]}}, "example unit '区体育局' is not a unit"),
    ({"aliases": {}}, "unknown key(s) aliases"),
    ({"unit_aliases": {"区商务局": "商务局"}}, "must be a list of non-empty strings"),
])
def test_an_entry_that_does_not_fit_the_notice_is_refused(notice: Notice, entry: dict[str, Any], message: str) -> None:
    with pytest.raises(CorpusError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_knowledge(entry, notice, "x.knowledge.json")


def test_a_broken_file_stops_loading_with_its_name(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / f"{SEED}.txt", corpus)
    (corpus / f"{SEED}.knowledge.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(CorpusError, match=f"cannot read {SEED}.knowledge.json"):
        Corpus.load(corpus)
    (corpus / f"{SEED}.knowledge.json").write_text(json.dumps({"unit_aliases": {"区外星局": ["外星局"]}}),
                                                   encoding="utf-8")
    with pytest.raises(CorpusError, match="区外星局"):
        Corpus.load(corpus)
    (corpus / f"{SEED}.knowledge.json").unlink()
    assert Corpus.load(corpus).knowledge == Knowledge()  # no file: no extra knowledge, nothing from the code


def test_knowledge_of_several_notices_is_merged_in_order() -> None:
    a = Knowledge(unit_aliases={"甲局": ("甲",)}, section_words={1: ("发展",)}, example_units=("甲局",),
                  help_questions=("问甲",))
    b = Knowledge(unit_aliases={"甲局": ("老甲",), "乙局": ("乙",)}, section_words={1: ("创新",)},
                  example_units=("乙局",), help_questions=("问乙",))
    m = merge([a, b])
    assert m.unit_aliases == {"甲局": ("甲", "老甲"), "乙局": ("乙",)}
    assert m.section_words == {1: ("发展", "创新")}
    assert m.example_units == ("甲局", "乙局") and m.help_questions == ("问甲",)
