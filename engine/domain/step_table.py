"""An approved internal procedure's step table (quy trình nội bộ: step, content, who, time), read from its rows.

Pure: the rows come as lists of cell texts (CSV or XLSX, read elsewhere), the rule table that maps who carries out a
step to a lane is given. Tables are read as the decisions publish them:

- the heading row is found among the first rows by its headings, in any order: Bước / TT / STT; Nội dung công việc /
  Trình tự thực hiện / Nội dung; Trách nhiệm thực hiện / Đơn vị, người thực hiện / Bộ phận thực hiện; Thời gian thực
  hiện / Thời gian (case, diacritics and line breaks ignored);
- times as written there: "0,5 ngày", "04 giờ", "02 ngày làm việc", "1/2 ngày", "8 giờ làm việc" (days are working
  days, hours working hours);
- a total row ("Tổng cộng", "Tổng thời gian") is checked against the sum of the steps, not taken as a step;
- rows that cannot be read are listed with their row number (as the file numbers them) and the problem.
"""

import re
import unicodedata
from dataclasses import dataclass, field

HEADINGS = {
    "step": ("buoc", "tt", "stt", "so tt"),
    "content": ("noi dung cong viec", "trinh tu thuc hien", "noi dung thuc hien", "noi dung", "cong viec"),
    "actor": (
        "trach nhiem thuc hien",
        "don vi, nguoi thuc hien",
        "don vi/nguoi thuc hien",
        "don vi nguoi thuc hien",
        "bo phan thuc hien",
        "nguoi thuc hien",
        "don vi thuc hien",
        "trach nhiem",
    ),
    "time": ("thoi gian thuc hien", "thoi gian giai quyet", "thoi gian"),
}
_NUMBER = r"(\d+(?:[.,]\d+)?|\d+/\d+)"
_TIME = re.compile(rf"^{_NUMBER}\s*(ngay lam viec|ngay|gio lam viec|gio)\b")
HEADER_SEARCH_ROWS = 15


def fold(text: str) -> str:
    """Lower case without diacritics, spaces collapsed: "Đơn vị,\\nngười  thực hiện" -> "don vi, nguoi thuc hien"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(bare.split())


@dataclass(frozen=True)
class Step:
    row: int  # the row number in the file
    number: str  # as written in the Bước column ("B1", "1", ...)
    content: str
    actor: str  # as written
    lane: str
    amount: float
    unit: str  # "wd" working days, "wh" working hours

    @property
    def allotment(self) -> str:
        """The allotment as the BPMN carries it ("0.5d", "4h")."""
        return f"{self.amount:g}{'d' if self.unit == 'wd' else 'h'}"


@dataclass(frozen=True)
class RowProblem:
    row: int  # 0: about the table as a whole
    message: str


@dataclass
class StepTable:
    steps: list[Step] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    total: tuple[float, str] | None = None  # the total row's time, when there is one
    actors: dict[str, str | None] = field(default_factory=dict)  # who carries out steps, as written -> lane


def parse_time(text: str) -> tuple[float, str]:
    """ "0,5 ngày" -> (0.5, "wd"); "04 giờ" -> (4.0, "wh"); "1/2 ngày" -> (0.5, "wd"). Raises ValueError."""
    match = _TIME.match(fold(text))
    if match is None:
        raise ValueError(
            f"không đọc được thời gian '{text.strip()}' (viết như '0,5 ngày', '04 giờ', '02 ngày làm việc')"
        )
    number, unit = match[1], match[2]
    if "/" in number:
        top, bottom = number.split("/")
        if int(bottom) == 0:
            raise ValueError(f"không đọc được thời gian '{text.strip()}'")
        amount = int(top) / int(bottom)
    else:
        amount = float(number.replace(",", "."))
    if amount <= 0:
        raise ValueError(f"thời gian '{text.strip()}' phải lớn hơn 0")
    return amount, ("wd" if unit.startswith("ngay") else "wh")


def lane_of(actor: str, rules: list[tuple[tuple[str, ...], str]], overrides: dict[str, str]) -> str | None:
    """The lane of who carries out a step: an override for exactly this text first, then the first rule whose words
    all occur in it. None when nothing matches."""
    folded = fold(actor)
    for name, lane in overrides.items():
        if fold(name) == folded:
            return lane
    for words, lane in rules:
        if all(fold(word) in folded for word in words):
            return lane
    return None


def _columns(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        text = fold(cell or "").strip(" .:")
        for column, names in HEADINGS.items():
            if column not in found and any(text == name or text.startswith(name + " ") for name in names):
                found[column] = index
                break
    return found


def read_step_table(
    rows: list[list[str]],
    rules: list[tuple[tuple[str, ...], str]],
    overrides: dict[str, str] | None = None,
    hours_per_day: float = 8,
) -> StepTable:
    """The steps of the table `rows` (row i is row i + 1 of the file). See the module docstring."""
    table = StepTable()
    header, columns = None, {}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _columns(row)
        if {"content", "actor", "time"} <= set(columns):
            header = index
            break
    if header is None:
        table.problems.append(
            RowProblem(0, "không thấy dòng tiêu đề có các cột Nội dung công việc, Trách nhiệm thực hiện, Thời gian")
        )
        return table

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return str(row[index] or "").strip() if index is not None and index < len(row) else ""

    for index in range(header + 1, len(rows)):
        row, number = rows[index], index + 1
        if not any(str(c or "").strip() for c in row):
            continue
        step_no, content, actor, time = (cell(row, c) for c in ("step", "content", "actor", "time"))
        if any(fold(str(c or "")).startswith("tong") for c in row):
            try:
                table.total = parse_time(time)
            except ValueError as error:
                table.problems.append(RowProblem(number, f"dòng tổng: {error}"))
            continue
        if re.fullmatch(r"\(?\d+\)?", fold(content)) and re.fullmatch(r"\(?\d+\)?", fold(time)):
            continue  # the "(1) (2) (3) (4)" row some decisions put under the headings
        problems = []
        if not content:
            problems.append("thiếu nội dung công việc")
        lane = lane_of(actor, rules, overrides or {}) if actor else None
        if actor:
            table.actors.setdefault(actor, lane)
        if not actor:
            problems.append("thiếu trách nhiệm thực hiện")
        elif lane is None:
            problems.append(f"không biết '{actor}' làm việc ở làn nào (sửa bảng ánh xạ đơn vị)")
        amount, unit = 0.0, "wd"
        try:
            amount, unit = parse_time(time)
        except ValueError as error:
            problems.append(str(error) if time else "thiếu thời gian thực hiện")
        if problems:
            table.problems.append(RowProblem(number, "; ".join(problems)))
            continue
        table.steps.append(Step(number, step_no, content, actor, lane or "", amount, unit))
    if not table.steps and not table.problems:
        table.problems.append(RowProblem(0, "bảng không có bước nào"))
    if table.total is not None and not table.problems:
        total = sum(s.amount * (hours_per_day if s.unit == "wd" else 1) for s in table.steps)
        stated = table.total[0] * (hours_per_day if table.total[1] == "wd" else 1)
        if abs(total - stated) > 1e-9:
            table.problems.append(
                RowProblem(
                    0,
                    f"các bước cộng lại {total / hours_per_day:g} ngày làm việc nhưng dòng tổng ghi "
                    f"{stated / hours_per_day:g} ngày làm việc",
                )
            )
    return table
