"""Jupyter kernels for the runner: the project kernel's name, and a kernel manager that talks over Unix
sockets (IPC) so that parallel runs never race for TCP ports."""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from pathlib import Path

from ejournal_lib.pipeline.processes import die_with_parent

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


def ipc_kernel_manager_class(kernel_log: Path, socket_dir: Path | None = None):
    """A kernel manager class whose kernels listen on Unix sockets (and keep their connection file) in
    ``socket_dir`` (default: the temporary folder), with a unique name per kernel, and die with the process
    that started them; the kernel's own stderr (start-up and shutdown chatter) goes to ``kernel_log``."""
    from jupyter_client.manager import AsyncKernelManager

    folder = Path(socket_dir) if socket_dir else Path(tempfile.gettempdir())

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            name = f"k{uuid.uuid4().hex[:10]}"
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(folder, name))  # Unix socket paths must stay short
            kwargs.setdefault("connection_file", os.path.join(folder, f"{name}.json"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            self._log_handle = open(kernel_log, "wb")  # noqa: SIM115 - the kernel process writes to it
            kw.setdefault("stderr", self._log_handle)
            kw.setdefault("preexec_fn", die_with_parent)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return IPCKernelManager
