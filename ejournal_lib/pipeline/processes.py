"""Child processes that cannot outlive the run: worker processes and kernels ask Linux to kill them when
their parent dies (``PR_SET_PDEATHSIG``), whether the run ends normally, by Ctrl-C or by SIGKILL."""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable

__all__ = ["die_with_parent", "process_alive", "map_in_workers"]

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child process: be killed (SIGKILL) when the parent process exits. A no-op outside Linux."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def map_in_workers(fn: Callable, items: list, workers: int) -> list:
    """``[fn(i) for i in items]``, in up to ``workers`` spawned processes that die with this one (here when one
    is enough); Ctrl-C or a crash stops them all."""
    if workers <= 1 or len(items) <= 1:
        return [fn(i) for i in items]
    pool = multiprocessing.get_context("spawn").Pool(min(workers, len(items)), initializer=die_with_parent)
    try:
        results = pool.map(fn, items, chunksize=1)
    except BaseException:  # their kernels die with the workers
        pool.terminate()
        raise
    pool.close()
    pool.join()
    return results


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True
