"""The domain's error hierarchy. Every error motcua raises on purpose derives from `MotcuaError`.

The web layer renders them in one place (JSON under /api, a page elsewhere); the CLI prints `str(error)` and exits 1.
"""


class MotcuaError(Exception):
    """Base of motcua's errors. `code` is a stable machine-readable name."""

    code = "error"


class NotFound(MotcuaError):
    """The dossier, task, process or version asked for does not exist."""

    code = "not_found"


class ValidationError(MotcuaError):
    """Input is malformed. `fields` maps a field name to what is wrong with it."""

    code = "validation"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = dict(fields or {})


class ProcessDefinitionError(MotcuaError):
    """A BPMN file is invalid. `problems` lists (file, element id, message) triples."""

    code = "process_definition"

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{f}: element '{el or '-'}': {msg}" for f, el, msg in self.problems))


class InvalidTransition(MotcuaError):
    """The command does not apply to the current state (e.g. completing a task that is not ready)."""

    code = "invalid_transition"


class Conflict(InvalidTransition):
    """Another command changed the same instance first; nothing was changed by this one."""

    code = "conflict"


class ScriptError(MotcuaError):
    """A BPMN script, condition or timer expression was refused or failed. Names the task it ran in."""

    code = "script"

    def __init__(self, task: str, message: str):
        self.task = task
        self.detail = message
        super().__init__(f"script error in task '{task}': {message}")


class AdapterUnavailable(MotcuaError):
    """An external service could not be reached; retrying later may succeed."""

    code = "adapter_unavailable"

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after  # seconds the partner asked us to wait (HTTP 429/503 Retry-After)


class AdapterRejected(MotcuaError):
    """An external service refused the request; retrying will not help."""

    code = "adapter_rejected"


class Unauthenticated(MotcuaError):
    """A partner's message whose signature is wrong or whose timestamp is too old: refused, nothing stored."""

    code = "unauthenticated"


class Forbidden(MotcuaError):
    """The signed-in account's role may not do this (or not to this dossier or task)."""

    code = "forbidden"


class TooManyAttempts(MotcuaError):
    """Too many failed sign-ins lately for this account or from this source; `retry_after` is in seconds."""

    code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
