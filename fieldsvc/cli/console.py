"""What every command prints: lines on stdout, errors and progress on stderr."""

from __future__ import annotations

import sys


def say(*lines: str) -> None:
    """Print lines at once (a long command shows its steps as they happen)."""
    for line in lines:
        print(line, flush=True)


def fail(message: str) -> int:
    """Print an error in Thai and English; returns the exit status for bad input (2)."""
    print(f"ผิดพลาด / error: {message}", file=sys.stderr, flush=True)
    return 2


def progress(done: int, total: int) -> None:
    """A one-line counter on stderr, rewritten in place, for long imports."""
    print(f"\r  {done:,}/{total:,} ({100 * done // max(total, 1)}%)", end="", file=sys.stderr)
    if done == total:
        print(file=sys.stderr)
