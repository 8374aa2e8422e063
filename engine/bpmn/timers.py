"""Timer events that read the engine's clock instead of the wall clock.

SpiffWorkflow's timer event definitions call `datetime.now()` themselves. We give the parser our own subclasses (no
patching of the library): they ask `my_task.workflow.script_engine.clock`, so the timer table, the tests (with a fake
clock) and replay all agree on what time it is. A timer fires when the clock has reached its due moment.
"""

from datetime import UTC, datetime

from SpiffWorkflow.bpmn.parser.event_parsers import EventDefinitionParser
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.spiff.parser.event_parsers import (
    SpiffBoundaryEventParser,
    SpiffIntermediateCatchEventParser,
    SpiffStartEventParser,
)


def _now(my_task) -> datetime:
    return my_task.workflow.script_engine.clock.now()


def to_iso(value) -> str:
    """Normalise what a timer expression returned (a datetime or an ISO string) to an aware ISO string."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("timer expression returned a datetime without timezone; use the calendar helpers")
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise ValueError(f"timer expression must give an ISO 8601 date/time or duration, not {type(value).__name__}")


def due_at(event_value: str) -> datetime:
    """The UTC moment a date timer's stored `event_value` stands for."""
    moment = datetime.fromisoformat(event_value)
    if moment.tzinfo is None:
        raise ValueError(f"timer date '{event_value}' has no timezone offset; write it like 2026-01-05T17:00:00+07:00")
    return moment.astimezone(UTC)


class ClockTimeDateEvent(TimeDateEventDefinition):
    """A timer at a date/time given by an expression (e.g. a calendar helper's result)."""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = to_iso(my_task.workflow.script_engine.evaluate(my_task, self.expression))
            due_at(event_value)  # refuse a malformed date now, while the step can still be rolled back
            my_task._set_internal_data(event_value=event_value)
        if due_at(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDurationEvent(DurationTimerEventDefinition):
    """A timer an ISO 8601 duration after the moment it started waiting."""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            start = _now(my_task)
            event_value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if due_at(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class _ClockTimerParsing(EventDefinitionParser):
    """Builds our clock-aware timer definitions; cycles are refused (procedures use dates and durations)."""

    def parse_timer_event(self, event):
        name = self.node.get("name", self.node.get("id"))
        description = self.get_event_description(event)
        time_date = first(self.xpath(".//bpmn:timeDate"))
        if time_date is not None and (time_date.text or "").strip():
            return ClockTimeDateEvent(name, time_date.text.strip(), description=description)
        duration = first(self.xpath(".//bpmn:timeDuration"))
        if duration is not None and (duration.text or "").strip():
            return ClockDurationEvent(name, duration.text.strip(), description=description)
        if first(self.xpath(".//bpmn:timeCycle")) is not None:
            raise ValidationException(
                "cycle timers are not supported; use a timeDate or timeDuration",
                node=self.node,
                file_name=self.filename,
            )
        raise ValidationException(
            "timer has no timeDate or timeDuration expression", node=self.node, file_name=self.filename
        )


class StartEventParser(_ClockTimerParsing, SpiffStartEventParser):
    pass


class BoundaryEventParser(_ClockTimerParsing, SpiffBoundaryEventParser):
    pass


class IntermediateCatchEventParser(_ClockTimerParsing, SpiffIntermediateCatchEventParser):
    pass


TIMER_CLASSES = (ClockTimeDateEvent, ClockDurationEvent, CycleTimerEventDefinition)
