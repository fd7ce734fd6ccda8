"""Child processes that cannot outlive the run: worker processes and kernels ask Linux to kill them when
their parent dies (``PR_SET_PDEATHSIG``), whether the run ends normally, by Ctrl-C or by SIGKILL."""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import sys

__all__ = ["die_with_parent", "process_alive"]

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


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True
