"""Sandbox processes that run BPMN scripts under kernel limits, so that no script can freeze or exhaust the server.

A script that is not bounded by construction (`script_rules.bounded_calls`) runs in a separate Python process
(`engine.bpmn.sandbox_child`) with an address-space limit and a CPU limit, and the parent waits for it only until the
deadline: `9 ** (9 ** 9)` or `'x' * n * n` cannot hold the server, because the server never runs them. A process that
overran its deadline is killed (SIGKILL) and replaced; one that ran out of memory is replaced too. Processes are kept
in a pool per server process and reused, so a script costs a round trip over a pipe, not a process start.

The parent trusts nothing that comes back: replies are read only up to `MAX_REPLY` bytes, unpickled with an
allow-list of classes (plain values and datetimes), and checked for depth and size before they become task data.
Helpers (calendar, effects) run in the parent: the child calls them by name and gets their result, so effects are
recorded in the step that runs the script. Each helper bounds its own work.
"""

import atexit
import io
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from engine.bpmn.script_rules import ScriptRefused

_ROOT = Path(__file__).resolve().parents[2]  # the directory holding the `engine` package
_HEADER = struct.Struct(">I")
MAX_REPLY = 8 * 1024 * 1024  # bytes of one reply: task data a script leaves, or a helper's arguments
MAX_HELPER_CALLS = 10_000  # per script run
MAX_DEPTH = 64  # nesting of a value a script leaves in task data
MAX_ITEMS = 200_000  # values in it, all levels together
_IDLE = 4  # processes kept for reuse per pool
STARTUP_SECONDS = 30.0  # for a new process to start and limit itself (not counted in a script's time)


class ScriptFailed(Exception):
    """The script raised; the message is the sandbox's description (`line N: Type: message`). `fatal`: the sandbox
    process ran out of memory and ends (it is not reused)."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


class _Gone(Exception):
    """The sandbox process ended or sent something it should not have."""


_SAFE_CLASSES = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("zoneinfo", "ZoneInfo"),
    ("zoneinfo._zoneinfo", "ZoneInfo._unpickle"),
    ("zoneinfo", "ZoneInfo._unpickle"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "range"),
    ("builtins", "complex"),
    ("builtins", "slice"),
}


class _ValuesOnly(pickle.Unpickler):
    """Unpickles plain values only: a sandbox that was subverted cannot make the server build arbitrary objects."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _SAFE_CLASSES:
            raise pickle.UnpicklingError(f"a script value of type {module}.{name} cannot be stored")
        return super().find_class(module, name)


def _loads(data: bytes):
    try:
        return _ValuesOnly(io.BytesIO(data)).load()
    except Exception as exc:
        raise _Gone(f"unreadable reply: {exc}") from None


def check_value(value) -> None:
    """Refuse (ScriptRefused) a value nested deeper than MAX_DEPTH or with more than MAX_ITEMS parts, or a dict whose
    keys are not text: such values cannot be stored as task data. Iterative, so depth itself cannot hurt."""
    stack, seen = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_ITEMS:
            raise ScriptRefused(
                f"the script left a value nested deeper than {MAX_DEPTH} levels or with more than {MAX_ITEMS} parts"
            )
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise ScriptRefused(f"the script left a dict with a key that is not text ({key!r}); use text keys")
                stack.append((inner, depth + 1))
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend((inner, depth + 1) for inner in item)


class Sandbox:
    """One sandbox process and its two pipes."""

    def __init__(self, memory_bytes: int):
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        bootstrap = (
            f"import sys; sys.path.insert(0, {str(_ROOT)!r}); from engine.bpmn.sandbox_child import main; "
            f"main({child_read}, {child_write}, {memory_bytes})"
        )
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", bootstrap],
                pass_fds=(child_read, child_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                cwd="/",
            )
        finally:
            os.close(child_read)
            os.close(child_write)
        self.read_fd, self.write_fd = parent_read, parent_write
        self.pid = os.getpid()
        self.ready = False

    # --- framing -------------------------------------------------------------------------------------------------
    def _send(self, message) -> None:
        data = pickle.dumps(message, protocol=5)
        view = memoryview(_HEADER.pack(len(data)) + data)
        try:
            while view:
                view = view[os.write(self.write_fd, view) :]
        except OSError as exc:
            raise _Gone(f"cannot write to the sandbox: {exc}") from None

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, missing = [], size
        poller = select.poll()
        poller.register(self.read_fd, select.POLLIN)
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise TimeoutError
            chunk = os.read(self.read_fd, min(missing, 1 << 20))
            if not chunk:
                raise _Gone("the sandbox process ended")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float):
        (size,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
        if size > MAX_REPLY:
            raise ScriptRefused(f"the script's result is larger than {MAX_REPLY // (1024 * 1024)} MiB")
        return _loads(self._read(size, deadline))

    # --- one run -------------------------------------------------------------------------------------------------
    def run(self, mode: str, source: str, data: dict, helpers: Mapping[str, Callable], timeout: float):
        """Run `source` with `data` and `helpers`; its value ("eval") or the names it left ("exec").
        Raises ScriptFailed (the script raised), ScriptRefused (limits), TimeoutError, _Gone."""
        if not self.ready:
            if self._receive(time.monotonic() + STARTUP_SECONDS) != ("ready",):
                raise _Gone("the sandbox did not start")
            self.ready = True
        deadline = time.monotonic() + timeout
        self._send((mode, source, data, tuple(helpers), timeout))
        for _ in range(MAX_HELPER_CALLS + 1):
            reply = self._receive(deadline)
            if not isinstance(reply, tuple) or not reply:
                raise _Gone("malformed reply")
            if reply[0] == "ok" and len(reply) == 2:
                check_value(reply[1])
                return reply[1]
            if reply[0] == "error" and len(reply) == 3 and isinstance(reply[1], str):
                raise ScriptFailed(reply[1], bool(reply[2]))
            if reply[0] != "call" or len(reply) != 4 or reply[1] not in helpers:
                raise _Gone("malformed reply")
            _kind, name, args, kwargs = reply
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise _Gone("malformed helper call")
            try:
                result = helpers[name](*args, **kwargs)
            except Exception as exc:
                self._send(("raise", type(exc).__name__, str(exc), isinstance(exc, ValueError)))
            else:
                self._send(("ok", result))
        raise ScriptRefused(f"the script called helpers more than {MAX_HELPER_CALLS} times")

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.process.poll() is None

    def kill(self) -> None:
        if self.pid == os.getpid():
            try:
                self.process.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


class SandboxPool:
    """Sandbox processes of one server process, reused; a process that overran or failed is killed and replaced."""

    def __init__(self, memory_bytes: int):
        self.memory_bytes = memory_bytes
        self._idle: list[Sandbox] = []
        self._lock = threading.Lock()

    def run(self, mode: str, source: str, data: dict, helpers: Mapping[str, Callable], timeout: float):
        """As `Sandbox.run`, in a free process of the pool. Raises ScriptFailed or ScriptRefused."""
        sandbox = self._take()
        try:
            result = sandbox.run(mode, source, data, helpers, timeout)
        except ScriptFailed as failed:
            if failed.fatal:
                sandbox.kill()
            else:
                self._give(sandbox)
            raise
        except TimeoutError:
            sandbox.kill()
            raise ScriptRefused(
                f"the script ran longer than {timeout:g} s and was stopped; BPMN scripts must be short computations"
                " (check for endless loops and for operations on huge numbers or texts)"
            ) from None
        except ScriptRefused:
            sandbox.kill()
            raise
        except _Gone:
            code = sandbox.process.poll()
            sandbox.kill()
            raise ScriptRefused(
                "the script was stopped by the sandbox's limits"
                + (" (CPU time)" if code == -signal.SIGXCPU else " (memory or a crash)")
                + "; BPMN scripts must be short computations on task data"
            ) from None
        except BaseException:
            sandbox.kill()
            raise
        self._give(sandbox)
        return result

    def _take(self) -> Sandbox:
        with self._lock:
            while self._idle:
                sandbox = self._idle.pop()
                if sandbox.alive():
                    return sandbox
                sandbox.kill()
        return Sandbox(self.memory_bytes)

    def _give(self, sandbox: Sandbox) -> None:
        with self._lock:
            if sandbox.alive() and len(self._idle) < _IDLE:
                self._idle.append(sandbox)
                return
        sandbox.kill()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for sandbox in idle:
            sandbox.kill()


_pools: dict[tuple[int, int], SandboxPool] = {}
_pools_lock = threading.Lock()


def pool(memory_bytes: int) -> SandboxPool:
    """The pool of this OS process for `memory_bytes` (a forked server gets its own: processes are per parent)."""
    key = (os.getpid(), memory_bytes)
    with _pools_lock:
        found = _pools.get(key)
        if found is None:
            found = _pools[key] = SandboxPool(memory_bytes)
        return found


@atexit.register
def _close_all() -> None:
    with _pools_lock:
        pools = [p for (pid, _memory), p in _pools.items() if pid == os.getpid()]
    for each in pools:
        each.close()
