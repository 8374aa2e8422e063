"""The restricted script environment for BPMN conditions, scripts and timer expressions (DESIGN.md "Scripts").

A process designer is not trusted to run arbitrary code on the server. Every script is checked first by the rules of
`engine.bpmn.script_rules` (the same check `motcua check` and deployment make). Then:
- a script that is bounded by construction (names, literals, comparisons, calls of helpers: every shipped condition,
  timer expression and most scripts) runs here, with only the allow-listed builtins and our helpers;
- any other runs in a sandbox process with CPU and memory limits (`engine.bpmn.sandbox`), stopped at its deadline,
  so that one long C-level operation (`9 ** (9 ** 9)`) or a huge allocation cannot freeze or exhaust the server.

How errors leave SpiffWorkflow: `ScriptEngine.evaluate`/`execute` raise `ScriptError` (with the original exception as
`__cause__`). SpiffWorkflow's task specs only mark the task ERROR and re-raise (`TaskSpec._run`), or catch
`SpiffWorkflowException` alone (pre/post-scripts, message correlation), so the caller of `workflow.do_engine_steps()`
receives our `ScriptError` itself. A few Spiff code paths call `script_engine.environment.evaluate` directly
(sub-process completion conditions, message correlation): there a `ScriptRefused` or the script's own exception
escapes unwrapped. `script_error_from` finds either in an exception chain.
"""

from types import ModuleType

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bpmn import sandbox
from engine.bpmn.sandbox_child import describe
from engine.bpmn.script_rules import (
    ALLOWED_BUILTINS,
    ScriptRefused,
    bounded_calls,
    compile_checked,
    names_in,
)
from engine.domain.clock import Clock
from engine.domain.errors import ScriptError

__all__ = ["ScriptEngine", "ScriptRefused", "check_script", "script_error_from"]

DEFAULT_MEMORY_MB = 256


def check_script(source: str, mode: str = "exec") -> None:
    """Check `source` without running it (e.g. when a BPMN file is deployed). `mode` is "exec" for scripts and
    "eval" for conditions and timer expressions. Raises `ScriptRefused` saying why (syntax errors included)."""
    compile_checked(source, mode)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Runs scripts with the allow-listed builtins and `helpers` only: bounded ones here, others in the sandbox,
    each bounded by `timeout` seconds and `memory_mb` MiB.

    Contract, as SpiffWorkflow's `TaskDataEnvironment`: `evaluate` returns the value of an expression over the helpers,
    `external_context` and the task data (task data wins); `execute` runs a script and updates the task data `context`
    in place, dropping helpers, external-context names, callables and modules. Unlike Spiff's, `execute` also drops
    iterators (generators, map objects: they cannot be stored) and is atomic: a script that fails leaves `context`
    unchanged. Raises `ScriptRefused` (refused, stopped at its limits, task data hiding a helper), or
    `sandbox.ScriptFailed` / the script's own exception when it raised.
    """

    def __init__(self, helpers: dict[str, object], timeout: float = 1.0, memory_mb: int = DEFAULT_MEMORY_MB):
        super().__init__(dict(helpers))
        self.timeout = timeout
        self.memory_bytes = memory_mb * 1024 * 1024

    def evaluate(self, expression, context, external_context=None):
        external_context = external_context or {}
        code = compile_checked(expression, "eval")
        if self._bounded(expression, "eval", external_context, context):
            namespace = {**self.globals, **external_context, **context}
            namespace["__builtins__"] = ALLOWED_BUILTINS  # read only here: a bounded script cannot reach it
            return eval(code, namespace)  # checked and bounded by construction
        helpers = self._helpers(external_context, context)
        names = names_in(expression, "eval")
        data = {k: v for k, v in {**external_context, **context}.items() if k in names and k not in helpers}
        return self._sandboxed("eval", expression, data, helpers)

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        hiding = [k for k in (*self.globals, *external_context) if k in context]
        if hiding:
            raise ScriptRefused(f"task data {sorted(hiding)} hides helpers of the same name; rename the fields")
        code = compile_checked(script, "exec")
        names = names_in(script, "exec")
        if self._bounded(script, "exec", external_context, context):
            namespace = {**context, **self.globals, **external_context}
            namespace["__builtins__"] = ALLOWED_BUILTINS
            exec(code, namespace)  # checked and bounded by construction; assigns plain names only
            left = {k: v for k, v in namespace.items() if k in names}
        else:
            sent = {k: v for k, v in context.items() if k in names}
            left = self._sandboxed("exec", script, sent, self._helpers(external_context, context))
        kept = {
            key: value
            for key, value in left.items()
            if not (key in self.globals or key in external_context or callable(value) or isinstance(value, ModuleType))
        }
        # In place: fields keep their order, new ones follow in the order the script set them (the stored state and
        # SpiffWorkflow's data deltas depend on it).
        for key in [k for k in context if k in names and k not in kept]:
            del context[key]
        context.update(kept)
        return True

    def _helpers(self, external_context: dict, context: dict) -> dict:
        """The callables a script may call by name (task data of the same name hides them in `evaluate`)."""
        everything = {**self.globals, **external_context}
        return {k: v for k, v in everything.items() if callable(v) and k not in context}

    def _bounded(self, source: str, mode: str, external_context: dict, context: dict) -> bool:
        """Whether `source` is bounded by construction and calls only helpers (not task data of the same name)."""
        calls = bounded_calls(source, mode)
        if calls is None:
            return False
        for name in calls:
            helper = external_context.get(name, self.globals.get(name))
            if name in context or not callable(helper):
                return False
        return True

    def _sandboxed(self, mode: str, source: str, data: dict, helpers: dict):
        return sandbox.pool(self.memory_bytes).run(mode, source, data, helpers, self.timeout)


class ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with the restricted environment and the engine's clock.

    `clock` is read by the timer event definitions (`my_task.workflow.script_engine.clock.now()`). `evaluate` and
    `execute` raise `ScriptError(task=<BPMN id of the task>, message=...)` for every refusal or failure.
    """

    def __init__(
        self, clock: Clock, helpers: dict[str, object], timeout: float = 1.0, memory_mb: int = DEFAULT_MEMORY_MB
    ):
        super().__init__(environment=RestrictedEnvironment(helpers, timeout, memory_mb))
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
        if isinstance(exc, ScriptRefused | sandbox.ScriptFailed):
            return str(exc)
        if isinstance(exc, ScriptError):
            return exc.detail
        return describe(exc, self.environment.globals)


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
