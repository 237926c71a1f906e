"""The executor's kernels: started by the launcher as their own uid, with an explicit command.

No kernelspec is looked up and no provisioner entry point is loaded: the kernel spec is built
here and the provisioner is this module's class, set on the kernel manager before it starts.
The kernel's sockets are Unix sockets (ZeroMQ ipc) in a folder only the executor and that kernel
can enter, so no other process of the sandbox can squat a port or connect to the kernel.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
import sys
import threading
import uuid
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

from course.grading.sandbox.inside.launcher import CONNECTION_KEYS, KERNEL_ARGV

log = logging.getLogger(__name__)


class LauncherError(RuntimeError):
    """The launcher refused or failed a request."""


class LauncherChannel:
    """The executor's end of the socket pair to the launcher: one request, one reply."""

    def __init__(self, fd: int) -> None:
        self.sock = socket.socket(fileno=fd)
        self.reader = self.sock.makefile("rb")
        self.lock = threading.Lock()

    def request(self, op: str, **fields: Any) -> dict:
        with self.lock:
            self.sock.sendall(json.dumps({"op": op, **fields}).encode() + b"\n")
            line = self.reader.readline()
        if not line:
            raise LauncherError("the launcher is gone")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise LauncherError(reply.get("error", "refused"))
        return reply

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def kernel_spec() -> KernelSpec:
    """The one kernel the course runs: IPython in Python's isolated mode (what the launcher runs)."""
    return KernelSpec(argv=[sys.executable, *KERNEL_ARGV, "{connection_file}"],
                      display_name="Python 3", language="python", interrupt_mode="signal")


class LaunchedKernel(KernelProvisionerBase):  # type: ignore[misc]
    """A kernel the launcher started; signals and polls go through the launcher."""

    role: str = ""
    channel: LauncherChannel | None = None
    _started = False
    _exited = False

    @property
    def has_process(self) -> bool:
        return self._started and not self._exited

    def _ask(self, op: str, **fields: Any) -> dict:
        assert self.channel is not None
        return self.channel.request(op, role=self.role, **fields)

    async def poll(self) -> int | None:
        if not self._started or self._exited:
            return 0
        try:
            code = self._ask("poll")["returncode"]
        except LauncherError:
            code = -1
        if code is not None:
            self._exited = True
        return code

    async def wait(self) -> int | None:
        while (code := await self.poll()) is None:
            await asyncio.sleep(0.05)
        return code

    async def send_signal(self, signum: int) -> None:
        if self.has_process:
            self._ask("signal", signal=int(signum))

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        kwargs.pop("extra_arguments", None)
        km.write_connection_file()
        self.connection_info = km.get_connection_info()
        return await super().pre_launch(cmd=list(self.kernel_spec.argv), **kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict:
        with open(self.parent.connection_file) as handle:
            info = {k: v for k, v in json.load(handle).items() if k in CONNECTION_KEYS}
        self._ask("spawn", connection=info)
        self._started = True
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        pass


def kernel_manager(role: str, channel: LauncherChannel, socket_dir: str,
                   connection_file: str) -> AsyncKernelManager:
    """A kernel manager for one role's kernel of one notebook."""
    spec = kernel_spec()
    km = AsyncKernelManager(transport="ipc", ip=f"{socket_dir}/k", kernel_name="python3")
    km._kernel_spec = spec  # explicit: never looked up in a folder a learner could write
    km.connection_file = connection_file
    km.kernel_id = str(uuid.uuid4())
    provisioner = LaunchedKernel(kernel_id=km.kernel_id, kernel_spec=spec, parent=km)
    provisioner.role = role
    provisioner.channel = channel
    km.provisioner = provisioner
    return km
