"""Jupyter kernels for the runner: the project kernel's name, and a kernel manager that talks over Unix
sockets (IPC) so that parallel runs never race for TCP ports."""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

__all__ = ["KERNEL_NAME", "kernel_name", "ipc_kernel_manager_class"]

log = logging.getLogger(__name__)

KERNEL_NAME = "ejournal"


def kernel_name() -> str:
    """The project's kernel (registered by ``make setup``), else ``python3`` with a warning."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return KERNEL_NAME
    log.warning("Jupyter kernel '%s' is not registered (run 'make setup'); using 'python3'", KERNEL_NAME)
    return "python3"


def ipc_kernel_manager_class(kernel_log: Path):
    """A kernel manager class whose kernels listen on Unix sockets with a unique path prefix per kernel;
    the kernel's own stderr (start-up and shutdown chatter) goes to ``kernel_log``."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"ejournal-kernel-{uuid.uuid4().hex[:12]}"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            self._log_handle = open(kernel_log, "wb")  # noqa: SIM115 - the kernel process writes to it
            kw.setdefault("stderr", self._log_handle)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return IPCKernelManager
