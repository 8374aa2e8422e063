"""The engine's use cases, and `build_services`, which wires them for the composition root."""

import importlib
from dataclasses import dataclass
from datetime import time

from engine.bpmn.runtime import BpmnRuntime
from engine.domain.calendar import parse_office_hours
from engine.domain.catalogue_data import load_catalogue
from engine.domain.clock import Clock, SystemClock
from engine.persistence.db import Database
from engine.persistence.migrate import current_revision, upgrade
from engine.services.access import AccessService
from engine.services.accounts import AccountService
from engine.services.calendars import CalendarService, CalendarSettings, script_helpers
from engine.services.deploy import DeployService
from engine.services.documents import DocumentService
from engine.services.dossier_files import DossierFileService
from engine.services.dossier_record import DossierRecordService
from engine.services.dossiers import DossierService
from engine.services.effects import SCRIPT_EFFECT_HELPERS
from engine.services.instances import InstanceService
from engine.services.outbox import OutboxService
from engine.services.settings import Settings
from engine.services.task_forms import TaskFormService
from engine.services.task_list import TaskListService
from engine.services.timers import TimerService


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    calendars: CalendarService
    runtime: BpmnRuntime
    deploy: DeployService
    instances: InstanceService
    timers: TimerService
    outbox: OutboxService
    accounts: AccountService
    dossiers: DossierService
    files: DossierFileService
    documents: DocumentService
    task_list: TaskListService
    access: AccessService
    records: DossierRecordService  # what the dossier page shows beyond dossiers.get
    task_forms: TaskFormService

    def migrate(self) -> None:
        """Create or upgrade the database schema."""
        upgrade(self.settings.database_url)

    def schema_revision(self) -> str:
        """The Alembic revision the database is at."""
        return current_revision(self.settings.database_url)

    def close(self) -> None:
        self.db.dispose()


def load_object(path: str):
    """Import `package.module:Name` (adapters are chosen by configuration, never imported by name here)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def build_services(settings: Settings, clock: Clock | None = None, sender=None) -> Services:
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    calendar_settings = CalendarSettings(
        shipped_overrides=settings.calendar_overrides,
        office_hours=parse_office_hours(settings.office_hours),
        hours_per_day=settings.hours_per_day,
    )
    calendars = CalendarService(db, clock, calendar_settings)
    runtime = BpmnRuntime(
        clock, {**script_helpers(calendars, clock), **SCRIPT_EFFECT_HELPERS}, script_timeout=settings.script_timeout
    )
    instances = InstanceService(db, runtime, clock, calendars)
    sender = sender or load_object(settings.notification_sender)()
    catalogue = load_catalogue(settings.catalogue) if settings.catalogue else None
    dossiers = DossierService(
        db, clock, calendars, instances, catalogue, settings.agency_code, parse_cutoff(settings.cutoff)
    )
    files = DossierFileService(db, clock, catalogue, instances)
    documents = DocumentService(db, clock, catalogue, calendars, settings)
    task_list = TaskListService(db, clock, calendars)
    return Services(
        settings,
        clock,
        db,
        calendars,
        runtime,
        DeployService(db, clock, catalogue, settings.hours_per_day),
        instances,
        TimerService(db, clock, instances),
        OutboxService(db, clock, sender),
        AccountService(db, clock),
        dossiers,
        files,
        documents,
        task_list,
        AccessService(db),
        DossierRecordService(db, clock, calendars),
        TaskFormService(task_list, instances, dossiers, calendars, documents, files),
    )


def parse_cutoff(text: str) -> time | None:
    """The reception cut-off from a setting such as `17:00`; empty means none. Raises ValueError saying what to do."""
    if not text or not text.strip():
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"cutoff '{text}' not understood; write a time of day such as 17:00 or 15:00 (MOTCUA_CUTOFF)")
