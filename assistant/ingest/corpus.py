"""The corpus folder: every notice in it parsed, its identity derived, its knowledge file checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CorpusError
from ..records import Notice
from .corrections import apply_corrections, load_corrections
from .identity import derive_identity
from .knowledge import Knowledge, load_knowledge, merge
from .parse import parse_notice, parse_plain
from .read import SUFFIXES, read_document
from .units import unify_names

_ATTACHED_TABLE = re.compile(r"附件\s*\d*\s*[::.、]?\s*(\S{0,40}?(?:表|清单))")


def parse_file(path: Path) -> Notice:
    """Parse one file; the file name (without suffix) is the document id.

    A work-plan notice (numbered items, or a table of tasks) becomes parts and tasks; any other text is split
    into numbered paragraphs under its headings, still searchable and citable.
    """
    document = read_document(path)
    corrections = load_corrections(path)
    try:
        notice = parse_notice(document.text, doc_id=path.stem, tables=document.tables, rule=corrections.role_rule)
    except CorpusError:
        rows = ["  ".join(dict.fromkeys(c.text for c in row if c.text.strip())) for t in document.tables for row in t.rows]
        notice = parse_plain("\n".join([document.text, *rows]), doc_id=path.stem)
        warnings = []
        if document.tables:
            warnings.append(f"{len(document.tables)} 个表格没有任务列和单位列,按段落读入")
        if attachment := _ATTACHED_TABLE.search(document.text):
            # only the cover letter: its tasks are in an attachment that is not in this file
            warnings.append(f"文中提到附件「{attachment.group(1)}」,但文件里没有它的任务:请把附件(.docx/.xlsx)一并加入")
        if warnings:
            notice = replace(notice, info=replace(notice.info, warnings=(*notice.info.warnings, *warnings)))
    return unify_names(apply_corrections(replace(notice, identity=derive_identity(notice)), corrections))


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files of a corpus folder (.txt, .docx, .xlsx, .xls, .pdf, .html), sorted by name; hidden files are
    skipped."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    return sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def load_corpus(corpus_dir: Path) -> tuple[Notice, ...]:
    """Every document in the corpus folder, sorted by file name."""
    paths = corpus_files(corpus_dir)
    if not paths:
        raise CorpusError(f"no notice ({', '.join('*' + s for s in SUFFIXES)}) in {corpus_dir}")
    return tuple(parse_file(p) for p in paths)


@dataclass(frozen=True)
class Corpus:
    """The loaded notices and what their knowledge files say."""

    notices: tuple[Notice, ...]
    knowledge: Knowledge

    @classmethod
    def load(cls, corpus_dir: Path) -> Corpus:
        notices = load_corpus(corpus_dir)
        return cls(notices, merge([load_knowledge(corpus_dir, n) for n in notices]))
