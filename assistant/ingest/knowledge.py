"""Knowledge about a notice beyond its text, kept as data beside it (`<doc_id>.knowledge.json`), checked at load.

A notice may come with a file that says what its text alone does not: the other names people use for its units,
words that name its parts, everyday words for its terms, places that are not its own, example questions. Every
entry must point at something the notice has — a unit it names, a word of a part's title, a word of its text —
or loading stops with a message naming the entry, so the file cannot drift from the notice it describes.
Without such a file a notice gets no extra knowledge; nothing about any notice is written in the code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from ..records import Notice

SUFFIX = ".knowledge.json"


@dataclass(frozen=True)
class Knowledge:
    """What the loaded notices' knowledge files say, merged in the notices' order."""

    unit_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    group_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # section number -> words that name it (「民生保障」 for the part titled 「…全面展现民生保障新作为」)
    # (notice, part number) -> words of that part's title people use for it
    section_words: Mapping[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    # (regular expression of everyday words, the notice's own words for them)
    everyday: tuple[tuple[str, str], ...] = ()
    # names of the notice's own place and of the places above it, as they prefix unit names (鼓楼, 南京)
    place_prefixes: tuple[str, ...] = ()
    # places that are not the notice's, and what people ask about them (a question pairing both is refused)
    other_places: tuple[str, ...] = ()
    place_subjects: tuple[str, ...] = ()
    example_units: tuple[str, ...] = ()
    example_groups: tuple[str, ...] = ()
    example_street_groups: tuple[str, ...] = ()
    help_questions: tuple[str, ...] = ()
    web_examples: tuple[str, ...] = ()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CorpusError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def _aliases(value: Any, where: str, units: set[str], kept: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise CorpusError(f"{where} must be an object of unit name -> list of aliases")
    out: dict[str, tuple[str, ...]] = {}
    for name, aliases in value.items():
        if name not in units:
            raise CorpusError(f"{where}: {name!r} is not a unit of this notice")
        unit = kept.get(name, name)  # a name the notice also writes another way is that one unit
        out[unit] = tuple(dict.fromkeys([*out.get(unit, ()), *_strings(aliases, f"{where}[{name!r}]")]))
    return out


def parse_knowledge(data: Any, notice: Notice, where: str) -> Knowledge:
    """Check one knowledge file's content against its notice; CorpusError names the first entry that does not fit."""
    if not isinstance(data, dict):
        raise CorpusError(f"{where} must hold a JSON object")
    # the names the notice's units go by, and the other ways it writes them (read as those units: ParseInfo.unified)
    kept = {other: name for name, others in notice.info.unified for other in others}
    units = {u.name for t in notice.tasks for u in t.units} | set(kept)
    text = "\n".join([notice.plan_title, *(s.title for s in notice.sections), *(t.text for t in notice.tasks)])
    known = {"about", "unit_aliases", "group_aliases", "section_words", "section_aliases", "everyday",
             "place_prefixes", "out_of_scope", "examples", "corrections"}  # corrections: corrections.py
    unknown = sorted(set(data) - known)
    if unknown:
        raise CorpusError(f"{where}: unknown key(s) {', '.join(unknown)}")

    sections: dict[tuple[str, int], tuple[str, ...]] = {}
    for key, words in dict(data.get("section_words", {})).items():
        if not str(key).isdigit() or not 1 <= int(key) <= len(notice.sections):
            raise CorpusError(f"{where}: section_words key {key!r} is not a section of this notice")
        title = notice.section_of(int(key)).title
        for word in _strings(words, f"{where} section_words[{key}]"):
            if word not in title:
                raise CorpusError(f"{where}: section word {word!r} is not in the title of section {key} ({title})")
        sections[(notice.doc_id, int(key))] = tuple(words)
    # other names people give a part (「政府自身建设」 for 「…树立有为政府新形象」): only the part must exist
    for key, words in dict(data.get("section_aliases", {})).items():
        if not str(key).isdigit() or not 1 <= int(key) <= len(notice.sections):
            raise CorpusError(f"{where}: section_aliases key {key!r} is not a section of this notice")
        part = (notice.doc_id, int(key))
        sections[part] = (*sections.get(part, ()), *_strings(words, f"{where} section_aliases[{key}]"))

    everyday = []
    for i, entry in enumerate(data.get("everyday", [])):
        if not (isinstance(entry, dict) and isinstance(entry.get("pattern"), str) and isinstance(entry.get("words"), str)):
            raise CorpusError(f"{where}: everyday[{i}] must be {{\"pattern\": …, \"words\": …}}")
        try:
            re.compile(entry["pattern"])
        except re.error as exc:
            raise CorpusError(f"{where}: everyday[{i}] pattern is not a valid regular expression: {exc}") from exc
        for word in entry["words"].split():
            if word not in text:
                raise CorpusError(f"{where}: everyday[{i}] points to {word!r}, which is not in the notice")
        everyday.append((entry["pattern"], entry["words"]))

    prefixes = _strings(data.get("place_prefixes", []), f"{where} place_prefixes")
    for prefix in prefixes:
        if prefix not in text:
            raise CorpusError(f"{where}: place prefix {prefix!r} is not in the notice")

    scope = data.get("out_of_scope", {})
    if not isinstance(scope, dict):
        raise CorpusError(f"{where}: out_of_scope must be an object with places and subjects")
    others = _strings(scope.get("places", []), f"{where} out_of_scope.places")
    own = notice.identity.place
    if own and own in others:
        raise CorpusError(f"{where}: out_of_scope.places lists the notice's own place {own!r}")

    examples = data.get("examples", {})
    if not isinstance(examples, dict):
        raise CorpusError(f"{where}: examples must be an object")
    example_units = _strings(examples.get("units", []), f"{where} examples.units")
    groups = _strings(examples.get("groups", []), f"{where} examples.groups")
    streets = _strings(examples.get("street_groups", []), f"{where} examples.street_groups")
    for name in (*example_units, *groups, *streets):
        if name not in units:
            raise CorpusError(f"{where}: example unit {name!r} is not a unit of this notice")
    return Knowledge(
        unit_aliases=_aliases(data.get("unit_aliases", {}), f"{where} unit_aliases", units, kept),
        group_aliases=_aliases(data.get("group_aliases", {}), f"{where} group_aliases", units, kept),
        section_words=sections,
        everyday=tuple(everyday),
        place_prefixes=prefixes,
        other_places=others,
        place_subjects=_strings(scope.get("subjects", []), f"{where} out_of_scope.subjects"),
        example_units=tuple(dict.fromkeys(kept.get(n, n) for n in example_units)),
        example_groups=tuple(dict.fromkeys(kept.get(n, n) for n in groups)),
        example_street_groups=tuple(dict.fromkeys(kept.get(n, n) for n in streets)),
        help_questions=_strings(examples.get("help", []), f"{where} examples.help"),
        web_examples=_strings(examples.get("web", []), f"{where} examples.web"),
    )


def knowledge_path(corpus_dir: Path, doc_id: str) -> Path:
    return corpus_dir / f"{doc_id}{SUFFIX}"


def load_knowledge(corpus_dir: Path, notice: Notice) -> Knowledge:
    """The notice's knowledge file, checked; an empty Knowledge when it has none."""
    path = knowledge_path(corpus_dir, notice.doc_id)
    if not path.is_file():
        return Knowledge()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"cannot read {path.name}: {exc}") from exc
    return parse_knowledge(data, notice, path.name)


def _merged_map(maps: Iterable[Mapping[Any, tuple[str, ...]]]) -> dict[Any, tuple[str, ...]]:
    out: dict[Any, tuple[str, ...]] = {}
    for m in maps:
        for key, values in m.items():
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *values)))
    return out


def _merged(values: Iterable[Sequence[Any]]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(v for seq in values for v in seq))


def merge(parts: Sequence[Knowledge]) -> Knowledge:
    """Several notices' knowledge as one: maps and lists joined in order, without repeats."""
    if len(parts) == 1:
        return parts[0]
    return Knowledge(
        unit_aliases=_merged_map(k.unit_aliases for k in parts),
        group_aliases=_merged_map(k.group_aliases for k in parts),
        section_words=_merged_map(k.section_words for k in parts),
        everyday=_merged(k.everyday for k in parts),
        place_prefixes=_merged(k.place_prefixes for k in parts),
        other_places=_merged(k.other_places for k in parts),
        place_subjects=_merged(k.place_subjects for k in parts),
        example_units=_merged(k.example_units for k in parts),
        example_groups=_merged(k.example_groups for k in parts),
        example_street_groups=_merged(k.example_street_groups for k in parts),
        help_questions=next((k.help_questions for k in parts if k.help_questions), ()),
        web_examples=next((k.web_examples for k in parts if k.web_examples), ()),
    )
