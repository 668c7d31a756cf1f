"""Peak memory of a process tree, sampled from /proc while it runs (Linux only)."""

from __future__ import annotations

import os
import threading
from pathlib import Path


class TreeMemory(threading.Thread):
    """Samples RSS of a process and all its descendants from /proc.

    ru_maxrss only covers descendants that were waited for, and is the largest single
    process; sampling also sees pool workers and Tesseract children, and their sum.
    """

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_sum = self.peak_single = 0
        self.peak_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop_event.wait(self.interval):
            sizes = [pages * page for pages in self._tree_rss_pages()]
            if sizes:
                self.peak_sum = max(self.peak_sum, sum(sizes))
                self.peak_single = max(self.peak_single, max(sizes))
                self.peak_processes = max(self.peak_processes, len(sizes))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def _tree_rss_pages(self) -> list[int]:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            pid = int(entry.name)
            parents[pid], rss[pid] = int(fields[1]), int(fields[21])
        tree, frontier = {self.root}, [self.root]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree.update(children)
            frontier.extend(children)
        return [rss[pid] for pid in tree if pid in rss]
