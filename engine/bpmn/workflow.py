"""SpiffWorkflow's workflow classes with a faster walk of the task tree.

Every `do_engine_steps` walks the whole task tree at least twice looking for ready tasks, through SpiffWorkflow's
general `BpmnTaskIterator` (filters, end-at specs, breadth or depth first, depth bookkeeping per task). A step of
motcua runs it on every command, so these subclasses answer the one query it makes, `get_tasks(state=...)` from
the root, with a plain depth-first walk that visits the same tasks in the same order (the conditions of
`BpmnTaskIterator._next` and `TaskFilter.matches` for that query, written out); every other query goes to
SpiffWorkflow's iterator. Serialised states name these classes as SpiffWorkflow's own (`engine.bpmn.state`), so the
stored format does not change.
"""

from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

_MAX_DEPTH = 1000  # BpmnTaskIterator's default


def _walk(root, state: int) -> list:
    """The tasks under `root` (sub-processes included) whose state is in `state`, in BpmnTaskIterator's order."""
    if state & TaskState.PREDICTED_MASK:
        min_state = TaskState.MAYBE
    elif state & TaskState.DEFINITE_MASK:
        min_state = TaskState.FUTURE
    else:
        min_state = TaskState.COMPLETED
    subprocesses = root.workflow.top_workflow.subprocesses
    into_finished = state <= TaskState.FINISHED_MASK
    found = []
    stack = [(root, 0)]
    while stack:
        task, depth = stack.pop()
        subprocess = subprocesses.get(task.id)
        if (
            (task._children or subprocess is not None)
            and (task.state >= min_state or subprocess is not None)
            and depth < _MAX_DEPTH
        ):
            below = list(task.children)
            if subprocess is not None and not (task.state >= TaskState.FINISHED_MASK and into_finished):
                below.insert(0, subprocess.task_tree)
            stack.extend((child, depth + 1) for child in reversed(below))
        if task.state & state and task.last_state_change >= 0:
            found.append(task)
    return found


def _fast(workflow, first_task, kwargs: dict):
    """The tasks of the one query walked fast (`get_tasks(state=...)` from the root), else None."""
    if first_task is None and set(kwargs) <= {"state"}:
        return iter(_walk(workflow.task_tree, kwargs.get("state", TaskState.ANY_MASK)))
    return None


class SubWorkflow(BpmnSubWorkflow):
    """A called or embedded process, walked fast."""

    def get_tasks_iterator(self, first_task=None, **kwargs):
        found = _fast(self, first_task, kwargs)
        return found if found is not None else super().get_tasks_iterator(first_task, **kwargs)


class Workflow(BpmnWorkflow):
    """The top workflow, walked fast; its sub-processes are `SubWorkflow`s."""

    def get_tasks_iterator(self, first_task=None, **kwargs):
        found = _fast(self, first_task, kwargs)
        return found if found is not None else super().get_tasks_iterator(first_task, **kwargs)

    def create_subprocess(self, my_task, spec_name):
        subprocess = SubWorkflow(self.subprocess_specs[spec_name], parent_task_id=my_task.id, top_workflow=self)
        self.subprocesses[my_task.id] = subprocess
        return subprocess
