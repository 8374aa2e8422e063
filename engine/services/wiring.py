"""How the engine's parts are put together: settings -> database -> runtime (parser, serializer, script engine) ->
services, with the adapters the composition root (`web.create_app`) chose. Nothing else constructs services."""

from dataclasses import dataclass
from datetime import time, timedelta

from engine.bpmn.parsing import parse_files
from engine.bpmn.runtime import BpmnRuntime
from engine.bpmn.scripts import ScriptEngine
from engine.bpmn.state import StateSerializer
from engine.domain.calendar import parse_office_hours
from engine.domain.catalogue import Catalogue
from engine.domain.catalogue_data import load_catalogue
from engine.domain.chain import Seal
from engine.domain.clock import Clock, SystemClock
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.ports import Adapters
from engine.persistence.db import Database
from engine.persistence.migrate import current_revision, upgrade
from engine.services.access import AccessService
from engine.services.accounts import AccountService
from engine.services.assignments import AssignmentService
from engine.services.audit import AuditService
from engine.services.audit_search import AuditSearchService
from engine.services.calendars import CalendarService, CalendarSettings, script_helpers
from engine.services.deadline_notices import DeadlineNoticeService
from engine.services.decisions import DecisionService
from engine.services.deploy import DeployService
from engine.services.designer import DesignerService
from engine.services.documents import DocumentService
from engine.services.dossier_files import DossierFileService
from engine.services.dossier_record import DossierRecordService
from engine.services.dossiers import DossierService
from engine.services.effects import SCRIPT_EFFECT_HELPERS
from engine.services.feedback import FeedbackService
from engine.services.inbox import InboxService
from engine.services.indicator_projection import IndicatorProjection
from engine.services.indicators import IndicatorService
from engine.services.instances import InstanceService
from engine.services.officer_notices import OfficerNoticeRouter
from engine.services.outbox import OutboxService
from engine.services.periodic_reports import PeriodicReportService
from engine.services.portal_inbound import (
    PortalPaymentHandler,
    PortalSubmissionHandler,
    PortalSupplementHandler,
    PortalWithdrawalHandler,
)
from engine.services.portal_sync import PortalSyncService
from engine.services.postal_inbound import PostalHandoverHandler, PostalTrackingHandler
from engine.services.public import PublicService
from engine.services.reception import ReceptionService
from engine.services.registers import RegisterService
from engine.services.replay import ReplayService
from engine.services.sessions import SessionService
from engine.services.settings import Settings
from engine.services.step_import import StepImportService
from engine.services.stepping import LiveWorkflows, Stepper
from engine.services.task_forms import TaskFormService
from engine.services.task_list import TaskListService
from engine.services.task_outcome import TaskOutcomeService
from engine.services.timers import TimerService
from engine.services.work_items import WorkItemService


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    calendars: CalendarService
    runtime: BpmnRuntime
    live: LiveWorkflows  # the cache of live workflows (an optimisation only; see engine.services.stepping)
    deploy: DeployService
    designer: DesignerService  # the modeler pages (/thiet-ke): versions, checks, drafts, diffs
    step_import: StepImportService  # approved step tables (CSV, XLSX) -> BPMN (`motcua import-steps`)
    instances: InstanceService
    timers: TimerService
    outbox: OutboxService
    inbox: InboxService  # partners' inbound messages (handlers registered by the adapters' wiring)
    portal_sync: PortalSyncService  # motcua portal reconcile
    deadline_notices: DeadlineNoticeService  # officers told of steps due soon and overdue (by the worker)
    accounts: AccountService
    sessions: SessionService
    reception: ReceptionService
    dossiers: DossierService
    files: DossierFileService
    documents: DocumentService
    registers: RegisterService  # the register of dossiers (Mẫu 06), the monthly late report
    task_list: TaskListService
    task_outcomes: TaskOutcomeService  # what became of a task no longer open
    assignments: AssignmentService  # who may work a division's task; reassignment
    access: AccessService
    records: DossierRecordService  # what the dossier page shows beyond dossiers.get
    task_forms: TaskFormService
    decisions: DecisionService  # what the completed steps decided, for the task and dossier pages
    indicators: IndicatorService  # QĐ 766 figures, periodic reports (issue 15)
    public: PublicService  # the citizen's status look-up and satisfaction ratings
    reports: PeriodicReportService  # quarterly, six-monthly, yearly reports; the monthly public lists
    feedback: FeedbackService  # feedback and petitions (PAKN) with their own process
    audit: AuditService  # verifying histories, anchoring their heads
    replay: ReplayService  # re-executing histories on a virtual clock
    audit_search: AuditSearchService  # the auditor's search of dossiers
    work_items: WorkItemService  # work for a lane that no step holds (an item the post brought back)

    def migrate(self) -> None:
        """Create or upgrade the database schema."""
        upgrade(self.settings.database_url)

    def schema_revision(self) -> str:
        """The Alembic revision the database is at."""
        return current_revision(self.settings.database_url)

    def close(self) -> None:
        self.db.dispose()


def build_services(settings: Settings, adapters: Adapters, clock: Clock | None = None) -> Services:
    """Every service, wired for `settings`, delivering the outbox through `adapters`."""
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    calendar_settings = CalendarSettings(
        shipped_overrides=settings.calendar_overrides,
        office_hours=parse_office_hours(settings.office_hours),
        hours_per_day=settings.hours_per_day,
        cutoff=parse_cutoff(settings.cutoff),
    )
    calendars = CalendarService(db, clock, calendar_settings)
    helpers = {**script_helpers(calendars, clock), **SCRIPT_EFFECT_HELPERS}
    script_engine = ScriptEngine(
        clock=clock, helpers=helpers, timeout=settings.script_timeout, memory_mb=settings.script_memory_mb
    )
    runtime = BpmnRuntime(script_engine, StateSerializer(), parse_files)
    live = LiveWorkflows(settings.live_workflows)
    seal = Seal(settings.audit_seal_key())
    catalogue = load_catalogue(settings.catalogue) if settings.catalogue else Catalogue([])

    def time_limit_of(procedure_code: str) -> tuple | None:
        procedure = catalogue.get(procedure_code)
        return procedure.time_limit if procedure is not None else None

    stepper = Stepper(runtime, calendars, clock, live, seal, time_limit_of)

    def result_online(procedure_code: str) -> bool:
        procedure = catalogue.get(procedure_code)
        return procedure is not None and procedure.result_online

    instances = InstanceService(db, stepper, clock, result_online)
    legal = shipped_legal_bases()
    dossiers = DossierService(db, clock, instances, catalogue, legal)
    files = DossierFileService(db, clock, catalogue, instances)
    reception = ReceptionService(
        db,
        clock,
        calendars,
        instances,
        files,
        dossiers,
        catalogue,
        settings.agency_code,
        legal=legal,
        handover_confirm_days=settings.handover_confirm_days,
    )
    documents = DocumentService(db, clock, catalogue, calendars, settings, legal)
    registers = RegisterService(db, clock, catalogue, calendars, settings, legal)
    task_list = TaskListService(db, clock, calendars)
    projection = IndicatorProjection(db, clock, calendars)
    inbox = InboxService(db, clock, {"portal": settings.portal_secret, "postal": settings.postal_secret})
    inbox.register("portal", "submission", PortalSubmissionHandler(db, reception, catalogue))
    inbox.register("portal", "withdrawal", PortalWithdrawalHandler(db, dossiers))
    inbox.register("portal", "payment", PortalPaymentHandler(db, dossiers))
    inbox.register("portal", "supplement", PortalSupplementHandler(db, instances, files))
    inbox.register("postal", "dossier", PostalHandoverHandler(db, reception, catalogue))
    work_items = WorkItemService(db, clock, instances)
    inbox.register("postal", "tracking", PostalTrackingHandler(db, instances, work_items))
    deploy = DeployService(db, clock, catalogue, settings.hours_per_day)
    designer = DesignerService(
        db, clock, deploy, catalogue, settings.processes_dir / "forms", settings, runtime, instances
    )
    task_forms = TaskFormService(db, task_list, instances, dossiers, calendars, documents, files)
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        calendars=calendars,
        runtime=runtime,
        live=live,
        deploy=deploy,
        designer=designer,
        step_import=StepImportService(
            catalogue, designer, settings.processes_dir / "import" / "don_vi.yaml", settings.hours_per_day
        ),
        instances=instances,
        timers=TimerService(db, clock, stepper, settings.worker_lease),
        outbox=OutboxService(
            db, clock, adapters, instances, settings.outbox_attempts, officers=OfficerNoticeRouter(catalogue)
        ),
        inbox=inbox,
        portal_sync=PortalSyncService(db, clock, adapters),
        deadline_notices=DeadlineNoticeService(db, clock, calendars, settings.deadline_notice_hours),
        accounts=AccountService(db, clock, settings.sign_in_ceiling),
        sessions=SessionService(
            db, clock, timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_hours)
        ),
        reception=reception,
        dossiers=dossiers,
        files=files,
        documents=documents,
        registers=registers,
        task_list=task_list,
        task_outcomes=TaskOutcomeService(db),
        assignments=AssignmentService(db, instances, catalogue),
        access=AccessService(db, catalogue),
        records=DossierRecordService(db, clock, calendars, legal),
        task_forms=task_forms,
        decisions=DecisionService(db, task_forms),
        indicators=IndicatorService(
            db,
            clock,
            catalogue,
            projection,
            settings.processes_dir / "indicators" / "qd766.yaml",
            settings.hours_per_day,
        ),
        public=PublicService(db, clock, catalogue, settings.lookup_limit, settings.lookup_window_minutes),
        feedback=FeedbackService(
            db,
            clock,
            calendars,
            instances,
            settings.processes_dir / "pakn" / "rules.yaml",
            settings.lookup_limit,
            settings.lookup_window_minutes,
        ),
        work_items=work_items,
        audit=AuditService(db, clock, seal, settings.anchor_dir),
        audit_search=AuditSearchService(db, catalogue),
        replay=ReplayService(db, calendars, settings.script_timeout, settings.script_memory_mb, time_limit_of),
        reports=PeriodicReportService(
            db, clock, catalogue, projection, registers, settings.report_cutoff_day, settings.report_due_day
        ),
    )


def parse_cutoff(text: str) -> time | None:
    """The reception cut-off from a setting such as `17:00`; empty means none. Raises ValueError saying what to do."""
    if not text or not text.strip():
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"cutoff '{text}' not understood; write a time of day such as 17:00 or 15:00 (MOTCUA_CUTOFF)")
