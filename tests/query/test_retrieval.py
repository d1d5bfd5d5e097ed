"""Retrieval stages on a tiny fixture corpus with exact expected ids; the fusion arithmetic; query expansion."""

from __future__ import annotations

import re

import jieba
import pytest

from assistant.ingest.corpus import Corpus
from assistant.ingest.units import UnitDirectory
from assistant.query.retrieval import (
    STOPWORDS,
    BM25Retriever,
    HybridRetriever,
    Lexicon,
    abbreviations,
    everyday_words,
    rrf,
    topic_domains,
    topic_groups,
)
from assistant.records import Chunk, Hit

from ..conftest import CORPUS

CHUNKS = [
    Chunk(id="d:task:1", doc_id="d", kind="task", text="新增公共停车泊位600个以上。(区城管局主办)", task_number=1),
    Chunk(id="d:task:2", doc_id="d", kind="task", text="增设既有住宅电梯20部。(区房产局主办)", task_number=2),
    Chunk(id="d:task:3", doc_id="d", kind="task", text="建设南京长江江豚城市公园。(下关滨江商务区管委会主办)", task_number=3),
]


class FixedRetriever:
    """A deterministic stand-in for the dense retriever: returns the chunks in a fixed order."""

    def __init__(self, order: list[int]) -> None:
        self._order = order

    def search(self, query: str, k: int) -> list[Hit]:
        return [Hit(CHUNKS[i], 1.0 - n / 10, "dense") for n, i in enumerate(self._order)][:k]


@pytest.fixture(scope="module")
def tokenizer() -> Lexicon:
    """A plain jieba tokenizer with the general stopwords, no notice's vocabulary."""
    tok = jieba.Tokenizer()
    tok.initialize()
    return Lexicon(tok)


@pytest.fixture(scope="module")
def seed_lexicon() -> Lexicon:
    """The lexicon of the real notice: its year and the everyday words of its knowledge file."""
    corpus = Corpus.load(CORPUS)
    tok = jieba.Tokenizer()
    tok.initialize()
    return Lexicon.for_notices(tok, corpus.notices, corpus.knowledge.everyday)


def test_bm25_exact_ids(tokenizer: Lexicon) -> None:
    bm25 = BM25Retriever(CHUNKS, tokenizer)
    assert [h.chunk.id for h in bm25.search("停车泊位新增多少", 3)] == ["d:task:1"]
    assert [h.chunk.id for h in bm25.search("江豚公园", 3)] == ["d:task:3"]
    assert bm25.search("天气", 3) == []


def test_bm25_ignores_unit_names(tokenizer: Lexicon) -> None:
    # who does a task is answered from the records; unit names in the lexical index only add noise
    assert BM25Retriever(CHUNKS, tokenizer).search("城管局", 3) == []


def test_question_words_are_not_content(tokenizer: Lexicon) -> None:
    assert tokenizer.tokens("请问今年新增多少停车泊位?") == ["新增", "停车", "泊位"]


def test_question_words_inside_bigger_tokens_are_not_content(tokenizer: Lexicon) -> None:
    # search mode cuts 这方面 into 这方 / 方面 too: none of them says what the question is about
    assert not {"这方", "方面", "这方面", "工作"} & set(tokenizer.tokens("排水管网这方面的工作有哪些?"))
    assert tokenizer.tokens("外资相关的任务有哪几条?") == ["外资"]


def test_the_loaded_notices_years_are_not_content(tokenizer: Lexicon, seed_lexicon: Lexicon) -> None:
    # 「2024年」 says which notice, not what the question is about; an unloaded year stays a term
    assert "2024" in tokenizer.tokens("2024年新增多少停车泊位")
    assert "2024" not in seed_lexicon.tokens("2024年新增多少停车泊位")
    assert "2031" in seed_lexicon.tokens("2031年新增多少停车泊位")


def test_rrf_arithmetic() -> None:
    a = [Hit(CHUNKS[0], 9.0, "bm25"), Hit(CHUNKS[1], 5.0, "bm25")]
    b = [Hit(CHUNKS[1], 0.9, "dense"), Hit(CHUNKS[2], 0.8, "dense")]
    fused = rrf([a, b], k=3, rrf_k=60)
    assert [h.chunk.id for h in fused] == ["d:task:2", "d:task:1", "d:task:3"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1].score == pytest.approx(1 / 61)


def test_hybrid_modes(tokenizer: Lexicon) -> None:
    hybrid = HybridRetriever(BM25Retriever(CHUNKS, tokenizer), FixedRetriever([2, 1, 0]), candidates=3, rrf_k=60)
    assert [h.chunk.task_number for h in hybrid.search_mode("停车泊位", 3, "bm25")] == [1]
    assert [h.chunk.task_number for h in hybrid.search_mode("停车泊位", 3, "dense")] == [3, 2, 1]
    assert [h.chunk.task_number for h in hybrid.search("停车泊位", 3)] == [1, 3, 2]
    with pytest.raises(ValueError, match="candidates must be greater than 0"):
        HybridRetriever(hybrid.bm25, hybrid.dense, candidates=0, rrf_k=60)


def test_everyday_words_are_expanded(tokenizer: Lexicon, seed_lexicon: Lexicon) -> None:
    # the everyday words come from the notice's knowledge file, not from the code
    assert "停车泊位" in seed_lexicon.expand("家附近能不能多些停车位?")
    assert "增设既有住宅电梯" in seed_lexicon.expand("我们小区能加装电梯吗")
    assert seed_lexicon.expand("跨境电商交易规模") == "跨境电商交易规模"
    assert "招聘" in seed_lexicon.expand("今年招多少老师") and "招聘" not in seed_lexicon.expand("招商引资和扩招")
    assert tokenizer.expand("家附近能不能多些停车位?") == "家附近能不能多些停车位?"


def test_bm25_inverted_index_matches_rank_bm25(notice, seed_lexicon: Lexicon) -> None:
    # the inverted index is an optimisation only: on the real notice and every eval question it must rank and
    # score exactly as rank_bm25's own get_scores over all chunks does
    import json
    from pathlib import Path

    from rank_bm25 import BM25Okapi

    from assistant.index.chunks import chunks_of
    from assistant.ingest.parse import strip_units

    chunks = chunks_of(notice)
    bm25 = BM25Retriever(chunks, seed_lexicon)
    reference = BM25Okapi([seed_lexicon.tokens(strip_units(c.text)) or ["∅"] for c in chunks])
    lines = Path(__file__).parents[2].joinpath("eval", "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [seed_lexicon.expand(json.loads(line)["question"]) for line in lines if line.strip()]
    compared = 0
    for q in questions:
        tokens = seed_lexicon.tokens(q)
        scores = reference.get_scores(tokens) if tokens else []
        expected = [i for i in sorted(range(len(scores)), key=lambda i: -scores[i]) if scores[i] > 0][:10]
        got = bm25.search(q, 10)
        assert [h.chunk.id for h in got] == [chunks[i].id for i in expected], q
        assert [h.score for h in got] == pytest.approx([scores[i] for i in expected], rel=1e-12), q
        compared += bool(expected)
    assert compared > 200  # 216 of the 302 questions have lexical hits


def test_theme_words_come_with_every_term_of_their_themes(tokenizer: Lexicon) -> None:
    water = frozenset({"治水", "河湖", "排水"})
    lexicon = Lexicon(tokenizer.tokenizer, themes=[water, frozenset({"排水", "下水道"})])
    found = lexicon.alternatives("区里治水和下水道方面有哪些任务")
    assert [a.said for a in found] == ["治水", "下水道"]
    assert found[0].terms == water and found[1].terms == {"排水", "下水道"}
    assert lexicon.alternatives("停车位够不够") == []


@pytest.mark.parametrize(("question", "listed"), [
    ("帮我梳理下所有跟环保、生态环境有关的任务", ["环保", "生态环境"]),
    ("想知道今年促消费、搞商圈的任务都有哪些", ["促消费", "商圈"]),  # a light verb before a theme
    ("城市更新、旧改这类的任务都列一下", ["城市更新", "旧改"]),
    ("治水和排水方面有哪些任务", ["治水", "排水"]),
    ("金融和房地产风险防范有哪些任务", []),  # 房地产 starts a longer phrase: one topic, not two
    ("环保方面有哪些任务", []),  # one theme
    ("环保督察和城市更新的任务", []),  # 环保 is the start of 环保督察
])
def test_themes_listed_one_after_another(question: str, listed: list[str]) -> None:
    themes = [frozenset({"环保", "生态环境"}), frozenset({"促消费"}), frozenset({"商圈"}),
              frozenset({"城市更新", "旧改"}), frozenset({"治水", "排水"}), frozenset({"金融", "房地产"})]
    assert Lexicon(jieba.Tokenizer(), themes=themes).enumerated(question) == listed


def test_a_broad_field_comes_with_the_terms_of_every_theme_it_spans(tokenizer: Lexicon) -> None:
    law = (frozenset({"法治", "依法行政"}), frozenset({"行政执法", "行政复议", "普法"}))
    lexicon = Lexicon(tokenizer.tokenizer, domains=[law, (frozenset({"环保"}), frozenset({"大气"}))])
    found = lexicon.domains("法治政府、依法行政方面的任务")
    assert [(a.said, a.terms) for a in found] == [("依法行政", law[1])]  # one field, named by its longest word
    assert lexicon.domains("停车位够不够") == []


def test_every_broad_field_spans_themes_of_the_thesaurus() -> None:
    """The domains are made of the thesaurus' themes, several each, and name a field by words of two or more
    characters: 「法治」 spans 行政执法 and 普法, so their terms are among its own."""
    domains = topic_domains()
    assert len(domains) >= 15
    themes = set().union(*topic_groups())
    for heads, terms in domains:
        assert heads and all(len(h) >= 2 for h in heads) and not heads & STOPWORDS
        assert len(terms) >= 20 and terms <= themes


def test_the_everyday_words_are_general_and_say_what_they_stand_for() -> None:
    """Each entry is a valid pattern with formal words of two or more characters; none names a loaded notice's
    place or unit, and none matches a bare question word (its words would be added to every question)."""
    entries = everyday_words()
    assert len(entries) >= 20
    corpus = Corpus.load(CORPUS)
    places = {p for n in corpus.notices for p in (n.identity.place, n.identity.place_short) if p}
    units = {u.name for u in UnitDirectory(corpus.notices, corpus.knowledge).departments}
    for pattern, words in entries:
        compiled = re.compile(pattern)
        assert all(len(w) >= 2 for w in words.split()), pattern
        assert not any(p in words or p in pattern for p in places) and not set(words.split()) & units
        assert not any(compiled.fullmatch(w) for w in STOPWORDS), pattern


def test_the_thesaurus_is_general_domain_knowledge() -> None:
    """Every theme has telling terms of two or more characters, and none names a loaded notice's place or unit."""
    groups = topic_groups()
    assert len(groups) >= 100 and all(len(g) >= 3 for g in groups)
    terms = set().union(*groups)
    assert all(isinstance(t, str) and len(t) >= 2 for t in terms)
    assert not terms & STOPWORDS  # a theme term alone must say what a task is about
    corpus = Corpus.load(CORPUS)
    places = {p for n in corpus.notices for p in (n.identity.place, n.identity.place_short) if p}
    units = {u.name for u in UnitDirectory(corpus.notices, corpus.knowledge).departments}
    assert not {t for t in terms if any(p in t for p in places)}
    assert not terms & units  # (generic short names such as 城管 or 消防 are words of a theme, not a unit)


def test_standard_short_forms_are_read_as_their_full_forms(seed_lexicon: Lexicon) -> None:
    assert "社会消费品零售总额" in seed_lexicon.expand("社零增长多少")
    assert "固定资产投资" in seed_lexicon.expand("固投目标")
    corpus = Corpus.load(CORPUS)
    places = {p for n in corpus.notices for p in (n.identity.place, n.identity.place_short) if p}
    assert not [a for a, full in abbreviations().items() if any(p in a + full for p in places)]
