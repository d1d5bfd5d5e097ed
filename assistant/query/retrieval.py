"""Hybrid retrieval: BM25 over jieba tokens beside dense vectors, fused by reciprocal rank."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Literal, Protocol

import jieba
import jieba.posseg
import numpy as np
from rank_bm25 import BM25Okapi

from ..ingest.normalize import normalize_question
from ..ingest.parse import strip_units
from ..records import Chunk, Hit, Level, Notice

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")

# Words that say what kind of question it is, not what it is about.
STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 等 有 吗 呢 吧 啊 么 嘛 哪 哪些 哪个 哪里 什么 怎么 怎样 怎么样 如何 多少 几 几个 几项 为 对 把 被 也 都 还
    几条 几件 哪几条 哪几项 哪几个 分别 里面 当中 涉及 内容 方案 通知 文件 分解表 我 我们 你 你们 他 他们 它 这 那 这些 那些 其中 请问 请 一下 今年 年 今年度 全年 能 能不 可以 会 要 需要 想 知道 问 告诉
    谁 由 负责 牵头 主办 协办 参与 承担 配合 工作 任务 方面 情况 相关 有没有 没有 是否 不 个 项 一 上 下 中 里 到 从 给 让 做 干 搞
    目标 计划 安排 打算 准备 具体 主要 哪一个 多 少 啥 咋 呀 哦 嗯 能否 可否 何时 什么时候 政府 区政府 单位 部门 管 归 归属
    我家 我们家 家里 旁边 附近 家附近 楼下 楼上 门口 家门口 最近 总是 老是 一直 有人 有人管 管不管 会不会 能不能 怎么办 办法
    措施 举措 帮助 希望 改善 变好 处理 保障 照顾 规划 事情 问题 想 送 住 买 去 看 找 周末 方面 有关 有关的 关于
    还有 不会 一个 一个人 看看 我妈 我爸 去哪 哪儿 那儿 这儿 听说 据说 麻烦 谢谢 请教 想问 问下 问问 一下子 这样 那样
    全部 所有 全都 统统 列出 列一下 列举 罗列 出来 说说 讲讲 一共 总共 涉及到 不管 不论 无论 还是 区里 政策 别的 其他 其它""".split()
)
_PUNCT = re.compile(r"^[\W_]+$")
_LOCAL_LEVELS = (Level.STREET, Level.TOWN, Level.TOWNSHIP)
_FRAME_EDGES = re.compile(r"^(这|那|该|此|各)|(的|了)$")

@dataclass(frozen=True)
class Alternative:
    """Words of a question (`said`) and the terms of a theme they belong to: a task holding any of the terms
    speaks of what was said (「治水」 is answered by a task on 排水 or 河湖)."""

    said: str
    terms: frozenset[str]


def _data(name: str) -> Any:
    """A JSON data file of this package."""
    return json.loads(resources.files("assistant.query").joinpath(f"data/{name}").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def topic_groups() -> tuple[frozenset[str], ...]:
    """The general thesaurus of themes of government work plans (data/topics.json): the everyday and formal words
    of each theme. Domain knowledge, not any one notice's."""
    return tuple(frozenset(g["terms"]) for g in _data("topics.json")["groups"])


@lru_cache(maxsize=1)
def topic_domains() -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """The broad fields of government work (data/topics.json `domains`): the words that name a whole field
    (「环保」「法治」「安全生产」) and every term of the narrow themes it spans (大气, 水环境, 固废…)."""
    data = _data("topics.json")
    terms = {g["theme"]: g["terms"] for g in data["groups"]}
    return tuple((frozenset(d["heads"]), frozenset(t for c in d["children"] for t in terms[c]))
                 for d in data.get("domains", ()))


@lru_cache(maxsize=1)
def everyday_words() -> tuple[tuple[str, str], ...]:
    """The public's everyday words and the formal words plans write for them (data/everyday.json): 一个人住 ->
    独居, 上门看看 -> 探访. Domain and language knowledge, not any one notice's."""
    return tuple((e["pattern"], e["words"]) for e in _data("everyday.json")["everyday"])


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Short forms of the plans' standard terms and their full forms (data/abbreviations.json): 社零 ->
    社会消费品零售总额. Domain knowledge, not any one notice's."""
    return dict(_data("abbreviations.json")["abbreviations"])


# what may stand between two listed themes (「、」「和」「以及」, a light verb: 「促消费、搞商圈」), and what ends the
# list (「…有关」「…方面」「…这类」, the end of a clause)
_LIST_JOINER = re.compile(r"\s*(?:[、,,/]|和|及|以及|与|或|或者|跟)\s*(?:搞|抓|做|促进|推进|加强)?")
_LIST_END = re.compile(r"\s*(?:$|[,,。??!!;;]|有关|相关|方面|这块|这类|这些|之类|等|类|上|的|工作|领域|问题|事)")


class Lexicon:
    """How text becomes search terms: the tokenizer, the words that carry no content, the everyday words
    people use for the notices' own terms (「车位」 -> 停车泊位, from the notices' knowledge files) and the themes
    words belong to (a general thesaurus)."""

    def __init__(self, tokenizer: jieba.Tokenizer, stopwords: Iterable[str] = (),
                 everyday: Sequence[tuple[str, str]] = (), themes: Sequence[frozenset[str]] = (),
                 domains: Sequence[tuple[frozenset[str], frozenset[str]]] = ()) -> None:
        self.tokenizer = tokenizer
        self._stopwords = STOPWORDS | frozenset(stopwords)
        self._everyday = tuple((re.compile(pattern, re.I), words) for pattern, words in everyday)
        by_term: dict[str, set[str]] = {}
        for terms in themes:
            for term in terms:
                by_term.setdefault(term, set()).update(terms)
        self._themes = {term: frozenset(terms) for term, terms in by_term.items()}
        self._theme_pattern = (re.compile("|".join(map(re.escape, sorted(self._themes, key=len, reverse=True))))
                               if self._themes else None)
        self._domains = tuple(domains)

    def domains(self, text: str) -> list[Alternative]:
        """The broad fields the text names (「环保方面」, 「法治政府建设」), each with the terms of every theme it spans."""
        text = normalize_question(text)
        found = []
        for heads, terms in self._domains:
            said = [h for h in heads if h in text]
            if said:
                found.append(Alternative(max(said, key=len), terms))
        return found

    def enumerated(self, text: str) -> list[str]:
        """The themes a question lists one after another (「环保、生态环境有关的」, 「城市更新、旧改这类」): two or
        more theme words joined only by 、/和/及/或 (a light verb before one allowed); [] otherwise. A word
        that only starts a longer phrase (「金融和房地产风险防范」) is no listed theme."""
        if self._theme_pattern is None:
            return []
        text = normalize_question(text)
        found = [m for m in self._theme_pattern.finditer(text) if m.group(0) not in self._stopwords]
        runs: list[list[re.Match[str]]] = []
        for m in found:
            if runs and _LIST_JOINER.fullmatch(text[runs[-1][-1].end():m.start()]):
                runs[-1].append(m)
            else:
                runs.append([m])
        for run in runs:
            if len(run) >= 2 and _LIST_END.match(text, run[-1].end()):
                return [m.group(0) for m in run]
        return []

    def alternatives(self, text: str) -> list[Alternative]:
        """The theme words in the text (longest first, not overlapping), each with every term of its themes."""
        if self._theme_pattern is None:
            return []
        text = normalize_question(text)
        return [Alternative(m.group(0), self._themes[m.group(0)]) for m in self._theme_pattern.finditer(text)
                if m.group(0) not in self._stopwords]

    @classmethod
    def for_notices(cls, tokenizer: jieba.Tokenizer, notices: Sequence[Notice],
                    everyday: Sequence[tuple[str, str]] = ()) -> Lexicon:
        """The lexicon of loaded notices: their years (2024, 2024年) and the names of who issued them (青禾街道, and a
        street's or a town's own level word: 「街道今年有托育的地方吗」 asks the street that issued it, as 区里 asks a
        district) say which notice, not what it is about."""
        years = {n.year for n in notices if n.year}
        issuers = {w for n in notices for w in (n.identity.place, n.identity.parent) if w}
        local = {n.identity.level.value for n in notices if n.identity.level in _LOCAL_LEVELS}
        short = [(re.escape(a), full) for a, full in abbreviations().items()]
        return cls(tokenizer, years | {f"{y}年" for y in years} | issuers | local | {f"{w}里" for w in local},
                   [*everyday, *everyday_words(), *short], topic_groups(), topic_domains())

    def expand(self, query: str) -> str:
        """The query plus the notices' words for the everyday words in it (「车位」 -> 停车泊位)."""
        extra = [words for pattern, words in self._everyday if pattern.search(query)]
        return " ".join([query, *extra]) if extra else query

    def tokens(self, text: str) -> list[str]:
        """Search-mode jieba tokens of normalised text, without punctuation and question words."""
        # single Chinese characters match almost everything; they are noise, not evidence
        return [
            t for t in self.tokenizer.lcut_for_search(normalize_question(text))
            if t.strip() and not _PUNCT.match(t) and not self.is_frame(t) and (len(t) > 1 or t.isascii())
        ]

    @cached_property
    def _pos(self) -> jieba.posseg.POSTokenizer:
        return jieba.posseg.POSTokenizer(self.tokenizer)

    def nouns(self, text: str) -> list[str]:
        """The one-character nouns of a text (「涉及水的工作」 -> 水): what a question is about when it has no longer
        content word (a longer one is always preferred: `tokens` leaves single characters out)."""
        return [w for w, flag in self._pos.lcut(normalize_question(text))
                if len(w) == 1 and flag.startswith("n") and "\u4e00" <= w <= "\u9fff" and not self.is_frame(w)]

    def is_frame(self, token: str) -> bool:
        """A question word, also behind a demonstrative or before 的 (这方面, 这方, 相关的): no content."""
        if token in self._stopwords:
            return True
        core = _FRAME_EDGES.sub("", token)
        return core != token and (len(core) <= 1 or core in self._stopwords)


class Retriever(Protocol):
    """Anything that ranks chunks for a query."""

    def search(self, query: str, k: int) -> list[Hit]: ...


class BM25Retriever:
    """Okapi BM25 over the chunks' jieba tokens (search mode, so 停车泊位 also matches 停车 and 泊位).

    rank_bm25 computes the statistics (idf, document lengths, term frequencies); scoring goes through an inverted
    index built from them, so a query touches only the chunks that hold one of its terms instead of every chunk
    (at 100,000 tasks: BM25 stage p50 192 -> 4.7 ms, same scores and order; docs/benchmarks.md).
    """

    def __init__(self, chunks: Sequence[Chunk], lexicon: Lexicon) -> None:
        if not chunks:
            raise ValueError("BM25Retriever needs at least one chunk")
        self._chunks = list(chunks)
        self._lexicon = lexicon
        # unit names stay out of the lexical index: who does a task is answered from the records, and
        # 「…归哪个单位管」 must not match every task of the 城管局
        okapi = BM25Okapi([lexicon.tokens(strip_units(c.text)) or ["∅"] for c in self._chunks])
        self._k1, self._idf = okapi.k1, okapi.idf
        rows: dict[str, list[int]] = {}
        freqs: dict[str, list[int]] = {}
        for i, doc in enumerate(okapi.doc_freqs):
            for term, f in doc.items():
                rows.setdefault(term, []).append(i)
                freqs.setdefault(term, []).append(f)
        self._postings = {
            term: (np.asarray(rows[term], dtype=np.int64), np.asarray(freqs[term], dtype=np.float64)) for term in rows
        }
        # the length normalisation of every chunk, as rank_bm25's get_scores computes it
        doc_len = np.asarray(okapi.doc_len, dtype=np.float64)
        self._norm = okapi.k1 * (1 - okapi.b + okapi.b * doc_len / okapi.avgdl)

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best chunks with a positive score: score descending, ties in chunk order."""
        scores = np.zeros(len(self._chunks))
        touched = []
        for term in self._lexicon.tokens(query):
            posting = self._postings.get(term)
            if posting is None:
                continue
            rows, tf = posting
            # a repeated query term counts again, as in rank_bm25
            scores[rows] += (self._idf.get(term) or 0) * (tf * (self._k1 + 1) / (tf + self._norm[rows]))
            touched.append(rows)
        if not touched:
            return []
        candidates = np.unique(np.concatenate(touched))
        candidates = candidates[scores[candidates] > 0]
        # lexsort: last key first; stable ranking by score, then chunk order
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        return [Hit(self._chunks[i], float(scores[i]), "bm25") for i in order]


def rrf(rankings: Sequence[Sequence[Hit]], k: int, rrf_k: int) -> list[Hit]:
    """Reciprocal rank fusion: score = sum over rankings of 1 / (rrf_k + rank)."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + 1.0 / (rrf_k + rank)
            chunks[hit.chunk.id] = hit.chunk
    order = sorted(scores, key=lambda cid: -scores[cid])[:k]
    return [Hit(chunks[cid], scores[cid], "hybrid") for cid in order]


class HybridRetriever:
    """BM25 and dense retrieval side by side; `search` fuses them, `search_mode` gives one of them alone."""

    def __init__(self, bm25: Retriever, dense: Retriever, candidates: int, rrf_k: int) -> None:
        if candidates <= 0:
            raise ValueError(f"candidates must be greater than 0, got {candidates}")
        self.bm25 = bm25
        self.dense = dense
        self._candidates = candidates
        self._rrf_k = rrf_k

    def search(self, query: str, k: int) -> list[Hit]:
        return self.search_mode(query, k, "hybrid")

    def search_mode(self, query: str, k: int, mode: Mode) -> list[Hit]:
        if mode == "bm25":
            return self.bm25.search(query, k)
        if mode == "dense":
            return self.dense.search(query, k)
        n = max(k, self._candidates)
        return rrf([self.bm25.search(query, n), self.dense.search(query, n)], k, self._rrf_k)
