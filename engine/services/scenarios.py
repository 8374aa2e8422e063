"""Scenario tests for designers, in virtual time (`motcua scenario run FILE...`).

A scenario is a YAML file beside the BPMN files it exercises. It runs on a throw-away SQLite database with a clock
that moves only when the scenario says so: the files of `processes` (the scenario's directory's BPMN files and the
shipped shared activities, or the directory it names) are deployed, then the steps run in order and the first one
that fails stops the run.

    name: X-quang, đường chính
    procedure: 1.004454.000.00.00.H56
    start: 2026-03-02T09:00          # Vietnam time
    steps:
      - receive: {channel: 1}          # the applicant and the required documents have defaults
      - expect: {tasks: [phan_cong], appointment: "17/03/2026 09:00", status: 2}
      - complete: {task: phan_cong, after: 4h, data: {specialist: chuyenvien}}   # after 4 working hours (0.5d, 3cd)
      - complete: {task: tham_dinh, at: "2026-03-05T10:00", data: {appraisal_result: approve, opinion: Đạt}}
      - wait: 2d                        # working time passes; timers that fall due fire
      - expect: {status: 10, late: false, letters: [receipt]}

`expect` checks any of: `tasks` (the open tasks' ids, in any order), `status` (national portal code), `appointment`
("dd/mm/yyyy HH:MM"), `late`, `supplements`, `extensions`, `letters` (forms of the letters queued so far, in
order, by meaning, e.g. [receipt, apology]; docs/FORMS.md), `finished` (the dossier's process has ended).

The people a form may name (an assignment picks an account of the division) are the procedure's division's accounts
of `accounts` (username: role), by default `chuyenvien`, a specialist.
"""

import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.dates import vn_stamp
from engine.domain.deadlines import parse_allotment
from engine.domain.errors import MotcuaError, ValidationError
from engine.domain.ports import Adapters
from engine.services.settings import Settings

APPLICANT = {
    "type": 2,
    "name": "Tổ chức thử nghiệm",
    "id_number": "0100000000",
    "address": "Cao Bằng",
    "phone": "0912 000 000",
}
ACTOR = "kich-ban"
ACCOUNTS = {"chuyenvien": "specialist"}
KINDS = ("receive", "complete", "wait", "at", "expect")


@dataclass(frozen=True)
class StepResult:
    number: int
    kind: str
    ok: bool
    message: str
    element: str = ""  # the task a failing step is about, to highlight on the diagram


@dataclass
class ScenarioResult:
    file: str
    name: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)


class _Quiet:
    """Every port goes nowhere: a scenario sends nothing to anyone (people, the portal, the postal service)."""

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        return None

    def push_status(self, update: dict, idempotency_key: str) -> None:
        return None

    def push_history(self, records: list[dict], idempotency_key: str) -> None:
        return None

    def push_result(self, result: dict, idempotency_key: str) -> None:
        return None

    def held_statuses(self) -> dict[str, int]:
        return {}

    def order_pickup(self, order: dict, idempotency_key: str) -> None:
        return None


def load_scenario(path: Path) -> dict:
    """The scenario in `path`, checked for shape. Raises ValidationError naming what is wrong."""
    try:
        document = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        raise ValidationError(f"{path.name}: không đọc được YAML ({error})")
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list) or not document["steps"]:
        raise ValidationError(f"{path.name}: cần 'procedure', 'start' và danh sách 'steps'")
    for key in ("procedure", "start"):
        if key not in document:
            raise ValidationError(f"{path.name}: thiếu '{key}'")
    accounts = document.get("accounts")
    if accounts is not None and not (isinstance(accounts, dict) and all(isinstance(r, str) for r in accounts.values())):
        raise ValidationError(f"{path.name}: 'accounts' là bảng tên đăng nhập: vai trò (ví dụ chuyenvien: specialist)")
    for number, step in enumerate(document["steps"], start=1):
        if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in KINDS:
            raise ValidationError(f"{path.name}: bước {number}: mỗi bước là một trong {', '.join(KINDS)}")
    return document


def _moment(value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def run_scenario(path: Path, settings: Settings | None = None, files: dict[str, str] | None = None) -> ScenarioResult:
    """Run the scenario file `path` (see the module docstring) on a database of its own. `files` (name -> XML)
    replace or add BPMN files: the modeler runs the scenarios on the diagram being edited."""
    from engine.services.deploy import read_files
    from engine.services.wiring import build_services

    document = load_scenario(path)
    result = ScenarioResult(str(path), str(document.get("name") or path.stem))
    processes = Path(document.get("processes") or path.parent)
    if not processes.is_absolute():
        processes = (path.parent / processes).resolve()
    with tempfile.TemporaryDirectory(prefix="motcua-scenario-") as scratch:
        base = settings or Settings()
        clock = FakeClock(_moment(document["start"]))
        services = build_services(
            Settings(**{**base.__dict__, "database_url": f"sqlite:///{scratch}/scenario.db"}),
            Adapters(_Quiet(), _Quiet(), _Quiet()),
            clock=clock,
        )
        try:
            services.migrate()
            shipped = sorted((base.processes_dir).glob("*.bpmn"))
            own = {p.name: p for p in sorted(processes.glob("*.bpmn"))}
            paths: list[str | Path] = [p for p in shipped if p.name not in own]
            paths.extend(own.values())
            deployed = read_files(paths)
            deployed.update({name: xml.encode("utf-8") for name, xml in (files or {}).items()})
            try:
                services.deploy.deploy(deployed, ACTOR)
            except MotcuaError as error:
                result.steps.append(StepResult(0, "deploy", False, f"không triển khai được: {error}"))
                return result
            procedure = services.dossiers.catalogue.get(str(document.get("procedure")))
            for username, role in (document.get("accounts") or ACCOUNTS).items():
                division = procedure.division if procedure is not None else ""
                services.accounts.create(str(username), str(username), str(role), division, secrets.token_urlsafe(16))
            _Run(services, clock, document, result).all()
        finally:
            services.close()
    return result


class _Run:
    def __init__(self, services, clock: FakeClock, document: dict, result: ScenarioResult):
        self.services, self.clock, self.document, self.result = services, clock, document, result
        self.code = ""

    def all(self) -> None:
        for number, step in enumerate(self.document["steps"], start=1):
            kind, args = next(iter(step.items()))
            try:
                message = getattr(self, f"_{kind}")(args if args is not None else {})
                self.result.steps.append(StepResult(number, kind, True, message))
            except (AssertionError, MotcuaError, ValueError, KeyError, TypeError) as error:
                element = args.get("task", "") if isinstance(args, dict) else ""
                self.result.steps.append(StepResult(number, kind, False, str(error) or repr(error), element))
                return

    # --- steps ------------------------------------------------------------------------------------------------------
    def _receive(self, args: dict) -> str:
        procedure = self.services.dossiers.catalogue.get(self.document["procedure"])
        if procedure is None:
            raise ValueError(f"không có thủ tục {self.document['procedure']} trong danh mục")
        if "at" in args:
            self.clock.set(_moment(args["at"]))
        documents = args.get("documents") or [{"name": d.name} for d in procedure.documents if d.required]
        dossier = self.services.reception.receive(
            procedure.code, {**APPLICANT, **(args.get("applicant") or {})}, int(args.get("channel", 1)),
            "counter", documents, ACTOR,
        )  # fmt: skip
        self.code = dossier.code
        self._fire()
        return f"tiếp nhận {dossier.code}, hẹn trả {vn_stamp(dossier.appointment)}"

    def _complete(self, args: dict) -> str:
        name = args["task"]
        self._move(args)
        found = [t for t in self.services.instances.tasks(code=self._code()) if t.name == name]
        if not found:
            raise AssertionError(f"việc '{name}' không mở; đang mở: {self._open() or 'không có'}")
        actor = found[0].assignee or ACTOR  # a task given to someone (an assignment) is theirs to complete
        self.services.task_forms.complete(found[0].task_id, dict(args.get("data") or {}), actor)
        self._fire()
        return f"hoàn thành {name} lúc {vn_stamp(self.clock.now())}"

    def _wait(self, args) -> str:
        self._move({"after": args})
        return f"đến {vn_stamp(self.clock.now())}"

    def _at(self, args) -> str:
        self._move({"at": args})
        return f"đến {vn_stamp(self.clock.now())}"

    def _expect(self, args: dict) -> str:
        dossier = self.services.dossiers.get(self._code())
        wrong = []
        checks = {
            "status": lambda: dossier.status,
            "appointment": lambda: vn_stamp(dossier.appointment),
            "late": lambda: dossier.late,
            "supplements": lambda: dossier.supplement_count,
            "extensions": lambda: dossier.extension_count,
            "letters": self._letters,
            "tasks": lambda: sorted(self._open()),
            "finished": lambda: not self._open() and self._finished(),
        }
        for key, expected in args.items():
            if key not in checks:
                raise ValueError(f"không kiểm tra được '{key}' (được: {', '.join(checks)})")
            actual = checks[key]()
            if key == "tasks":
                expected = sorted(expected or [])
            if actual != expected:
                wrong.append(f"{key}: mong đợi {expected!r}, thực tế {actual!r}")
        if wrong:
            raise AssertionError("; ".join(wrong))
        return "đúng: " + ", ".join(args)

    # --- helpers ------------------------------------------------------------------------------------------------------
    def _code(self) -> str:
        if not self.code:
            raise ValueError("chưa tiếp nhận hồ sơ: bước đầu tiên là receive")
        return self.code

    def _open(self) -> list[str]:
        return [t.name for t in self.services.instances.tasks(code=self._code())]

    def _finished(self) -> bool:
        return self.services.dossiers.get(self._code()).processing_end_at is not None

    def _letters(self) -> list[str]:
        return [
            e.payload.get("form", "")
            for e in self.services.instances.history(self._code())
            if e.tag == "dossier:letter:queued"
        ]

    def _move(self, args: dict) -> None:
        """Move the clock (`at` a moment, or `after` an amount of working time from now) and fire due timers."""
        if "at" in args:
            target = _moment(args["at"])
        elif "after" in args:
            amount, unit = parse_allotment(str(args["after"]))
            target = self.services.calendars.current().add(self.clock.now(), amount, unit)
        else:
            return
        if target < self.clock.now():
            raise ValueError(f"không lùi đồng hồ được: {vn_stamp(target)} trước {vn_stamp(self.clock.now())}")
        # Each timer fires at its own moment, in order, as a worker would have fired it.
        for _ in range(1000):
            due = self.services.timers.next_due()
            if due is None or due > target:
                break
            self.clock.set(max(due, self.clock.now()))
            self._fire()
        self.clock.set(target)
        self._fire()

    def _fire(self) -> None:
        for _ in range(100):
            if self.services.timers.run_pass("kich-ban", 1000).fired == 0:
                return
