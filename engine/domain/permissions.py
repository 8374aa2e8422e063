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
EVERYONE = frozenset(ROLES)

# action -> the roles allowed to do it. Actions on one task or one dossier are further narrowed by
# `may_work_on` (the task's lane) and `may_view_dossier` (involvement).
ACTIONS: dict[str, frozenset[str]] = {
    "procedure.read": EVERYONE,
    "calendar.read": EVERYONE,
    "dossier.receive": frozenset({"one_stop"}),
    "dossier.list": frozenset({"one_stop", "auditor", "admin"}),
    "dossier.view": OFFICERS | {"auditor", "admin"},
    "dossier.view_any": frozenset({"auditor", "admin"}),
    "dossier.withdraw": frozenset({"one_stop"}),
    "dossier.stop": frozenset({"director"}),
    "dossier.verify": frozenset({"auditor", "admin"}),
    "task.list": OFFICERS,
    "task.work": OFFICERS,
    "account.manage": frozenset({"admin"}),
    "calendar.manage": frozenset({"admin"}),
    "process.deploy": frozenset({"designer"}),
    # QĐ 766 indicators and the periodic reports: the leaders (division heads, the director) and auditors.
    "indicators.view": frozenset({"division_head", "director", "auditor", "admin"}),
    "rating.record": frozenset({"one_stop"}),  # a satisfaction rating taken at the counter
    "feedback.receive": frozenset({"one_stop"}),  # PAKN from the portal (a system's token) or typed in
    "feedback.list": OFFICERS | {"auditor", "admin"},
}


def allowed(role: str, action: str) -> bool:
    """Whether `role` may do `action` at all. Raises KeyError for an action that is not in the table."""
    return role in ACTIONS[action]


def lanes_of(role: str) -> list[str]:
    """The lanes whose tasks the officers of `role` work on."""
    return [lane for lane, owner in LANE_ROLES.items() if owner == role]


def may_work_on(role: str, lane: str | None) -> bool:
    """Whether an officer of `role` may claim, release or complete a task in `lane`."""
    return allowed(role, "task.work") and lane is not None and LANE_ROLES.get(lane) == role


def may_view_dossier(role: str, involved: bool) -> bool:
    """Whether someone may read a dossier and its history: auditors and administrators always, officers when they
    are involved (they received it, acted on it, or one of its open tasks is in their lane)."""
    return allowed(role, "dossier.view_any") or (allowed(role, "dossier.view") and involved)
