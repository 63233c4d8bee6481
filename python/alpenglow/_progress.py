"""Progress display for runs: tqdm (terminal or notebook) when installed, else a plain bar."""

from __future__ import annotations

import sys
from typing import Callable


class _PlainBar:
    def __init__(self, total: int, desc: str) -> None:
        self.total, self.desc, self.last = max(total, 1), desc, -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / self.total)
        if percent != self.last:
            self.last = percent
            bar = "#" * (percent // 5)
            sys.stderr.write(f"\r{self.desc}: [{bar:<20}] {percent:3d}% ({done}/{total})")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


class Progress:
    """Callable ``(done, total)`` used as the run's progress callback; close it afterwards."""

    def __init__(self, total: int, desc: str = "alpenglow") -> None:
        self.done = 0
        try:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, unit="ev", unit_scale=True, leave=True)
            self._update: Callable[[int, int], None] = self._tqdm_update
        except ImportError:
            self._bar = _PlainBar(total, desc)
            self._update = self._bar

    def _tqdm_update(self, done: int, total: int) -> None:
        self._bar.update(done - self.done)

    def __call__(self, done: int, total: int) -> None:
        self._update(done, total)
        self.done = done

    def close(self) -> None:
        self._bar.close()
