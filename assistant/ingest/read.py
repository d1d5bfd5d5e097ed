"""Read a document file into its text and its tables: .txt, .docx (paragraphs and tables), .xlsx, .xls, a
text-layer .pdf or a saved .html page. Formats that cannot be read offline get a message saying what to convert them to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from .tables import Cell, Table, grid
from .words import layout_words

SUFFIXES = (".txt", ".docx", ".xlsx", ".xls", ".pdf", ".html", ".htm")
# old binary or office formats without a well-kept offline reader: what to save them as
CONVERT = {
    ".doc": ".docx", ".wps": ".docx", ".rtf": ".docx", ".et": ".xlsx", ".ofd": ".pdf (text layer)",
    ".mht": ".html", ".mhtml": ".html",
}


@dataclass(frozen=True)
class Document:
    """A file's running text (paragraphs, one a line) and its tables, in document order."""

    text: str
    tables: tuple[Table, ...] = ()


def check_readable(path: Path) -> None:
    """CorpusError with what to do when the file's type cannot be read."""
    suffix = path.suffix.lower()
    if suffix in CONVERT:
        raise CorpusError(f"{path.name}: {suffix} files cannot be read offline; open it in Word/WPS/Excel and save "
                          f"it as {CONVERT[suffix]}, then add that file")
    if suffix not in SUFFIXES:
        raise CorpusError(f"unsupported file type {suffix!r} ({path.name}); use one of {', '.join(SUFFIXES)}")


def read_text(path: Path) -> str:
    """The running text of a file (tables left out)."""
    return read_document(path).text


def read_document(path: Path) -> Document:
    """The text and tables of a .txt, .docx, .xlsx, text-layer .pdf or .html file."""
    check_readable(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            return text_tables(_decode(path.read_bytes(), path))
        if suffix == ".docx":
            return _docx(path)
        if suffix == ".xlsx":
            return _xlsx(path)
        if suffix == ".xls":
            return _xls(path)
        if suffix in (".html", ".htm"):
            return _html(_decode(path.read_bytes(), path))
        return Document(_pdf(path))
    except CorpusError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorpusError(f"cannot read {path.name}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx, openpyxl and pypdf raise many kinds of errors on broken files
        raise CorpusError(f"cannot read {path.name}: not a valid {suffix[1:]} file ({exc})") from exc


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (notices saved on Chinese Windows), else a clear error."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"cannot read {path.name}: neither UTF-8 nor GB18030 text; save it as UTF-8")


def _docx(path: Path) -> Document:
    import docx
    from docx.table import Table as DocxTable

    document = docx.Document(str(path))
    lines: list[str] = []
    tables: list[Table] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            tables.append(_docx_table(block, _caption(lines)))
        else:
            lines.append(block.text)
    return Document("\n".join(lines), tuple(tables))


def _caption(lines: list[str]) -> str:
    """The title above a table: the nearest non-empty line (with an 「附件1」 line above it joined in)."""
    texts = [line.strip() for line in lines if line.strip()]
    if not texts or len(texts[-1]) > 60:
        return ""
    if len(texts) >= 2 and re.fullmatch(r"附件\s*\d*\s*[::]?", texts[-2]):
        return f"{texts[-2]} {texts[-1]}"
    return texts[-1]


def _docx_table(table: Any, title: str) -> Table:
    """A python-docx table as a grid: a merged cell (python-docx repeats it) keeps the position it starts at."""
    origins: dict[int, tuple[int, int]] = {}
    alive = []  # the cells' XML elements, kept so that no id() is reused while the grid is read
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, cell in enumerate(row.cells):
            alive.append(cell._tc)
            origin = origins.setdefault(id(cell._tc), (r, c))
            cells.append(Cell(cell.text, origin))
        rows.append(tuple(cells))
    return Table(tuple(rows), title)


def _xlsx(path: Path) -> Document:
    from openpyxl import load_workbook

    book = load_workbook(str(path), data_only=True)
    tables = []
    for sheet in book.worksheets:
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for area in sheet.merged_cells.ranges:
            for r in range(area.min_row, area.max_row + 1):
                for c in range(area.min_col, area.max_col + 1):
                    merged[(r, c)] = (area.min_row, area.min_col)
        rows = []
        for r in range(1, sheet.max_row + 1):
            cells = []
            for c in range(1, sheet.max_column + 1):
                origin = merged.get((r, c), (r, c))
                value = sheet.cell(*origin).value
                cells.append(Cell("" if value is None else _cell_value(value), (origin[0] - 1, origin[1] - 1)))
            if any(cell.text.strip() for cell in cells):
                rows.append(tuple(cells))
        if rows:
            tables.append(Table(tuple(rows)))
    book.close()
    return Document("", tuple(tables))


def _xls(path: Path) -> Document:
    """An Excel 97-2003 workbook through xlrd (which reads .xls only), merged cells kept with their origin."""
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True)
    tables = []
    for sheet in book.sheets():
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, r1, c0, c1 in sheet.merged_cells:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    merged[(r, c)] = (r0, c0)
        rows = []
        for r in range(sheet.nrows):
            cells = []
            for c in range(sheet.ncols):
                origin = merged.get((r, c), (r, c))
                value = sheet.cell_value(*origin)
                cells.append(Cell("" if value in ("", None) else _cell_value(value), origin))
            if any(cell.text.strip() for cell in cells):
                rows.append(tuple(cells))
        if rows:
            tables.append(Table(tuple(rows)))
    return Document("", tuple(tables))


def _cell_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    pages = PdfReader(str(path)).pages
    text = tidy_pdf_text("\n\n".join(page.extract_text(extraction_mode="layout") or "" for page in pages))
    if not text.strip():
        raise CorpusError(f"{path.name} has no text layer (a scanned PDF?): run OCR on it first, or add the notice "
                          f"as .docx or .txt")
    return text


class _PageReader(HTMLParser):
    """Paragraph lines and tables (rowspan and colspan expanded, a merged cell keeping its origin) of a page."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title",
              "caption", "table", "td", "th"}
    SKIP = {"script", "style", "noscript", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.linked: list[int] = [0]  # each line's characters inside links (menus, share bars, 上一篇/下一篇)
        self.tables: list[Table] = []
        self._link = 0
        self._skip = 0
        self._stack: list[dict[str, Any]] = []  # open tables: rows of (text, rowspan, colspan)
        self.title = ""  # the page's <title>: the notice starts where it is repeated (menus come before)
        self._title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._title = True
        if tag == "a":
            self._link += 1
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "table":
            self._stack.append({"rows": [], "caption": _caption(self.lines)})
        elif self._stack and tag == "tr":
            self._stack[-1]["rows"].append([])
        elif self._stack and tag in ("td", "th"):
            span = dict(attrs)
            rows = self._stack[-1]["rows"]
            if not rows:
                rows.append([])
            rows[-1].append([[], _int(span.get("rowspan")), _int(span.get("colspan"))])
        elif tag in self.BLOCKS and tag not in ("td", "th", "tr"):
            self._break()

    def _in_cell(self) -> bool:
        return bool(self._stack and self._stack[-1]["rows"] and self._stack[-1]["rows"][-1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._title = False
        if tag == "a":
            self._link = max(0, self._link - 1)
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "table" and self._stack:
            table = self._stack.pop()
            self.tables.append(_spanned(table["rows"], table["caption"]))
            self._break()
        elif tag in self.BLOCKS and tag not in ("td", "th", "tr"):
            self._break()

    def handle_data(self, data: str) -> None:
        if self._title:
            self.title += data.strip()
        if self._skip:
            return
        if self._in_cell():
            self._stack[-1]["rows"][-1][-1][0].append(data)
        elif not self._stack:
            self.lines[-1] += re.sub(r"\s+", " ", data)
            if self._link:
                self.linked[-1] += len(data.strip())

    def _break(self) -> None:
        if self._in_cell():
            self._stack[-1]["rows"][-1][-1][0].append("\n")  # a line break inside a cell
        elif not self._stack and self.lines[-1].strip():
            self.lines.append("")
            self.linked.append(0)


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _spanned(rows: list[list[list[Any]]], title: str) -> Table:
    """HTML rows with rowspan/colspan as a full grid."""
    grid: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(rows):
        c = 0
        for parts, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            text = "\n".join(re.sub(r"\s+", " ", line).strip() for line in "".join(parts).split("\n"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = Cell(text, (r, c))
            c += colspan
    if not grid:
        return Table((), title)
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return Table(tuple(tuple(grid.get((r, c), Cell("", (r, c))) for c in range(width)) for r in range(height)), title)


def _html(page: str) -> Document:
    reader = _PageReader()
    reader.feed(page)
    reader.close()
    kept = [(line.strip(), linked) for line, linked in zip(reader.lines, reader.linked, strict=True) if line.strip()]
    lines = [line for line, _ in kept]
    start = next((i for i, line in enumerate(lines) if _is_title(line, reader.title)), 0)
    return Document("\n".join(lines[start:_article_end(kept, start)]), tuple(reader.tables))


# what a site appends to a page's <title> after the notice's own: 「…的通知_政府文件_某区人民政府」「… - 某市人民政府」
_SITE_SUFFIX = re.compile(r"\s*[_|\-—–]")


def _is_title(line: str, title: str) -> bool:
    """Whether a line of the page is its <title>, or the notice's title before the site's name is appended."""
    if not title or len(line) < 6 or not title.startswith(line):
        return False
    return line == title or bool(_SITE_SUFFIX.match(title[len(line):]))


_PROSE = re.compile(r"[\u4e00-\u9fff]")


def _article_end(lines: list[tuple[str, int]], start: int) -> int:
    """Where the notice ends on a saved page: at the first line that is mostly links (a share bar, 上一篇/下一篇, a
    list of related files) after the notice's own paragraphs began, when no paragraph follows it (a footer's
    主办单位 and 备案号 lines are no part of the notice). A link in the notice itself (an attachment) is followed by
    more of it, so it does not end it."""

    def prose(line: str, linked: int) -> bool:
        return len(_PROSE.findall(line)) - linked >= 30

    begun = False
    for i in range(start, len(lines)):
        line, linked = lines[i]
        if begun and 2 * linked >= len(line.replace(" ", "")) and not any(prose(*rest) for rest in lines[i + 1:]):
            return i
        begun = begun or prose(line, linked)
    return len(lines)


# a row of a table pasted as text: cells split by tabs (copied out of Word or Excel) or by | (Markdown)
_TAB_ROW = re.compile(r"^[^\t]*(\t[^\t]*){2,}$")
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?$")


def text_tables(text: str) -> Document:
    """Plain text with the tables pasted into it taken out as tables: two or more rows in a row of three or more
    tab-separated cells, or a Markdown table (its |---| rule under the header). The line above is its title."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        j = i
        markdown = i + 1 < len(lines) and "|" in lines[i] and bool(_MD_RULE.match(lines[i + 1].strip()))
        if markdown:
            j = i + 2
            while j < len(lines) and lines[j].strip().count("|") >= 2:
                j += 1
            rows = [lines[i], *lines[i + 2:j]]
            cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
        else:
            while j < len(lines) and _TAB_ROW.match(lines[j].rstrip("\n")):
                j += 1
            cells = [[c.strip() for c in row.split("\t")] for row in lines[i:j]]
        if j - i >= 2:
            title = next((line.strip() for line in reversed(kept) if line.strip()), "")
            tables.append(Table(grid(cells).rows, title))
            i = j
        else:
            kept.append(lines[i])
            i += 1
    return Document("\n".join(kept), tuple(tables))


_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef,;:!?()%“”‘’、《》【】"
_PDF_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_LINE_START = re.compile(
    r"^(\d{1,3}[.．、﹒]|[一二三四五六七八九十]+[、.．]|[((][一二三四五六七八九十\d]+[))]|\d{4}年\d{1,2}月\d{1,2}日$|.*\|)")


def tidy_pdf_text(text: str) -> str:
    """Undo what PDF text extraction does to Chinese: lines wrapped by the page layout, spaces around CJK.

    Layout extraction often leaves a blank line between paragraphs; the lines of such a block are one wrapped
    paragraph. A block that holds several items (a page of a plan printed without paragraph spacing), or a text
    without blank lines, is unwrapped line by line: a line that does not start like a new item (a task number, a
    section numeral, a header row, a date) continues the previous one when that did not end a sentence.
    """
    lines: list[str] = []
    if re.search(r"\n[ \t]*\n", text):
        for block in re.split(r"\n[ \t]*\n", text):
            rows = [row.strip() for row in block.splitlines() if row.strip()]
            if sum(1 for row in rows if _LINE_START.match(row)) >= 2:
                lines += _unwrapped(rows)
            else:
                lines.append("".join(rows))
    else:
        lines = _unwrapped([raw.strip() for raw in text.splitlines()])
    return "\n".join(_PDF_SPACE.sub("", line) for line in lines if line)


@lru_cache(maxsize=1)
def _label_start() -> re.Pattern[str]:
    """A line that opens with a field label (「责任单位:」「完成时限:」): a line of its own, never a wrapped one."""
    labels = sorted({label for label, _ in layout_words().labels}, key=len, reverse=True)
    return re.compile(rf"^(?:{'|'.join(map(re.escape, labels))})\s*[::]")


def _unwrapped(rows: list[str]) -> list[str]:
    lines: list[str] = []
    for line in rows:
        starts = _LINE_START.match(line) or _label_start().match(line)
        if lines and line and not starts and not re.search(r"[。;;::!!??)）|]$", lines[-1]):
            lines[-1] += line
        else:
            lines.append(line)
    return lines
