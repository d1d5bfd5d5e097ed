"""Synthetic notices for the benchmarks: real tasks of the notice recombined into new ones, in the same format.

`make_notice(n_tasks, seed)` returns the text of one notice (metadata header, covering notice, the six sections,
numbered tasks ending in their 主办/协办 bracket) that `parse_notice` reads back as exactly `n_tasks` tasks. Each
task mixes clauses of several real tasks (mostly of the same part of the plan), scales the numbers in them,
swaps place and project names between tasks, and draws its lead and assisting units from the real units (with
the real distribution of how many) plus a few synthetic ones (区数据局 …). Deterministic for a seed.

`make_corpus(n_tasks, seed, folder)` writes a corpus of several such notices (the parser numbers tasks with at
most three digits, so one notice holds at most 999 tasks): notice k of a corpus depends only on (seed, k), so
the first 20 notices of the 100,000-task corpus are exactly the 10,000-task corpus. Never written to corpus/.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from assistant.ingest.parse import parse_notice
from assistant.records import Notice, Task

SOURCE = Path(__file__).resolve().parent.parent / "corpus" / "000_d657d27eca61cd1c.txt"
MAX_TASKS = 999  # parsing._TASK reads task numbers of at most three digits
PER_NOTICE = 500  # tasks per notice in a synthetic corpus

# Units that do not occur in the notice (区X局): a fixed, small set, so the unit directory does not grow with size.
# None of them is a unit the evaluation expects a refusal for (区体育局, 区税务局 …).
SYNTHETIC_UNITS = ("区数据局", "区机关事务局", "区外事办", "区粮食局", "区地震局", "区保密局")
SYNTHETIC_SHARE = 0.05

# Place and project names of the notice, swapped between tasks, plus some Nanjing names the notice does not have.
PLACES = (
    "幕府创新区", "亚太商务楼", "华贸国际中心", "南邮科创中心", "宝龙天地", "鼓楼科技广场", "阳光广场", "朗驰科技大厦",
    "苏电产业科创园", "湖南路商圈", "狮子桥", "陶谷新村", "沈举人巷", "国药大厦", "环五台山生命健康中心", "国睿科技园",
    "北河口", "煤炭港", "中央北路", "南京长江江豚城市公园", "外金川河", "城北护城河", "内秦淮河北段", "南十里长沟",
    "上元门", "南京西站", "东门前街", "长江机械厂", "金燕路", "城河村", "乐业村", "华能总部基地", "西站路", "南惠路",
    "滨江路", "石头城路", "热河南路", "许府巷", "新模范马路", "黑龙江路", "新街口", "鼓楼广场", "颐和路", "恒茂家园",
    "东井二村", "凤凰西街", "二十九中", "鼓楼第二实验小学",
)
EXTRA_PLACES = (
    "清凉门大街", "虎踞路", "草场门", "宁海路", "北京西路", "定淮门", "挹江门", "察哈尔路", "云南路", "山西路",
    "渊声巷", "江东北路", "福建路", "模范西路", "古平岗", "龙江小区",
)
_PLACE = re.compile("|".join(sorted(map(re.escape, PLACES), key=len, reverse=True)))
# A number to scale: not part of 5G, PM2.5, 1+2+3, a year (2024年) or an ordinal (第二轮 has no digits anyway).
_NUMBER = re.compile(r"(?<![A-Za-z\d.+])(\d+(?:\.\d+)?)(?![A-Za-z\d+]|年)")
_CLAUSE = re.compile(r"[,;,;]")


def _real() -> Notice:
    return parse_notice(SOURCE.read_text(encoding="utf-8"), doc_id=SOURCE.stem)


@lru_cache(maxsize=1)
def _material() -> tuple[Notice, list[list[list[str]]], Counter[str], Counter[str], Counter[int], Counter[int]]:
    """The real notice, each task's clauses by section, and the unit distributions."""
    notice = _real()
    by_section: list[list[list[str]]] = [[] for _ in notice.sections]
    leads: Counter[str] = Counter()
    assists: Counter[str] = Counter()
    n_leads: Counter[int] = Counter()
    n_assists: Counter[int] = Counter()
    for task in notice.tasks:
        by_section[task.section - 1].append(_clauses(task))
        leads.update(task.leads)
        assists.update(task.assists)
        n_leads[min(len(task.leads), 4)] += 1
        n_assists[min(len(task.assists), 3)] += 1
    return notice, by_section, leads, assists, n_leads, n_assists


def _clauses(task: Task) -> list[str]:
    out = []
    for sentence in task.body.split("。"):
        out += [c.strip() for c in _CLAUSE.split(sentence) if c.strip()]
    return out


def _scale(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        value = float(m.group(1)) * rng.uniform(0.5, 2.0)
        if "." in m.group(1):
            return f"{max(value, 0.1):.1f}"
        return str(max(1, round(value)))

    return _NUMBER.sub(repl, text)


def _swap_places(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return m.group(0)
        pool = PLACES if rng.random() < 0.7 else EXTRA_PLACES
        return rng.choice(pool)

    return _PLACE.sub(repl, text)


def _pick_units(rng: random.Random, weights: Counter[str], counts: Counter[int], exclude: Sequence[str] = ()) -> list[str]:
    how_many = rng.choices(list(counts), weights=list(counts.values()))[0]
    names = list(weights)
    picked: list[str] = []
    for _ in range(how_many * 3):
        if len(picked) == how_many:
            break
        name = rng.choice(SYNTHETIC_UNITS) if rng.random() < SYNTHETIC_SHARE else rng.choices(
            names, weights=list(weights.values()))[0]
        if name not in picked and name not in exclude:
            picked.append(name)
    return picked


def _task_body(rng: random.Random, section: int, by_section: list[list[list[str]]]) -> str:
    """A base task's opening clause, 1-3 clauses of other tasks (mostly of the same part), its closing clause."""
    own = by_section[section]
    base = rng.choice(own)
    clauses = [base[0]]
    for _ in range(rng.randint(1, 3)):
        pool = own if rng.random() < 0.7 else rng.choice(by_section)
        donor = rng.choice(pool)
        clauses.append(rng.choice(donor[1:] or donor))
    if len(base) > 1 and rng.random() < 0.6:
        clauses.append(base[-1])
    clauses = list(dict.fromkeys(clauses))
    body = ",".join(clauses)
    return re.sub(r"[,,。]+$", "", _scale(_swap_places(body, rng), rng)) + "。"


def _section_sizes(n_tasks: int, real_sizes: Sequence[int]) -> list[int]:
    """n_tasks spread over the parts in the notice's proportions, each part at least one task (fewer parts if small)."""
    parts = min(len(real_sizes), n_tasks)
    weights = real_sizes[:parts]
    total = sum(weights)
    sizes = [max(1, n_tasks * w // total) for w in weights]
    i = 0
    while sum(sizes) < n_tasks:
        sizes[i % parts] += 1
        i += 1
    while sum(sizes) > n_tasks:
        j = max(range(parts), key=lambda k: sizes[k])
        sizes[j] -= 1
    return sizes


def make_notice(n_tasks: int, seed: int | str = 0) -> str:
    """The text of a synthetic notice with exactly n_tasks tasks (1..999), deterministic for a seed."""
    if not 1 <= n_tasks <= MAX_TASKS:
        raise ValueError(f"a notice holds 1 to {MAX_TASKS} tasks (three-digit task numbers), got {n_tasks}")
    rng = random.Random(f"synthetic-notice:{seed}")
    real, by_section, leads, assists, n_leads, n_assists = _material()
    label = str(seed)
    plan_title = f"2024年区政府主要工作目标任务分解落实方案(合成样本{label})"
    title = f"区政府关于印发{plan_title}的通知"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    number = rng.randint(3, 99)
    lines = [
        f"索 引 号: | 000014349/2024-{rng.randint(10000, 99999)} | 主题分类: | 综合政务 |",
        "组配分类: | 区政府文件 | 体裁分类: | 通知 |",
        f"发布机构: | 区政府办公室 | 生成日期: | 2024-{month:02d}-{day:02d} |",
        "生效日期: | 废止日期: | ||",
        f"信息名称: | {title} | ||",
        f"文 号: | 鼓政〔2024〕{number}号 | 关 键 词: | 区政府主要工作目标任务;分解落实方案;通知;合成 |",
        "内容概览: | |||",
        title,
        "各街道办事处,区政府各部门,各直属单位:",
        real.covering.body.replace("《2024年区政府主要工作目标任务分解落实方案》", f"《{plan_title}》"),
        "区政府办公室",
        f"2024年{month}月{day}日",
        "(此件为基准测试合成样本,非真实文件)",
        plan_title,
    ]
    task_number = 0
    for index, size in enumerate(_section_sizes(n_tasks, [len(s.task_numbers) for s in real.sections])):
        section = real.sections[index]
        lines.append(f"{section.numeral}、{section.title}")
        for _ in range(size):
            task_number += 1
            lead = _pick_units(rng, leads, Counter({k: v for k, v in n_leads.items() if k > 0}))
            assist = _pick_units(rng, assists, n_assists, exclude=lead)
            units = "、".join(lead) + "主办" + ((","+ "、".join(assist) + "协办") if assist else "")
            lines.append(f"{task_number}.{_task_body(rng, index, by_section)}({units})")
    return "\n".join(lines) + "\n"


def corpus_files(n_tasks: int, per_notice: int = PER_NOTICE) -> list[tuple[str, int]]:
    """(file stem, tasks) of each notice of an n_tasks corpus."""
    if n_tasks < 1:
        raise ValueError(f"n_tasks must be at least 1, got {n_tasks}")
    if not 1 <= per_notice <= MAX_TASKS:
        raise ValueError(f"per_notice must be 1 to {MAX_TASKS}, got {per_notice}")
    out = []
    for k, start in enumerate(range(0, n_tasks, per_notice)):
        out.append((f"syn_{k:04d}", min(per_notice, n_tasks - start)))
    return out


def make_corpus(n_tasks: int, seed: int, folder: Path, per_notice: int = PER_NOTICE) -> list[Path]:
    """Write a synthetic corpus of n_tasks tasks (notices of per_notice tasks) into folder; returns the files.

    Refuses to write into the project's corpus/ folder. Existing identical files are left alone."""
    folder = Path(folder)
    if folder.resolve() == SOURCE.parent.resolve():
        raise ValueError("synthetic notices are never written to corpus/")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    wanted = set()
    for stem, size in corpus_files(n_tasks, per_notice):
        path = folder / f"{stem}.txt"
        text = make_notice(size, f"{seed}-{stem}-{size}")
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
        wanted.add(path.name)
    for stale in folder.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    return paths
