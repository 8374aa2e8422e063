"""Whether a running workflow can move to a new version of its process, with SpiffWorkflow's spec and workflow diff
(`SpiffWorkflow.bpmn.util.diff`): tasks are matched by their BPMN ids, and a move is safe when no task the dossier
has completed or is working on (ready, started) was changed or removed, and no task it waits on (a timer, a message)
was removed. Changes to tasks still ahead, added tasks and changed flows around them are fine: they are predicted
again after the move. How tasks are linked (their inputs and outputs) is not a change of the task itself."""

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow

from engine.bpmn.parsing import ParsedProcess
from engine.bpmn.runtime import Workflow
from engine.bpmn.state import spec_registry

_TOUCHED = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.ERROR
_LINKS = {"inputs", "outputs"}
_STATES = {
    TaskState.COMPLETED: "đã xong",
    TaskState.READY: "đang mở",
    TaskState.STARTED: "đang chạy",
    TaskState.ERROR: "bị lỗi",
    TaskState.WAITING: "đang chờ",
}


def migration_blockers(workflow: Workflow, new: ParsedProcess) -> list[str]:
    """Why the workflow cannot move to `new` (Vietnamese, one reason per task); empty when it can."""
    registry = spec_registry()
    spiff = workflow._wf
    reasons = _judge(spiff, SpecDiff(registry, spiff.spec, new.spec), "")
    for sub in spiff.subprocesses.values():
        new_spec = new.subprocess_specs.get(sub.spec.name)
        if new_spec is None:
            if any(t.state & (_TOUCHED | TaskState.WAITING) for t in sub.get_tasks()):
                reasons.append(f"quy trình con '{sub.spec.name}' không còn trong phiên bản mới")
            continue
        reasons.extend(_judge(sub, SpecDiff(registry, sub.spec, new_spec), sub.spec.name))
    return list(dict.fromkeys(reasons))


def _judge(workflow, spec_diff: SpecDiff, where: str) -> list[str]:
    diff = WorkflowDiff(workflow, spec_diff)
    reasons = []
    prefix = f"{where}/" if where else ""
    for task in diff.removed:
        if task.state & (_TOUCHED | TaskState.WAITING):
            reasons.append(f"bước {prefix}{task.task_spec.name} {_state(task)} nhưng đã bị bỏ ở phiên bản mới")
    for task in diff.changed:
        if not task.state & _TOUCHED:
            continue
        changes = [c for c in spec_diff.changed.get(task.task_spec, []) if c not in _LINKS]
        if changes:
            reasons.append(
                f"bước {prefix}{task.task_spec.name} {_state(task)} nhưng đã sửa ở phiên bản mới ({', '.join(changes)})"
            )
    return reasons


def _state(task) -> str:
    return next((label for state, label in _STATES.items() if task.state & state), "")


def move_workflow(workflow: Workflow, new: ParsedProcess) -> None:
    """Move the workflow onto `new` in place (call `migration_blockers` first): tasks are aligned by id, the ready
    and waiting ones are reset and predicted again on the new spec (so a timer is armed again, a ready task gets a
    new id). The caller advances the workflow afterwards."""
    registry = spec_registry()
    spiff = workflow._wf
    for sub in list(spiff.subprocesses.values()):
        new_spec = new.subprocess_specs.get(sub.spec.name)
        if new_spec is not None:
            migrate_workflow(WorkflowDiff(sub, SpecDiff(registry, sub.spec, new_spec)), sub, new_spec)
    migrate_workflow(WorkflowDiff(spiff, SpecDiff(registry, spiff.spec, new.spec)), spiff, new.spec)
    spiff.subprocess_specs = new.subprocess_specs
    workflow.process = new
    workflow._changed()
