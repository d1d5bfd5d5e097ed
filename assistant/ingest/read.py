"""Read a document file into text: .txt (UTF-8), .docx (paragraphs) or a text-layer .pdf, tidied for Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CorpusError

SUFFIXES = (".txt", ".docx", ".pdf")


def read_text(path: Path) -> str:
    """The text of a .txt (UTF-8), .docx (paragraphs) or text-layer .pdf (pages) file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            return path.read_text(encoding="utf-8")
        if suffix == ".docx":
            import docx

            return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        if suffix == ".pdf":
            from pypdf import PdfReader

            pages = PdfReader(str(path)).pages
            return tidy_pdf_text("\n\n".join(page.extract_text(extraction_mode="layout") or "" for page in pages))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorpusError(f"cannot read {path.name}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx and pypdf raise many kinds of errors on broken files
        raise CorpusError(f"cannot read {path.name}: not a valid {suffix[1:]} file ({exc})") from exc
    raise CorpusError(f"unsupported file type {suffix!r} ({path.name}); use one of {', '.join(SUFFIXES)}")


_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef,;:!?()%“”‘’、《》【】"
_PDF_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_LINE_START = re.compile(r"^(\d{1,3}[.．、]|[一二三四五六七八九十]+[、.．]|\d{4}年\d{1,2}月\d{1,2}日$|.*\|)")


def tidy_pdf_text(text: str) -> str:
    """Undo what PDF text extraction does to Chinese: lines wrapped by the page layout, spaces around CJK.

    Layout extraction leaves a blank line between paragraphs; lines inside a paragraph are one wrapped line.
    Without blank lines, a line that does not start like a new item (a task number, a section numeral, a
    header row, a date) continues the previous one when that did not end a sentence.
    """
    if re.search(r"\n[ \t]*\n", text):
        paragraphs = re.split(r"\n[ \t]*\n", text)
        lines = ["".join(part.strip() for part in p.splitlines()) for p in paragraphs]
    else:
        lines = []
        for line in (raw.strip() for raw in text.splitlines()):
            if lines and line and not _LINE_START.match(line) and not re.search(r"[。;;::!!??)）|]$", lines[-1]):
                lines[-1] += line
            else:
                lines.append(line)
    return "\n".join(_PDF_SPACE.sub("", line) for line in lines if line)


