"""Hybrid retrieval: BM25 over jieba tokens beside dense vectors, fused by reciprocal rank."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, Protocol

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

from .normalize import normalize_question
from .parsing import strip_units
from .records import Chunk, Hit

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")

# Words that say what kind of question it is, not what it is about.
STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 等 有 吗 呢 吧 啊 么 嘛 哪 哪些 哪个 哪里 什么 怎么 怎样 怎么样 如何 多少 几 几个 几项 为 对 把 被 也 都 还
    我 我们 你 你们 他 他们 它 这 那 这些 那些 其中 请问 请 一下 今年 2024 2024年 年 今年度 全年 能 能不 可以 会 要 需要 想 知道 问 告诉
    谁 由 负责 牵头 主办 协办 参与 承担 配合 工作 任务 方面 情况 相关 有没有 没有 是否 不 个 项 一 上 下 中 里 到 从 给 让 做 干 搞
    目标 计划 安排 打算 准备 具体 主要 哪一个 多 少 啥 咋 呀 哦 嗯 能否 可否 何时 什么时候 政府 区政府 单位 部门 管 归 归属
    我家 我们家 家里 旁边 附近 家附近 楼下 楼上 门口 家门口 最近 总是 老是 一直 有人 有人管 管不管 会不会 能不能 怎么办 办法
    措施 举措 帮助 希望 改善 变好 处理 保障 照顾 规划 事情 问题 想 送 住 买 去 看 找 周末 方面 有关 有关的 关于""".split()
)
_PUNCT = re.compile(r"^[\W_]+$")

# Everyday words people use, and the words the notice uses for the same thing. Appended to the query, so both
# BM25 and the quoting stage see the notice's vocabulary; the question's own words stay in it.
EVERYDAY: tuple[tuple[str, str], ...] = (
    (r"加装电梯|装电梯|电梯", "增设既有住宅电梯"),
    (r"停车位|车位|停车难|停车|停不下|没地方停|堵车", "停车泊位 共享泊位"),
    (r"养老院|敬老院", "养老机构床位"),
    (r"老人|老年人|父母|爸妈|养老", "老年人 养老"),
    (r"托儿所|托育|带娃|婴儿|两岁|三岁", "托育 托位 婴幼儿"),
    (r"上学|学校|读书|孩子", "学校 教育"),
    (r"补习|补课|培训班", "校外培训机构"),
    (r"心理", "心理健康"),
    (r"找工作|就业|失业|工作机会", "就业服务站 就业"),
    (r"积水|淹水|内涝|下雨淹", "积淹水 雨水管网"),
    (r"诈骗|骗子|骗钱", "全民反诈"),
    (r"液化气|煤气罐|气罐|燃气罐|煤气", "气瓶 瓶改管 瓶改电 燃气"),
    (r"空气|雾霾|污染", "大气环境 PM2.5 臭氧"),
    (r"轮椅|残疾人|盲道", "无障碍设施"),
    (r"坑坑洼洼|坑洼|路不平|修路", "道路平整治理"),
    (r"危房|房子裂|房屋安全", "危房治理"),
    (r"业委会|业主委员会|物业", "业主委员会 物业管理"),
    (r"房产证|办证", "办证 安心证"),
    (r"烂尾|问题楼盘|交不了房", "问题楼盘"),
    (r"看病|医生|医院", "家庭医生 医联体 健康"),
    (r"食堂|吃得安全|食品", "食品安全 校园食品安全"),
    (r"江豚", "江豚城市公园"),
    (r"退伍|老兵|退役", "退役军人服务站"),
    (r"垃圾", "垃圾分类"),
    (r"消防|着火|火灾", "消防"),
    (r"GDP|gdp|经济增速|经济增长", "地区生产总值"),
    (r"河道|河流|治河", "河段 河湖 清淤"),
    (r"排水|下水道|污水", "排水 雨污水管网 雨水管网"),
    (r"法治|依法", "普法 法治 行政执法 行政复议"),
    (r"安全隐患|隐患", "安全隐患 危房 自建房隐患 燃气 消防设施"),
    (r"外贸|出口|进口", "外贸 出海 海外仓 跨境电商"),
    (r"消费|购物", "消费 商圈 特色小店"),
    (r"外资", "实际使用外资"),
    (r"专利", "授权发明专利"),
    (r"人才", "高层次创新创业人才"),
    (r"独角兽|瞪羚", "独角兽企业 瞪羚企业"),
)
_EVERYDAY = tuple((re.compile(pattern, re.I), words) for pattern, words in EVERYDAY)


def expand(query: str) -> str:
    """The query plus the notice's words for the everyday words in it (「车位」 -> 停车泊位)."""
    extra = [words for pattern, words in _EVERYDAY if pattern.search(query)]
    return " ".join([query, *extra]) if extra else query


def content_tokens(text: str, tokenizer: jieba.Tokenizer) -> list[str]:
    """Search-mode jieba tokens of normalised text, without punctuation and question words."""
    # single Chinese characters match almost everything; they are noise, not evidence
    return [
        t for t in tokenizer.lcut_for_search(normalize_question(text))
        if t.strip() and not _PUNCT.match(t) and t not in STOPWORDS and (len(t) > 1 or t.isascii())
    ]


class Retriever(Protocol):
    """Anything that ranks chunks for a query."""

    def search(self, query: str, k: int) -> list[Hit]: ...


class BM25Retriever:
    """Okapi BM25 over the chunks' jieba tokens (search mode, so 停车泊位 also matches 停车 and 泊位).

    rank_bm25 computes the statistics (idf, document lengths, term frequencies); scoring goes through an inverted
    index built from them, so a query touches only the chunks that hold one of its terms instead of every chunk
    (at 100,000 tasks: BM25 stage p50 192 -> 4.7 ms, same scores and order; docs/benchmarks.md).
    """

    def __init__(self, chunks: Sequence[Chunk], tokenizer: jieba.Tokenizer) -> None:
        if not chunks:
            raise ValueError("BM25Retriever needs at least one chunk")
        self._chunks = list(chunks)
        self._tokenizer = tokenizer
        # unit names stay out of the lexical index: who does a task is answered from the records, and
        # 「…归哪个单位管」 must not match every task of the 城管局
        okapi = BM25Okapi([content_tokens(strip_units(c.text), tokenizer) or ["∅"] for c in self._chunks])
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
        for term in content_tokens(query, self._tokenizer):
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
