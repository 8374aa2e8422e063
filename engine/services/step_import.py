"""Import an approved step table (CSV or XLSX) as a BPMN process for a procedure of the catalogue
(`motcua import-steps`): read the rows, map who carries out each step to a lane (processes/import/don_vi.yaml, with
the designer's corrections), build the process (`engine.bpmn.step_bpmn`) and run the designer's checks on it."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.bpmn.step_bpmn import build_process
from engine.domain.catalogue import Catalogue
from engine.domain.errors import NotFound, ValidationError
from engine.domain.permissions import LANE_ROLES
from engine.domain.step_table import RowProblem, StepTable, read_step_table
from engine.services.designer import DesignerService, Problem

MAX_TABLE_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    table: StepTable
    process_id: str = ""
    file_name: str = ""
    xml: str = ""  # empty when the table has problems
    problems: list[Problem] = field(default_factory=list)  # the checks of the built process


def load_rules(path: Path) -> list[tuple[tuple[str, ...], str]]:
    """The actor -> lane rules of processes/import/don_vi.yaml. Raises ValidationError naming a bad rule."""
    document = yaml.safe_load(path.read_text("utf-8")) or {}
    rules = []
    for index, rule in enumerate(document.get("rules") or [], start=1):
        words, lane = rule.get("words"), rule.get("lane")
        if not isinstance(words, list) or not words or lane not in LANE_ROLES:
            raise ValidationError(
                f"{path.name}: quy tắc {index}: cần 'words' (danh sách) và 'lane' là một làn có vai trò"
            )
        rules.append((tuple(str(w) for w in words), lane))
    return rules


def read_rows(name: str, content: bytes) -> list[list[str]]:
    """The cells of a CSV (UTF-8, comma or semicolon) or XLSX (first sheet) table as text."""
    if len(content) > MAX_TABLE_BYTES:
        raise ValidationError(f"{name}: bảng quá lớn (tối đa {MAX_TABLE_BYTES} byte)", {"file": "quá lớn"})
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationError(f"{name}: không đọc được tệp XLSX ({error})", {"file": "không đọc được"})
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(f"{name}: tệp CSV phải ở dạng UTF-8", {"file": "không phải UTF-8"})
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    raise ValidationError(f"{name}: chỉ nhận tệp .csv hoặc .xlsx", {"file": "sai loại tệp"})


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class StepImportService:
    def __init__(self, catalogue: Catalogue, designer: DesignerService, rules_file: Path, hours_per_day: float):
        self.catalogue, self.designer, self.rules_file, self.hours_per_day = (
            catalogue, designer, rules_file, hours_per_day,
        )  # fmt: skip

    def build(self, name: str, content: bytes, procedure_code: str, overrides: dict[str, str] | None = None):
        """Read the table `name` and build the BPMN of the procedure `procedure_code`; the result lists the rows
        that could not be read (then no BPMN is built) and the checks' problems of the built process."""
        procedure = self.catalogue.get(procedure_code)
        if procedure is None:
            raise NotFound(f"không có thủ tục '{procedure_code}' trong danh mục")
        for lane in (overrides or {}).values():
            if lane not in LANE_ROLES:
                raise ValidationError(f"'{lane}' không phải làn có vai trò ({', '.join(LANE_ROLES)})", {"map": lane})
        table = read_step_table(read_rows(name, content), load_rules(self.rules_file), overrides, self.hours_per_day)
        result = ImportResult(table, procedure.process, f"{procedure.process}.bpmn")
        if table.problems:
            return result
        result.xml = build_process(procedure.process, procedure.name, table.steps)
        result.problems = self.designer.check(procedure.process, result.file_name, result.xml)
        return result


__all__ = ["ImportResult", "RowProblem", "StepImportService", "read_rows"]
