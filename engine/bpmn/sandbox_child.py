"""The sandbox process: runs BPMN scripts for `engine.bpmn.sandbox` under kernel limits, one request at a time.

Started as `python -I -S -c "...main(...)"` with two pipe descriptors. It limits itself before reading anything:
address space (a huge allocation raises MemoryError instead of exhausting the machine), CPU time per request (the
kernel ends a computation the parent could not stop), no new files, no child processes, no core dumps. The parent
also kills it at the request's deadline. Imports only the standard library and `engine.bpmn.script_rules`.

Protocol (both ways: a 4-byte big-endian length, then a pickle): once limited, the child says `("ready",)`; then
for each request the parent sends
`(mode, source, data, helper names, timeout)`; the child answers `("ok", value)`, `("error", description, fatal)`
(fatal: it ran out of memory and exits), or asks
`("call", helper, args, kwargs)` and waits for `("ok", result)` or `("raise", type name, message, is_value_error)`.
"""

import builtins
import os
import pickle
import resource
import struct
import sys
import traceback
from collections.abc import Iterator
from types import ModuleType

from engine.bpmn.script_rules import ALLOWED_BUILTINS, FILENAME, ScriptRefused, compile_checked

_HEADER = struct.Struct(">I")


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, missing)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


class _Channel:
    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd

    def receive(self):
        (size,) = _HEADER.unpack(_read_exactly(self.read_fd, _HEADER.size))
        return pickle.loads(_read_exactly(self.read_fd, size))  # from the parent, which is trusted

    def send(self, message) -> None:
        self.send_pickled(pickle.dumps(message, protocol=5))

    def send_pickled(self, data: bytes) -> None:
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.write_fd, view) :]


class _HelperFailed(Exception):
    """A helper raised in the parent; re-raised in the script under the helper's exception name."""


_failure_types: dict[tuple[str, bool], type] = {}


def _failure(name: str, is_value_error: bool) -> type:
    key = (name, is_value_error)
    if key not in _failure_types:
        base = (_HelperFailed, ValueError) if is_value_error else (_HelperFailed,)
        _failure_types[key] = type(name, base, {})
    return _failure_types[key]


def _helper(channel: _Channel, name: str):
    def call(*args, **kwargs):
        channel.send(("call", name, args, kwargs))
        reply = channel.receive()
        if reply[0] == "ok":
            return reply[1]
        raise _failure(reply[1], reply[3])(reply[2])

    call.__name__ = name
    return call


def describe(exc: BaseException, helpers) -> str:
    """What went wrong, for the ScriptError: `line N: Type: message`, or what is allowed instead of a builtin."""
    if isinstance(exc, ScriptRefused):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "the script needs more memory than BPMN scripts may use; it was stopped"
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    where = f"line {lines[-1]}: " if lines else ""
    name = getattr(exc, "name", None)
    if isinstance(exc, NameError) and name not in ALLOWED_BUILTINS and hasattr(builtins, str(name)):
        allowed = ", ".join(sorted(ALLOWED_BUILTINS))
        return f"{where}'{name}' is not available in BPMN scripts; builtins allowed: {allowed}; helpers: " + (
            ", ".join(sorted(helpers)) or "none"
        )
    return f"{where}{type(exc).__name__}: {exc}"


def run(code, mode: str, namespace: dict, helpers) -> object:
    """Run checked `code` over `namespace` (builtins restricted). "eval": its value; "exec": the names it left, less
    helpers, functions, modules and iterators (they cannot be stored as task data)."""
    namespace["__builtins__"] = dict(ALLOWED_BUILTINS)
    value = eval(code, namespace)  # checked by compile_checked; no real builtins
    if mode == "eval":
        return value
    return {
        key: item
        for key, item in namespace.items()
        if not (key.startswith("__") or key in helpers or callable(item) or isinstance(item, ModuleType | Iterator))
    }


def _limit(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    highest = max(int(name) for name in os.listdir("/proc/self/fd"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (highest + 1, highest + 1))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(read_fd: int, write_fd: int, memory_bytes: int) -> None:
    channel = _Channel(read_fd, write_fd)
    _limit(memory_bytes)
    sys.setrecursionlimit(500)
    channel.send(("ready",))
    while True:
        try:
            mode, source, data, helper_names, timeout = channel.receive()
        except EOFError:
            return  # the parent has gone
        # The kernel's own deadline: SIGXCPU ends this process if the parent could not.
        limit = int(_cpu_seconds() + timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (limit, resource.RLIM_INFINITY))
        helpers = {name: _helper(channel, name) for name in helper_names}
        try:
            code = compile_checked(source, mode)
            namespace = {**data, **helpers} if mode == "exec" else {**helpers, **data}
            result = run(code, mode, namespace, helpers)
            try:
                message = pickle.dumps(("ok", result), protocol=5)
            except RecursionError:
                raise ScriptRefused("the script left a value nested deeper than task data may be") from None
            except Exception as exc:
                raise ScriptRefused(f"the script left a value that cannot be stored as task data: {exc}") from None
        except Exception as exc:  # what a script raises (MemoryError, RecursionError too) is reported, never fatal
            fatal = isinstance(exc, MemoryError)  # the parent replaces a process that ran out of memory
            message = pickle.dumps(("error", describe(exc, helper_names), fatal), protocol=5)
            if fatal:
                channel.send_pickled(message)
                return
        channel.send_pickled(message)
