"""Who writes an answer's text: a registry of generator backends, built-in ones registered like plugins.

`extractive` (no model: the answer composed from the records; the default and the fallback), `openai` (any
OpenAI-compatible chat endpoint: DeepSeek, DashScope, vLLM, Ollama, llama.cpp's server) and `local` (a GGUF model
in-process through llama-cpp-python, verified by `assistant.answer.models`). Another backend registers itself with
`@register("name")` on a factory that takes the Settings, as simonw/llm's plugins register their models.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import ConfigError, GenerationError, ModelError
from ..settings import Settings

Message = dict[str, str]


class Generator(Protocol):
    """Writes a reply to chat messages, piece by piece."""

    name: str

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> Iterator[str]:
        """Text pieces as they are generated; GenerationError when the backend fails or times out."""
        ...


class ExtractiveGenerator:
    """No model: `GroundedResponder` returns the composed answer and never calls `stream`."""

    name = "extractive"

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> Iterator[str]:
        raise GenerationError("the extractive generator composes answers from the records; it has no model to call")


class OpenAIGenerator:
    """Any OpenAI-compatible chat-completions endpoint, streamed; one timeout for connect and for each silence."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 60.0,
                 max_tokens: int = 512) -> None:
        try:
            from openai import OpenAI
        except ImportError as exc:
            raise GenerationError("the openai generator needs the `openai` package: pip install -e '.[llm]'") from exc
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.name = f"openai:{model}"
        # local servers take any key; the client insists on one
        self._client = OpenAI(base_url=self.base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=0)

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> Iterator[str]:
        import openai

        try:  # the HTTP library under the openai client (httpx2 in openai 3.x, httpx before)
            import httpx2 as _http
        except ImportError:
            import httpx as _http  # type: ignore[no-redef]
        where = self.base_url
        try:
            response: Any = self._client.chat.completions.create(
                model=self.model, messages=list(messages), stream=True, temperature=0,  # type: ignore[arg-type]
                max_tokens=max_tokens or self.max_tokens,
            )
            try:
                for chunk in response:
                    if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
            finally:
                response.close()
        except openai.APITimeoutError as exc:
            raise GenerationError(f"生成服务 {where} 在 {self.timeout:g} 秒内没有响应") from exc
        except openai.APIConnectionError as exc:
            raise GenerationError(f"无法连接生成服务 {where}") from exc
        except _http.TimeoutException as exc:  # mid-stream, the client does not wrap transport errors
            raise GenerationError(f"生成服务 {where} 在 {self.timeout:g} 秒内没有响应") from exc
        except _http.TransportError as exc:
            raise GenerationError(f"与生成服务 {where} 的连接中断({type(exc).__name__})") from exc
        except openai.APIStatusError as exc:
            raise GenerationError(f"生成服务 {where} 返回错误 {exc.status_code}") from exc
        except openai.OpenAIError as exc:
            raise GenerationError(f"生成服务 {where} 出错:{type(exc).__name__}") from exc


class LocalGenerator:
    """A GGUF model in this process (llama-cpp-python); one generation at a time."""

    def __init__(self, model_path: Path, name: str = "", n_ctx: int = 4096, n_threads: int | None = None,
                 max_tokens: int = 512) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError("the local generator needs llama-cpp-python: pip install -e '.[llm]'") from exc
        self.name = f"local:{name or Path(model_path).stem}"
        self.max_tokens = max_tokens
        self.n_ctx = n_ctx
        self._lock = threading.Lock()
        self._llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads or min(os.cpu_count() or 2, 8),
                          verbose=False)
        # free the model while the interpreter is still whole: llama-cpp-python's own __del__ runs during
        # shutdown, after the module globals it needs are gone, and prints a TypeError traceback
        atexit.register(self.close)

    def close(self) -> None:
        """Free the model (idempotent); the generator is unusable afterwards."""
        with self._lock:
            llm = self.__dict__.pop("_llm", None)
        if llm is not None:
            llm.close()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> Iterator[str]:
        with self._lock:
            try:
                chunks: Any = self._llm.create_chat_completion(
                    messages=list(messages), stream=True, temperature=0.0,  # type: ignore[arg-type]
                    max_tokens=max_tokens or self.max_tokens,
                )
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
            except ValueError as exc:  # e.g. the prompt does not fit the context window
                raise GenerationError(f"本地模型无法生成:{exc}") from exc


_LOCAL: dict[tuple[str, Path], LocalGenerator] = {}
_LOCAL_LOCK = threading.Lock()


Factory = Callable[[Settings], Generator]
_REGISTRY: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    """Register a generator factory under a name (the value of Settings.generator / ASSISTANT_GENERATOR)."""

    def add(factory: Factory) -> Factory:
        _REGISTRY[name] = factory
        return factory

    return add


def names() -> tuple[str, ...]:
    """The registered generator names, in registration order."""
    return tuple(_REGISTRY)


@register("extractive")
def _extractive(settings: Settings) -> Generator:
    return ExtractiveGenerator()


@register("openai")
def _openai(settings: Settings) -> Generator:
    return OpenAIGenerator(settings.openai_base_url, settings.openai_model, settings.openai_api_key,
                           settings.llm_timeout, settings.max_new_tokens)


@register("local")
def _local(settings: Settings) -> Generator:
    """The local model is verified and loaded once per process, then shared."""
    from .models import ensure_model

    key = (settings.local_model, Path(settings.model_cache_dir))
    with _LOCAL_LOCK:
        if key not in _LOCAL:
            path = ensure_model(settings.local_model, settings.model_cache_dir)
            _LOCAL[key] = LocalGenerator(path, settings.local_model, max_tokens=settings.max_new_tokens)
        generator = _LOCAL[key]
    generator.max_tokens = settings.max_new_tokens
    return generator


def make_generator(settings: Settings) -> Generator:
    """The generator the settings name."""
    try:
        factory = _REGISTRY[settings.generator]
    except KeyError:
        raise ConfigError(f"generator must be one of {names()}, got {settings.generator!r}") from None
    return factory(settings)
