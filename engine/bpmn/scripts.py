"""The restricted script environment for BPMN conditions, scripts and timer expressions (DESIGN.md "Scripts").

A process designer is not trusted to run arbitrary code on the server. Every script is parsed with `ast` and refused,
before anything runs, if it imports, touches names or attributes starting with `_` (`__` for plain names), reaches
interpreter internals (frames, generators, code objects), calls `.format`/`.format_map` (which can read attributes
from inside the format string), uses `global`/`nonlocal`/`class`/`with`/`finally`/bare `except:`, or contains an
obvious one-operation bomb. It then runs with only the allow-listed builtins plus our helpers, under a deadline.

How errors leave SpiffWorkflow: `ScriptEngine.evaluate`/`execute` raise `ScriptError` (with the original exception as
`__cause__`). SpiffWorkflow's task specs only mark the task ERROR and re-raise (`TaskSpec._run`), or catch
`SpiffWorkflowException` alone (pre/post-scripts, message correlation), so the caller of `workflow.do_engine_steps()`
receives our `ScriptError` itself. A few Spiff code paths call `script_engine.environment.evaluate` directly
(sub-process completion conditions, message correlation): there a `ScriptRefused` or the script's own exception
escapes unwrapped. `script_error_from` finds either in an exception chain.
"""

import ast
import builtins
import copy
import functools
import sys
import time
import traceback
from collections.abc import Iterator
from types import ModuleType

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.domain.clock import Clock
from engine.domain.errors import ScriptError

_FILENAME = "<bpmn script>"
_MAX_EXPONENT = 10_000  # `**` with a literal exponent above this is refused
_MAX_POWER_BITS = 1_000_000  # nor a literal power whose result would have more bits than this
_MAX_LITERAL_SIZE = 1_000_000  # items of a literal sequence repeated by literal counts ('x' * 10**9, [0] * 10**9)
_MAX_SHIFT = 100_000  # `<<` by a literal above this is refused (1 << 10**9 allocates 125 MB)
_MAX_RANGE = 1_000_000  # range() longer than this raises, so sum(range(10**12)) cannot spin inside C code
_INTERNAL_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_")  # frames and code objects lead to real builtins


class ScriptRefused(Exception):
    """A script was refused before running, stopped at its deadline, or hides a helper. The message says why."""


class _DeadlinePassed(BaseException):
    """Raised by the tracer; a BaseException so that a script's `except Exception:` cannot swallow it."""


def _bounded_range(*args: int) -> range:
    r = range(*args)
    try:
        size = len(r)
    except OverflowError:
        size = _MAX_RANGE + 1
    if size > _MAX_RANGE:
        raise ValueError(f"range() of more than {_MAX_RANGE} items is not allowed in BPMN scripts")
    return r


_ALLOWED_BUILTINS: dict[str, object] = {
    name: getattr(builtins, name)
    for name in (
        "abs all any bool dict divmod enumerate filter float int isinstance len list map max min reversed round "
        "set sorted str sum tuple zip True False None Exception ValueError KeyError"
    ).split()
} | {"range": _bounded_range}


def _literal_int(node: ast.AST) -> int | None:
    """The value of a small integer literal expression (`5`, `-5`, `10**9`), or None when it is not one."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal_int(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow | ast.Mult):
        left, right = _literal_int(node.left), _literal_int(node.right)
        if left is None or right is None or right < 0:
            return None
        if isinstance(node.op, ast.Pow):  # only fold results of a bounded size; bigger ones are refused elsewhere
            return left**right if right <= _MAX_EXPONENT and abs(left).bit_length() * right <= _MAX_POWER_BITS else None
        return left * right
    return None


def _literal_size(node: ast.AST) -> int | None:
    """How many items a literal sequence expression builds ('ab' * 3 -> 6), or None when it is not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return len(node.value)
    if isinstance(node, ast.List | ast.Tuple):
        return len(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for seq, count in ((node.left, node.right), (node.right, node.left)):
            size, times = _literal_size(seq), _literal_int(count)
            if size is not None and times is not None:
                return size * times
    return None


def _refusal(node: ast.AST) -> str | None:
    """Why `node` is not allowed, or None. The bomb checks see only literals: `'x' * n` with `n` from task data, or
    `a ** b` with variables, is not caught here; the deadline stops loops, not one long C-level operation."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "imports are not allowed in BPMN scripts; use the provided helpers"
    if isinstance(node, ast.Global | ast.Nonlocal):
        return "'global'/'nonlocal' is not allowed in BPMN scripts; assign task data variables directly"
    if isinstance(node, ast.ClassDef):
        return "class definitions are not allowed in BPMN scripts; use dicts and functions"
    if isinstance(node, ast.With | ast.AsyncWith):
        return "'with' is not allowed in BPMN scripts"
    if isinstance(node, ast.Try | ast.TryStar) and node.finalbody:
        return "'finally' is not allowed in BPMN scripts; catch Exception, ValueError or KeyError instead"
    if isinstance(node, ast.ExceptHandler) and node.type is None:
        return "a bare 'except:' is not allowed in BPMN scripts; write 'except Exception:'"
    names = {ast.Name: "id", ast.arg: "arg", ast.FunctionDef: "name", ast.ExceptHandler: "name"}
    name = getattr(node, names.get(type(node), ""), None)
    if isinstance(name, str) and name.startswith("__"):
        return f"the name '{name}' is not allowed in BPMN scripts: names starting with '__' are internal; rename it"
    attributes = [node.attr] if isinstance(node, ast.Attribute) else list(getattr(node, "kwd_attrs", []))
    for attr in attributes:
        if attr in {"format", "format_map"}:
            return f"'.{attr}(...)' is not allowed in BPMN scripts (it can read object internals); use an f-string"
        if attr.startswith(_INTERNAL_PREFIXES) or attr == "mro":
            return f"the attribute '{attr}' is not allowed in BPMN scripts; use task data and the provided helpers"
    if isinstance(node, ast.BinOp):
        left, right = _literal_int(node.left), _literal_int(node.right)
        if isinstance(node.op, ast.Pow) and right is not None:
            if right > _MAX_EXPONENT or (left is not None and abs(left).bit_length() * right > _MAX_POWER_BITS):
                return f"the power ... ** {right} is too large for a BPMN script (exponent limit {_MAX_EXPONENT})"
        if isinstance(node.op, ast.LShift) and right is not None and right > _MAX_SHIFT:
            return f"the shift {right} is too large for a BPMN script (limit {_MAX_SHIFT})"
        size = _literal_size(node)
        if size is not None and size > _MAX_LITERAL_SIZE:
            return f"repeating a sequence to {size} items is not allowed in BPMN scripts (limit {_MAX_LITERAL_SIZE})"
    return None


@functools.lru_cache(maxsize=1024)
def _compile(source: str, mode: str):
    tree = ast.parse(source, _FILENAME, mode)
    for node in ast.walk(tree):
        reason = _refusal(node)
        if reason:
            raise ScriptRefused(f"line {getattr(node, 'lineno', 1)}: {reason}")
    assert isinstance(tree, ast.Module | ast.Expression)  # mode is "exec" or "eval"
    return compile(tree, _FILENAME, mode)


def check_script(source: str, mode: str = "exec") -> None:
    """Check `source` without running it (e.g. when a BPMN file is deployed). `mode` is "exec" for scripts and
    "eval" for conditions and timer expressions. Raises `ScriptRefused`, or `SyntaxError` if it does not parse."""
    _compile(source, mode)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Runs scripts with the allow-listed builtins and `helpers` only, each call bounded by `timeout` seconds.

    Contract, as SpiffWorkflow's `TaskDataEnvironment`: `evaluate` returns the value of an expression over the helpers,
    `external_context` and the task data (task data wins); `execute` runs a script and updates the task data `context`
    in place, dropping helpers, external-context names, callables and modules. Unlike Spiff's, `execute` also drops
    iterators (generators, map objects: they cannot be stored) and is atomic: the script runs on a deep copy of the
    task data, so a script that fails leaves `context` unchanged. `evaluate`, like Spiff's, does not copy.
    Raises `ScriptRefused` (refused, stopped at the deadline, task data hiding a helper), `SyntaxError`, or whatever
    the script raised.
    """

    def __init__(self, helpers: dict[str, object], timeout: float = 1.0):
        super().__init__(dict(helpers))
        self.timeout = timeout

    def evaluate(self, expression, context, external_context=None):
        namespace = {**self.globals, **(external_context or {}), **context}
        return self._run(_compile(expression, "eval"), namespace)

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        hiding = (set(self.globals) | set(external_context)) & set(context)
        if hiding:
            raise ScriptRefused(f"task data {sorted(hiding)} hides helpers of the same name; rename the fields")
        namespace = {**copy.deepcopy(context), **self.globals, **external_context}
        self._run(_compile(script, "exec"), namespace)
        dropped = set(self.globals) | set(external_context)
        result = {
            key: value
            for key, value in namespace.items()
            if not (
                key.startswith("__") or key in dropped or callable(value) or isinstance(value, ModuleType | Iterator)
            )
        }
        context.clear()
        context.update(result)
        return True

    def _run(self, code, namespace: dict):
        namespace["__builtins__"] = dict(_ALLOWED_BUILTINS)
        deadline = time.monotonic() + self.timeout

        def tracer(frame, event, arg):
            if time.monotonic() > deadline:
                raise _DeadlinePassed
            return tracer

        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            return eval(code, namespace)  # checked by _compile; no real builtins
        except _DeadlinePassed:
            raise ScriptRefused(
                f"the script ran longer than {self.timeout:g} s and was stopped; BPMN scripts must be short"
                " computations (check for endless loops)"
            ) from None
        finally:
            sys.settrace(previous)


class ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with the restricted environment and the engine's clock.

    `clock` is read by the timer event definitions (`my_task.workflow.script_engine.clock.now()`). `evaluate` and
    `execute` raise `ScriptError(task=<BPMN id of the task>, message=...)` for every refusal or failure.
    """

    def __init__(self, clock: Clock, helpers: dict[str, object], timeout: float = 1.0):
        super().__init__(environment=RestrictedEnvironment(helpers, timeout))
        self.clock = clock

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except Exception as exc:
            raise ScriptError(_task_name(task), self._describe(exc)) from exc

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as exc:
            raise ScriptError(_task_name(task), self._describe(exc)) from exc

    def _describe(self, exc: Exception) -> str:
        if isinstance(exc, ScriptRefused):
            return str(exc)
        if isinstance(exc, ScriptError):
            return exc.detail
        if isinstance(exc, SyntaxError):
            return f"syntax error on line {exc.lineno}: {exc.msg}"
        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == _FILENAME]
        where = f"line {lines[-1]}: " if lines else ""
        name = getattr(exc, "name", None)
        if isinstance(exc, NameError) and name not in _ALLOWED_BUILTINS and hasattr(builtins, str(name)):
            allowed = ", ".join(sorted(_ALLOWED_BUILTINS))
            helpers = ", ".join(sorted(self.environment.globals)) or "none"
            return f"{where}'{name}' is not available in BPMN scripts; builtins allowed: {allowed}; helpers: {helpers}"
        return f"{where}{type(exc).__name__}: {exc}"


def _task_name(task) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def script_error_from(exc: BaseException) -> ScriptError | None:
    """The `ScriptError` in `exc` or its chain of causes/contexts, or None. A `ScriptRefused` raised where Spiff calls
    the environment directly (no task known) is returned as a `ScriptError` for task 'unknown'."""
    seen: set[int] = set()
    current: BaseException | None = exc
    refused = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ScriptError):
            return current
        if isinstance(current, ScriptRefused) and refused is None:
            refused = ScriptError("unknown", str(current))
        current = current.__cause__ or current.__context__
    return refused
