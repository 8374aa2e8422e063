"""The rules every BPMN script, condition and timer expression must follow, checked before anything runs.

The same function (`compile_checked`) serves `motcua check`, deployment and execution, so a script refused at run
time is refused when it is deployed, with the same reason. Standard library only: the sandbox processes
(`engine.bpmn.sandbox_child`) import this module and nothing else of ours.

A script is refused if it imports, touches names or attributes starting with `_` (`__` for plain names), reaches
interpreter internals (frames, generators, code objects), calls `.format`/`.format_map` (which can read attributes
from inside the format string), calls a builtin that is not allowed (`getattr`, `type`, `eval`, `open`, ...), uses
`global`/`nonlocal`/`class`/`with`/`finally`/bare `except:`, or contains an obvious one-operation bomb written with
literals. What cannot be seen before running (`9 ** n`, `'x' * n * n`, endless loops) is stopped by the sandbox's
limits (`engine.bpmn.sandbox`).

`bounded_names` tells whether a checked expression or script is *bounded by construction*: made only of names,
literals, comparisons, boolean operators, subscripts, literal displays and calls of helpers, it cannot loop and no
operation in it builds anything larger than its operands, so it runs in the server's process without a sandbox.
"""

import ast
import builtins
import functools
from types import CodeType

FILENAME = "<bpmn script>"
_MAX_EXPONENT = 10_000  # `**` with a literal exponent above this is refused
_MAX_POWER_BITS = 1_000_000  # nor a literal power whose result would have more bits than this
_MAX_LITERAL_SIZE = 1_000_000  # items of a literal sequence repeated by literal counts ('x' * 10**9, [0] * 10**9)
_MAX_SHIFT = 100_000  # `<<` by a literal above this is refused (1 << 10**9 allocates 125 MB)
MAX_RANGE = 1_000_000  # range() longer than this raises, so sum(range(10**12)) cannot spin inside C code
MAX_SOURCE = 20_000  # characters of one script: a BPMN script is a few lines
_INTERNAL_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_")  # frames and code objects lead to real builtins


class ScriptRefused(Exception):
    """A script was refused before running, stopped at its limits, or hides a helper. The message says why."""


def bounded_range(*args: int) -> range:
    r = range(*args)
    try:
        size = len(r)
    except OverflowError:
        size = MAX_RANGE + 1
    if size > MAX_RANGE:
        raise ValueError(f"range() of more than {MAX_RANGE} items is not allowed in BPMN scripts")
    return r


ALLOWED_BUILTINS: dict[str, object] = {
    name: getattr(builtins, name)
    for name in (
        "abs all any bool dict divmod enumerate filter float int isinstance len list map max min reversed round "
        "set sorted str sum tuple zip True False None Exception ValueError KeyError"
    ).split()
} | {"range": bounded_range}
# Builtins a script may not call: everything Python has beyond the allow-list (getattr, type, eval, open, vars, ...).
_REFUSED_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_")) - set(ALLOWED_BUILTINS)


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
        if abs(left).bit_length() + abs(right).bit_length() > _MAX_POWER_BITS:
            return None
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
    """Why `node` is not allowed, or None."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "imports are not allowed in BPMN scripts; use the provided helpers"
    if isinstance(node, ast.Global | ast.Nonlocal):
        return "'global'/'nonlocal' is not allowed in BPMN scripts; assign task data variables directly"
    if isinstance(node, ast.ClassDef):
        return "class definitions are not allowed in BPMN scripts; use dicts and functions"
    if isinstance(node, ast.With | ast.AsyncWith):
        return "'with' is not allowed in BPMN scripts"
    if isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncFor | ast.Yield | ast.YieldFrom):
        return "async functions and generators are not allowed in BPMN scripts"
    if isinstance(node, ast.Try | ast.TryStar) and node.finalbody:
        return "'finally' is not allowed in BPMN scripts; catch Exception, ValueError or KeyError instead"
    if isinstance(node, ast.ExceptHandler) and node.type is None:
        return "a bare 'except:' is not allowed in BPMN scripts; write 'except Exception:'"
    names = {ast.Name: "id", ast.arg: "arg", ast.FunctionDef: "name", ast.ExceptHandler: "name"}
    name = getattr(node, names.get(type(node), ""), None)
    if isinstance(name, str) and name.startswith("__"):
        return f"the name '{name}' is not allowed in BPMN scripts: names starting with '__' are internal; rename it"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REFUSED_BUILTINS:
        allowed = ", ".join(sorted(ALLOWED_BUILTINS))
        return f"'{node.func.id}' is not available in BPMN scripts; builtins allowed: {allowed}"
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


def _syntax(exc: SyntaxError) -> ScriptRefused:
    return ScriptRefused(f"syntax error on line {exc.lineno}: {exc.msg}")


@functools.lru_cache(maxsize=1024)
def parse_checked(source: str, mode: str) -> ast.Module | ast.Expression:
    """The checked syntax tree of `source` (mode "exec" for scripts, "eval" for expressions). Raises ScriptRefused
    saying why: a syntax error (with its line), a rule above, or a script longer than MAX_SOURCE characters."""
    if not isinstance(source, str):
        raise ScriptRefused(f"a BPMN script must be text, not {type(source).__name__}")
    if len(source) > MAX_SOURCE:
        raise ScriptRefused(f"the script has {len(source)} characters; BPMN scripts are limited to {MAX_SOURCE}")
    try:
        tree = ast.parse(source, FILENAME, mode)
    except SyntaxError as exc:
        raise _syntax(exc) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise ScriptRefused(f"the script cannot be read: {type(exc).__name__}") from None
    for node in ast.walk(tree):
        reason = _refusal(node)
        if reason:
            raise ScriptRefused(f"line {getattr(node, 'lineno', 1)}: {reason}")
    assert isinstance(tree, ast.Module | ast.Expression)  # mode is "exec" or "eval"
    return tree


@functools.lru_cache(maxsize=1024)
def compile_checked(source: str, mode: str) -> CodeType:
    """`parse_checked`, compiled. Raises ScriptRefused."""
    try:
        return compile(parse_checked(source, mode), FILENAME, mode)
    except SyntaxError as exc:  # found only by the compiler ('return' outside a function, ...)
        raise _syntax(exc) from None
    except (RecursionError, MemoryError) as exc:
        raise ScriptRefused(f"the script cannot be compiled: {type(exc).__name__}") from None


def names_in(source: str, mode: str) -> frozenset[str]:
    """Every plain name `source` reads or writes (task data it needs, variables it may set)."""
    return _names(source, mode)


@functools.lru_cache(maxsize=1024)
def _names(source: str, mode: str) -> frozenset[str]:
    return frozenset(node.id for node in ast.walk(parse_checked(source, mode)) if isinstance(node, ast.Name))


# --- bounded by construction ---------------------------------------------------------------------------------------
_BOUNDED_NODES = (
    ast.Expression,
    ast.Module,
    ast.Expr,
    ast.Assign,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Constant,
    ast.Compare,
    ast.cmpop,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.IfExp,
    ast.Subscript,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Call,
    ast.keyword,
)


@functools.lru_cache(maxsize=1024)
def bounded_calls(source: str, mode: str) -> frozenset[str] | None:
    """The names `source` calls if it is bounded by construction (see the module's docstring), else None.

    Bounded: only the nodes above; assignments to plain names; subscripts by a plain value (no slices); calls of a
    plain name with plain arguments (no `*`/`**` unpacking). Each such operation costs at most the size of its
    operands, and the number of operations is fixed by the source, so the whole costs at most the size of the task
    data times the size of the source, provided every name called is a helper that bounds its own work.
    """
    calls = set()
    for node in ast.walk(parse_checked(source, mode)):
        if not isinstance(node, _BOUNDED_NODES):
            return None
        if isinstance(node, ast.Assign) and not all(isinstance(t, ast.Name) for t in node.targets):
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return None
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or any(k.arg is None for k in node.keywords):
                return None
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                return None
            calls.add(node.func.id)
    return frozenset(calls)
