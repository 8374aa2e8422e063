"""What process designers do in the browser (`/thiet-ke`): the procedures and their versions, the latest deployed
BPMN of a procedure to edit, checks before deploy, deploying a new version with a change note, drafts kept on the
server, and the difference between two versions.

A procedure's BPMN is one file (the one that holds the process); the shared call activities it calls are deployed
files of their own and are read from the latest versions when checking and deploying.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from engine.bpmn.catalogue_xml import entry_in_sources, read_entry, with_entry
from engine.bpmn.design_checks import design_problems
from engine.bpmn.diff import ElementDiff, diff_bpmn
from engine.bpmn.migration import migration_blockers
from engine.bpmn.parsing import read_xml
from engine.bpmn.runtime import BpmnRuntime
from engine.bpmn.step_bpmn import build_process
from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.catalogue_entry import entry_changes, entry_from_form
from engine.domain.clock import Clock
from engine.domain.errors import Conflict, NotFound, ProcessDefinitionError, ValidationError
from engine.domain.permissions import LANE_ROLES, ROLES
from engine.domain.portal import STATUS_LABELS
from engine.persistence.db import Database
from engine.services.deploy import DeployService
from engine.services.instances import InstanceService
from engine.services.scenarios import ScenarioResult, load_scenario, run_scenario
from engine.services.settings import Settings

MAX_NOTE = 2000
MAX_XML = 4 * 1024 * 1024
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class VersionSummary:
    number: int
    deployed_at: datetime
    deployed_by: str
    note: str
    open_dossiers: int  # instances still running on this version
    catalogue_changes: tuple[str, ...] = ()  # what of the catalogue entry changed from the version before (labels)


@dataclass(frozen=True)
class ProcessSummary:
    process_id: str
    name: str
    procedure: Procedure | None  # its catalogue entry (the latest version's); None for shared activities and demos
    versions: list[VersionSummary]

    @property
    def latest(self) -> VersionSummary | None:
        return self.versions[-1] if self.versions else None

    @property
    def open_dossiers(self) -> int:
        return sum(v.open_dossiers for v in self.versions)


@dataclass(frozen=True)
class Draft:
    author: str
    base_number: int
    xml: str
    saved_at: datetime


@dataclass(frozen=True)
class Workspace:
    """What the modeler page of one process opens: the latest deployed version's file, and the drafts."""

    summary: ProcessSummary
    file_name: str
    xml: str
    number: int  # the version `xml` is; 0 when nothing is deployed yet
    drafts: list[Draft] = field(default_factory=list)

    def entry_of(self, author: str) -> Procedure | None:
        """The catalogue entry the page opens for `author`: their draft's, else the latest version's."""
        mine = next((d for d in self.drafts if d.author == author), None)
        if mine is not None:
            try:
                found = read_entry(self.file_name, mine.xml, self.summary.process_id)
            except ProcessDefinitionError:
                found = None
            if found is not None:
                return found
        return self.summary.procedure


@dataclass(frozen=True)
class MigrationCheck:
    """Whether an open dossier (a running instance) of an older version can move to the new one, and why not."""

    code: str
    number: int  # the version it is on
    reasons: list[str]

    @property
    def safe(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Problem:
    """One problem found by the checks: the element it is about (may be empty) and what is wrong."""

    element: str
    message: str
    file: str = ""


class DesignerService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        deploy: DeployService,
        catalogue: Catalogue,
        forms_dir: Path,
        settings: Settings | None = None,
        runtime: BpmnRuntime | None = None,
        instances: InstanceService | None = None,
    ):
        self.db, self.clock, self.deployer, self.catalogue, self.forms_dir = db, clock, deploy, catalogue, forms_dir
        self.settings = settings or Settings()
        self.runtime = runtime
        self.instances = instances

    # --- reading ---------------------------------------------------------------------------------------------------
    def choices(self) -> dict[str, list[dict[str, str]]]:
        """What the properties panel offers, each as [{value, label}]: `roles` (the lanes with a role: a lane's name
        is its role's lane), `called` (the deployed processes outside the catalogue, which call activities call),
        `forms` (processes/forms/*.json with their titles), `statuses` (national portal)."""
        forms = []
        for path in sorted(self.forms_dir.glob("*.json")):
            try:
                title = json.loads(path.read_text("utf-8")).get("title") or path.stem
            except (ValueError, AttributeError):
                title = path.stem
            forms.append({"value": path.stem, "label": f"{title} ({path.stem})"})
        shared = [s for s in self.processes() if s.procedure is None and s.versions]
        return {
            "roles": [{"value": lane, "label": f"{lane} ({ROLES[role]})"} for lane, role in LANE_ROLES.items()],
            "called": [{"value": s.process_id, "label": f"{s.name} ({s.process_id})"} for s in shared],
            "forms": forms,
            "statuses": [{"value": str(code), "label": f"{code} · {label}"} for code, label in STATUS_LABELS.items()],
        }

    def processes(self) -> list[ProcessSummary]:
        """Every deployed process and every catalogued procedure (deployed or not): procedures first, by name."""
        with self.db.reading() as uow:
            rows = uow.versions.all()
            running = uow.versions.running_counts()
            latest = uow.versions.latest_sources()
        by_process: dict[str, list] = {}
        for row in rows:
            by_process.setdefault(row.process_id, []).append(row)
        for procedure in self.catalogue:
            by_process.setdefault(procedure.process, [])
        out = [
            self._summary(pid, versions, running, self._entry(latest, pid) if versions else None)
            for pid, versions in by_process.items()
        ]
        return sorted(out, key=lambda s: (s.procedure is None, s.name.lower()))

    def workspace(self, process_id: str) -> Workspace:
        """The latest deployed version of `process_id` and the drafts of it. Raises NotFound for a process that is
        neither deployed nor in the catalogue."""
        with self.db.reading() as uow:
            rows = uow.versions.of_process(process_id)
            running = uow.versions.running_counts()
            every = [uow.versions.sources(row.id)[1] for row in rows]
            drafts = [Draft(d.author, d.base_number, d.xml, d.saved_at) for d in uow.drafts.of_process(process_id)]
        if not rows and self.catalogue.by_process(process_id) is None:
            raise NotFound(f"không có quy trình '{process_id}'")
        entries = [self._entry(sources, process_id) for sources in every]
        changes = [
            tuple(label for label, _old, _new in entry_changes(before, after)) if number else ()
            for number, (before, after) in enumerate(zip([None, *entries], entries, strict=False))
        ]
        sources = every[-1] if every else {}
        summary = self._summary(process_id, rows, running, entries[-1] if entries else None, changes)
        if not rows:  # a procedure of the catalogue not designed yet: a template that calls the shared activities
            template = build_process(process_id, summary.name, [])
            return Workspace(summary, f"{process_id}.bpmn", template, 0, drafts)
        file_name = main_file(sources, process_id)
        return Workspace(summary, file_name, sources[file_name], rows[-1].number, drafts)

    def version_xml(self, process_id: str, number: int) -> tuple[str, str]:
        """(file name, XML) of the process's file in version `number`. Raises NotFound."""
        with self.db.reading() as uow:
            row = uow.versions.by_number(process_id, number)
            if row is None:
                raise NotFound(f"quy trình '{process_id}' không có phiên bản {number}")
            sources = uow.versions.sources(row.id)[1]
        name = main_file(sources, process_id)
        return name, sources[name]

    def _entry(self, sources: dict[str, str], process_id: str) -> Procedure | None:
        """The catalogue entry a version carries; the catalogue file's for versions deployed without one."""
        try:
            found = entry_in_sources(sources, process_id)
        except ProcessDefinitionError:
            found = None
        return found or self.catalogue.by_process(process_id)

    def _summary(
        self, process_id: str, rows: list, running: dict[int, int], entry: Procedure | None = None, changes=()
    ) -> ProcessSummary:
        procedure = entry or self.catalogue.by_process(process_id)
        name = rows[-1].name if rows else (procedure.name if procedure else process_id)
        changed = list(changes) or [()] * len(rows)
        versions = [
            VersionSummary(r.number, r.deployed_at, r.deployed_by, r.note, running.get(r.id, 0), c)
            for r, c in zip(rows, changed, strict=True)
        ]
        return ProcessSummary(process_id, name, procedure, versions)

    def with_entry(self, process_id: str, file_name: str, xml: str, form) -> str:
        """`xml` carrying the catalogue entry the designer typed in `form` (`engine.domain.catalogue_entry`), on top
        of the entry the process has now. Raises ValidationError naming each wrong field (in Vietnamese), for a
        national code another procedure has, or for a process that is not a procedure of the catalogue."""
        if not isinstance(form, dict):
            raise ValidationError("Mục danh mục thủ tục phải là các trường của biểu mẫu", {"catalogue": "sai dạng"})
        try:
            base = read_entry(file_name, xml, process_id)
        except ProcessDefinitionError:
            base = None
        base = base or self.workspace(process_id).summary.procedure
        if base is None:
            raise ValidationError(
                f"Quy trình '{process_id}' không phải một thủ tục của danh mục nên không có mục danh mục",
                {"catalogue": "không áp dụng"},
            )
        procedure = entry_from_form(form, base)
        other = self.catalogue.get(procedure.code)
        if other is not None and other.process != process_id:
            problem = f"mã {procedure.code} đã là mã của thủ tục khác: {other.name}"
            raise ValidationError(f"Mục danh mục thủ tục chưa đúng: {problem}", {"code": problem})
        return with_entry(file_name, xml, process_id, procedure)

    # --- checking and deploying ------------------------------------------------------------------------------------
    def check(self, process_id: str, file_name: str, xml: str) -> list[Problem]:
        """Every problem of `xml` as the file `file_name` of `process_id`: what `motcua check` finds (parse, every
        script, condition and timer expression compiled, allotments against the time limit, call activities
        resolvable) and the designer's checks (`engine.bpmn.design_checks`). Empty when it may be deployed."""
        files = {file_name: xml.encode("utf-8")}
        problems: list[tuple[str, str, str]] = []
        try:
            processes = self.deployer.check(files)
            if process_id not in {p.process_id for p in processes}:
                problems.append((file_name, "", f"tệp không chứa quy trình '{process_id}' (isExecutable=\"true\")"))
        except ProcessDefinitionError as error:
            problems.extend(error.problems)
        try:
            problems.extend(design_problems(read_xml(file_name, files[file_name]), file_name, self.forms_dir))
        except ProcessDefinitionError:
            pass  # not well-formed: already reported by the parse
        seen: set[tuple[str, str, str]] = set()
        out = []
        for problem in problems:
            if problem not in seen:
                seen.add(problem)
                out.append(Problem(problem[1], problem[2], problem[0]))
        return out

    def check_files(self, files: dict[str, bytes]) -> list:
        """`motcua check`: what the deploy checks (raises ProcessDefinitionError on the first kind of problem), then
        the designer's checks of every file (ProcessDefinitionError listing them all); the versions when all pass."""
        checked = self.deployer.check(files)
        problems = [
            problem
            for name, content in sorted(files.items())
            for problem in design_problems(read_xml(name, content), name, self.forms_dir)
        ]
        if problems:
            raise ProcessDefinitionError(problems)
        return checked

    def deploy(
        self, process_id: str, file_name: str, xml: str, base_number: int, note: str, actor: str, entry=None
    ) -> int:
        """Deploy `xml` as the next version of `process_id`, with the designer's change note; return its number.
        `entry` is the catalogue entry form (`with_entry`): it is deployed with the diagram, as part of its file.

        The checks run again here and a file with problems is refused (ProcessDefinitionError listing them). A
        deploy based on a version that is no longer the latest is refused (Conflict): someone deployed since."""
        note = (note or "").strip()
        if not note:
            raise ValidationError("Cần ghi chú thay đổi của phiên bản mới", {"note": "bắt buộc"})
        if len(note) > MAX_NOTE:
            raise ValidationError(f"Ghi chú tối đa {MAX_NOTE} ký tự", {"note": f"tối đa {MAX_NOTE} ký tự"})
        if entry is not None:
            xml = self.with_entry(process_id, file_name, xml, entry)
        problems = self.check(process_id, file_name, xml)
        if problems:
            raise ProcessDefinitionError([(p.file, p.element, p.message) for p in problems])
        with self.db.reading() as uow:
            latest = uow.versions.latest(process_id)
        current = latest.number if latest else 0
        if base_number != current:
            raise Conflict(
                f"Bản đang sửa dựa trên phiên bản {base_number} nhưng phiên bản mới nhất là {current} "
                f"(do {latest.deployed_by if latest else '-'} triển khai). Mở lại phiên bản mới nhất rồi sửa lại."
            )
        with self.db.reading() as uow:
            if uow.versions.by_hash(process_id, _hash_of(self.deployer, file_name, xml, process_id)) is not None:
                raise ValidationError("Không có thay đổi so với một phiên bản đã triển khai", {"xml": "không đổi"})
        versions = self.deployer.deploy(
            {file_name: xml.encode("utf-8")},
            actor,
            note=note,
            expected={process_id: current},
            also=lambda uow: uow.drafts.discard(process_id, actor),
        )
        return next(v for v in versions if v.process_id == process_id).number

    # --- migration of running dossiers ------------------------------------------------------------------------------
    def migration_checks(self, process_id: str, to_number: int | None = None) -> tuple[int, list[MigrationCheck]]:
        """(the target version, a check per open dossier of an older version): whether it can move to the target
        (the latest version unless `to_number`) safely, and why not (`engine.bpmn.migration`)."""
        if self.runtime is None:
            raise ValidationError("runtime not wired")
        runtime = self.runtime
        with self.db.reading() as uow:
            latest = uow.versions.latest(process_id)
            target = uow.versions.by_number(process_id, to_number) if to_number else latest
            if target is None:
                raise NotFound(f"quy trình '{process_id}' không có phiên bản {to_number or ''}".strip())
            new = runtime.process(target.id, partial(uow.versions.sources, target.id))
            checks = []
            for instance_id, code, version_id, number in uow.instances.running_of_process(process_id):
                if number >= target.number:
                    continue
                old = runtime.process(version_id, partial(uow.versions.sources, version_id))
                workflow = runtime.restore(old, uow.instances.state(instance_id))
                checks.append(MigrationCheck(code, number, migration_blockers(workflow, new)))
        return target.number, checks

    def migrate(
        self, process_id: str, codes: list[str], to_number: int, actor: str, dry_run: bool = True
    ) -> list[MigrationCheck]:
        """Move the open dossiers `codes` of older versions to version `to_number`, each in its own unit of work (a
        dossier that cannot move safely stays where it is, with the reasons). `dry_run` only says what would happen.
        The result has one check per code: empty reasons for a dossier moved (or movable, in a dry run)."""
        if self.instances is None:
            raise ValidationError("instances not wired")
        number, checks = self.migration_checks(process_id, to_number)
        by_code = {c.code: c for c in checks}
        unknown = [code for code in codes if code not in by_code]
        if unknown:
            raise ValidationError(
                f"không phải hồ sơ đang mở của phiên bản cũ hơn {number}: {', '.join(unknown)}", {"codes": "sai"}
            )
        if dry_run:
            return [by_code[code] for code in codes]
        out = []
        for code in codes:
            with self.db.unit_of_work() as uow:
                head = uow.instances.lock_by_code(code)
                target = uow.versions.by_number(process_id, number)
                if head is None or target is None or head.status != "running":
                    out.append(MigrationCheck(code, by_code[code].number, ["hồ sơ không còn đang giải quyết"]))
                    continue
                reasons = self.instances.migrate_in(uow, head, target.id, by_code[code].number, number, actor)
            out.append(MigrationCheck(code, by_code[code].number, reasons))
        return out

    # --- scenarios -----------------------------------------------------------------------------------------------
    def scenarios_of(self, process_id: str) -> list[Path]:
        """The scenario files (processes/scenarios/*.yaml) of the procedure that `process_id` resolves."""
        found = []
        for path in sorted((self.settings.processes_dir / "scenarios").glob("*.yaml")):
            try:
                procedure = self.catalogue.get(str(load_scenario(path)["procedure"]))
            except ValidationError:
                continue
            if procedure is not None and procedure.process == process_id:
                found.append(path)
        return found

    def run_scenarios(self, process_id: str, file_name: str, xml: str) -> list[ScenarioResult]:
        """Every scenario of the procedure, run on `xml` as the file `file_name` (the diagram being edited)."""
        return [run_scenario(path, self.settings, {file_name: xml}) for path in self.scenarios_of(process_id)]

    # --- drafts and differences ------------------------------------------------------------------------------------
    def save_draft(self, process_id: str, author: str, base_number: int, xml: str, entry=None) -> datetime:
        """Keep `author`'s draft of `process_id` on the server (replacing their previous one); return when. The draft
        need not pass the checks, but it must be well-formed XML (ProcessDefinitionError otherwise); the catalogue
        entry form `entry`, when given, must be valid (ValidationError) and is kept in the draft's file."""
        if len(xml.encode("utf-8")) > MAX_XML:
            raise ValidationError("Tệp BPMN quá lớn", {"xml": f"tối đa {MAX_XML} byte"})
        read_xml(f"{process_id}.bpmn", xml)
        workspace = self.workspace(process_id)  # NotFound for an unknown process
        if entry is not None:
            xml = self.with_entry(process_id, workspace.file_name, xml, entry)
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            uow.drafts.save(process_id, author, base_number, xml, now)
        return now

    def discard_draft(self, process_id: str, author: str) -> None:
        with self.db.unit_of_work() as uow:
            uow.drafts.discard(process_id, author)

    def diff(self, process_id: str, before: int, after: int) -> list[ElementDiff]:
        """What changed in the process's file from version `before` to version `after`. Raises NotFound."""
        return diff_bpmn(self.version_xml(process_id, before)[1], self.version_xml(process_id, after)[1])

    def catalogue_diff(self, process_id: str, before: int, after: int) -> list[tuple[str, str, str]]:
        """What changed in the catalogue entry from version `before` to `after`: (label, before, after) in words."""
        old, new = (self._entry(dict([self.version_xml(process_id, n)]), process_id) for n in (before, after))
        return entry_changes(old, new)


def _hash_of(deployer: DeployService, file_name: str, xml: str, process_id: str) -> str:
    return next(v.version_hash for v in deployer.check({file_name: xml.encode("utf-8")}) if v.process_id == process_id)


def main_file(sources: dict[str, str], process_id: str) -> str:
    """The name of the file among `sources` that holds process `process_id`."""
    for name, text in sources.items():
        root = read_xml(name, text)
        if any(p.get("id") == process_id for p in root.iter(f"{{{_BPMN}}}process")):
            return name
    raise NotFound(f"không tìm thấy tệp của quy trình '{process_id}'")
