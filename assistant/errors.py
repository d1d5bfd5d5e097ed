"""The assistant's error hierarchy; the CLI and web app translate these into user messages."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the assistant raises on purpose."""


class ConfigError(AssistantError):
    """A setting has a value the assistant cannot use."""


class CorpusError(AssistantError):
    """A corpus file is missing or does not have the structure of a work-plan notice."""


class IndexError_(AssistantError):
    """The search index is missing, stale or unreadable and could not be rebuilt."""


class InputError(AssistantError):
    """A question the assistant cannot take (empty, too long, not text)."""


class ModelError(AssistantError):
    """A local model file is missing, incomplete or fails its checksum, or its runtime is not installed."""


class GenerationError(AssistantError):
    """A generator (an OpenAI-compatible server, a local model) failed, timed out or could not be reached."""
