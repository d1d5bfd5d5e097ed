"""JSON Lines files that stay bounded: rotated by size into a fixed number of backups, pruned by age.

The audit log and the feedback file both grow with what anonymous visitors do; with `max_bytes` and `backups`
their disk use is at most (backups + 1) × max_bytes, and lines older than `retention_days` are dropped.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

_PRUNE_EVERY = 3600.0  # seconds between retention passes while the app runs


class JsonLines:
    """Append-only JSON Lines at `path`, rotated to path.1 … path.N past `max_bytes`, old lines pruned."""

    def __init__(self, path: Path, max_bytes: int, backups: int, retention_days: int = 0,
                 clock: Callable[[], float] = time.time) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be greater than 0, got {max_bytes}")
        if backups < 0 or retention_days < 0:
            raise ValueError(f"backups and retention_days must be 0 or more, got {backups} and {retention_days}")
        self.path = path
        self._max_bytes = max_bytes
        self._backups = backups
        self._retention = retention_days * 86400.0
        self._clock = clock
        self._lock = threading.Lock()
        self._pruned_at = -_PRUNE_EVERY
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._prune_if_due()

    def files(self) -> list[Path]:
        """The current file and its backups, newest first (only those that exist)."""
        names = [self.path, *(self._backup(i) for i in range(1, self._backups + 1))]
        return [p for p in names if p.exists()]

    def append(self, entry: Mapping[str, object]) -> None:
        """Write one entry as a line; rotate first when it would take the file past `max_bytes`."""
        data = (json.dumps(dict(entry), ensure_ascii=False) + "\n").encode("utf-8")
        if len(data) > self._max_bytes:
            log.warning("a %d-byte line is larger than max_bytes of %s: not written", len(data), self.path)
            return
        with self._lock:
            self._prune_if_due()
            size = self.path.stat().st_size if self.path.exists() else 0
            if size + len(data) > self._max_bytes:
                self._rotate()
            with self.path.open("ab") as handle:
                handle.write(data)

    def prune(self) -> None:
        """Drop lines older than the retention from the file and its backups (0 days keeps everything)."""
        with self._lock:
            self._prune()

    def _backup(self, index: int) -> Path:
        """path.1, path.2, …: the backups, oldest last."""
        return self.path.with_name(f"{self.path.name}.{index}")

    def _rotate(self) -> None:
        """Shift the backups up by one (the oldest drops off) and start an empty current file."""
        if self._backups == 0:
            self.path.unlink(missing_ok=True)
            return
        for index in range(self._backups - 1, 0, -1):
            if self._backup(index).exists():
                os.replace(self._backup(index), self._backup(index + 1))
        os.replace(self.path, self._backup(1))

    def _prune_if_due(self) -> None:
        """Prune at most once an hour, so appends stay cheap."""
        now = time.monotonic()
        if now - self._pruned_at >= _PRUNE_EVERY:
            self._pruned_at = now
            self._prune()

    def _prune(self) -> None:
        """Remove backups with nothing recent in them and rewrite files that hold lines past the retention."""
        if not self._retention:
            return
        cutoff = self._clock() - self._retention
        for file in self.files():
            if file.stat().st_mtime < cutoff:  # nothing in it was written since the cutoff
                file.unlink(missing_ok=True)
                continue
            lines = file.read_bytes().splitlines(keepends=True)
            kept = [line for line in lines if _written_at(line) >= cutoff]
            if len(kept) != len(lines):
                temporary = file.with_name(file.name + ".tmp")
                temporary.write_bytes(b"".join(kept))
                os.replace(temporary, file)


def _written_at(line: bytes) -> float:
    """The "time" of one line as a POSIX timestamp; infinity (always kept) when it has none."""
    try:
        return datetime.fromisoformat(json.loads(line)["time"]).timestamp()
    except (ValueError, KeyError, TypeError):
        return float("inf")
