"""Hybrid retrieval: BM25 over jieba tokens beside dense vectors, fused by reciprocal rank."""

from __future__ import annotations

import re
from typing import Literal, Protocol, Sequence

import jieba
from rank_bm25 import BM25Okapi

from .normalize import normalize_question
from .records import Chunk, Hit

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")

# Words that say what kind of question it is, not what it is about.
STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 等 有 吗 呢 吧 啊 么 嘛 哪 哪些 哪个 哪里 什么 怎么 怎样 怎么样 如何 多少 几 几个 几项 为 对 把 被 也 都 还
    我 我们 你 你们 他 他们 它 这 那 这些 那些 其中 请问 请 一下 今年 2024 2024年 年 今年度 全年 能 能不 可以 会 要 需要 想 知道 问 告诉
    谁 由 负责 牵头 主办 协办 参与 承担 配合 工作 任务 方面 情况 相关 有没有 没有 是否 不 个 项 一 上 下 中 里 到 从 给 让 做 干 搞
    目标 计划 安排 打算 准备 具体 主要 哪一个 多 少 啥 咋 呀 哦 嗯 能否 可否 何时 什么时候 政府 区政府""".split()
)
_PUNCT = re.compile(r"^[\W_]+$")


def content_tokens(text: str, tokenizer: jieba.Tokenizer) -> list[str]:
    """Search-mode jieba tokens of normalised text, without punctuation and question words."""
    return [
        t for t in tokenizer.lcut_for_search(normalize_question(text))
        if t.strip() and not _PUNCT.match(t) and t not in STOPWORDS
    ]


class Retriever(Protocol):
    """Anything that ranks chunks for a query."""

    def search(self, query: str, k: int) -> list[Hit]: ...


class BM25Retriever:
    """Okapi BM25 over the chunks' jieba tokens (search mode, so 停车泊位 also matches 停车 and 泊位)."""

    def __init__(self, chunks: Sequence[Chunk], tokenizer: jieba.Tokenizer) -> None:
        if not chunks:
            raise ValueError("BM25Retriever needs at least one chunk")
        self._chunks = list(chunks)
        self._tokenizer = tokenizer
        self._bm25 = BM25Okapi([content_tokens(c.text, tokenizer) or ["∅"] for c in self._chunks])

    def search(self, query: str, k: int) -> list[Hit]:
        tokens = content_tokens(query, self._tokenizer)
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        return [Hit(self._chunks[i], float(scores[i]), "bm25") for i in order if scores[i] > 0]


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
