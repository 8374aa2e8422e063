"""Who may do what: roles, the lanes each role works in, and one table of actions. Pages and the API both ask here."""

ROLES = {
    "one_stop": "Công chức Bộ phận Một cửa",
    "specialist": "Chuyên viên thụ lý",
    "division_head": "Lãnh đạo phòng chuyên môn",
    "director": "Lãnh đạo Sở",
    "clerk": "Văn thư",
    "designer": "Người thiết kế quy trình",
    "auditor": "Kiểm tra viên",
    "admin": "Quản trị hệ thống",
}

ONE_STOP_LANE = "Bộ phận Một cửa"
# The BPMN lanes (docs/PROCEDURES.md) and the role whose officers work the tasks in each.
LANE_ROLES = {
    ONE_STOP_LANE: "one_stop",
    "Chuyên viên thụ lý": "specialist",
    "Lãnh đạo phòng": "division_head",
    "Lãnh đạo Sở": "director",
    "Văn thư": "clerk",
}
OFFICERS = frozenset(LANE_ROLES.values())
# The lanes of the resolving division (the catalogue's `division` of the dossier's procedure): only that division's
# specialists and head see and work their tasks. The other lanes are the Department's own sections: the one-stop
# section, the leaders (Lãnh đạo Sở), the clerk (Văn thư).
DIVISION_LANES = frozenset({"Chuyên viên thụ lý", "Lãnh đạo phòng"})
DIVISION_ROLES = frozenset(LANE_ROLES[lane] for lane in DIVISION_LANES)
# Who reads every dossier: the one-stop section (it receives and returns them all) and the leaders; auditors and
# administrators too (`dossier.view_any`; auditors only read).
SECTION_WIDE = frozenset({"one_stop", "director"})
EVERYONE = frozenset(ROLES)

# action -> the roles allowed to do it. Actions on one task or one dossier are further narrowed by
# `may_work_on` (the task's lane and division) and `may_view_dossier` (section, division or involvement).
ACTIONS: dict[str, frozenset[str]] = {
    "procedure.read": EVERYONE,
    "calendar.read": EVERYONE,
    "dossier.receive": frozenset({"one_stop"}),
    "dossier.list": frozenset({"one_stop", "auditor", "admin"}),
    # The dossier list and search pages: everyone who reads dossiers of their own; a division's officers find only
    # the dossiers their division resolves (the clerk, who reads only what they took part in, has no search).
    "dossier.search": frozenset({"one_stop", "specialist", "division_head", "director", "auditor", "admin"}),
    "dossier.view": OFFICERS | {"auditor", "admin"},
    "dossier.view_any": frozenset({"auditor", "admin"}),
    "dossier.withdraw": frozenset({"one_stop"}),
    "dossier.stop": frozenset({"director"}),
    "dossier.verify": frozenset({"auditor", "admin"}),
    "task.list": OFFICERS,
    "task.work": OFFICERS,
    "task.reassign": frozenset({"division_head"}),  # an open task of their own division, to one of its officers
    "account.manage": frozenset({"admin"}),
    "calendar.manage": frozenset({"admin"}),
    "outbox.manage": frozenset({"admin"}),  # the outbox page: parked messages retried or discarded
    "process.deploy": frozenset({"designer"}),
    # QĐ 766 indicators and the periodic reports: the leaders (division heads, the director) and auditors.
    "indicators.view": frozenset({"division_head", "director", "auditor", "admin"}),
    "rating.record": frozenset({"one_stop"}),  # a satisfaction rating taken at the counter
    "feedback.receive": frozenset({"one_stop"}),  # PAKN from the portal (a system's token) or typed in
    "feedback.list": OFFICERS | {"auditor", "admin"},
    # Work items no step holds (engine.services.work_items): today the one-stop section's (items the post brought back)
    "work_item.done": frozenset({"one_stop"}),
    # The register (Mẫu 06) the one-stop section keeps, and the monthly late list: it and the leaders, auditors.
    "register.view": frozenset({"one_stop", "division_head", "director", "auditor", "admin"}),
}


def allowed(role: str, action: str) -> bool:
    """Whether `role` may do `action` at all. Raises KeyError for an action that is not in the table."""
    return role in ACTIONS[action]


def lanes_of(role: str) -> list[str]:
    """The lanes whose tasks the officers of `role` work on."""
    return [lane for lane, owner in LANE_ROLES.items() if owner == role]


def may_work_on(role: str, lane: str | None, division: str = "", task_division: str | None = None) -> bool:
    """Whether an officer of `role` in `division` may see, claim, release or complete a task in `lane` of a dossier
    resolved by `task_division` (None: the dossier's procedure has no division, so no division's lanes are open)."""
    if not (allowed(role, "task.work") and lane is not None and LANE_ROLES.get(lane) == role):
        return False
    return lane not in DIVISION_LANES or (task_division is not None and division == task_division)


def may_view_dossier(role: str, involved: bool, division: str = "", dossier_division: str | None = None) -> bool:
    """Whether someone may read a dossier and its history: auditors and administrators always, the one-stop section
    and the leaders always, a division's specialists and head the dossiers their division resolves, other officers
    (the clerk) when they are involved (they acted on it, or one of its open tasks is in their lane)."""
    if allowed(role, "dossier.view_any") or role in SECTION_WIDE:
        return True
    if role in DIVISION_ROLES:
        return dossier_division is not None and division == dossier_division
    return allowed(role, "dossier.view") and involved


def task_scope(role: str, division: str, division_procedures) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """(lanes, procedure codes or None for all) of the tasks an officer's list shows: the lanes of `role`, and for a
    division's officers only the procedures their division resolves (`division_procedures(division)`)."""
    lanes = tuple(lanes_of(role))
    if role in DIVISION_ROLES:
        return lanes, tuple(division_procedures(division))
    return lanes, None
