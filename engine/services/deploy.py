"""Checking and deploying BPMN files as process versions keyed by the hash of their files."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.bpmn.allotments import check_allotments
from engine.bpmn.catalogue_xml import entry_in_sources
from engine.bpmn.english_names import english_names
from engine.bpmn.parsing import ParsedProcess, parse_files
from engine.domain.catalogue import Catalogue
from engine.domain.clock import Clock
from engine.domain.errors import Conflict, ProcessDefinitionError, ValidationError
from engine.persistence.db import Database
from engine.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class VersionInfo:
    process_id: str
    name: str
    number: int
    version_hash: str
    created: bool  # False when these exact files were already deployed


def read_files(paths: list[str | Path]) -> dict[str, bytes]:
    """Read BPMN files (directories expand to their *.bpmn files), keyed by file name."""
    files: dict[str, bytes] = {}
    for path in map(Path, paths):
        targets = sorted(path.rglob("*.bpmn")) if path.is_dir() else [path]
        for target in targets:
            if not target.is_file():
                raise ValidationError(f"{target}: no such file", {"files": str(target)})
            if target.name in files:
                raise ValidationError(
                    f"two files are named {target.name}; BPMN file names must be unique", {"files": target.name}
                )
            files[target.name] = target.read_bytes()
    if not files:
        raise ValidationError("no BPMN files given", {"files": "required"})
    return files


class DeployService:
    def __init__(self, db: Database, clock: Clock, catalogue: Catalogue | None = None, hours_per_day: float = 8):
        self.db, self.clock, self.catalogue, self.hours_per_day = db, clock, catalogue, hours_per_day

    def _parse(self, files: dict[str, bytes]) -> dict[str, ParsedProcess]:
        """Parse `files` (they may call deployed files) and check each catalogued process's allotments against its
        procedure's time limit (the entry the file carries, else the catalogue's); processes not in the catalogue
        (shared call activities, demos) are not checked."""
        extra = {k: v for k, v in self._deployed_sources().items() if k not in files}
        parsed = parse_files(files, extra)
        problems = []
        for process in parsed.values():
            procedure = entry_in_sources(process.sources, process.process_id) or (
                self.catalogue.by_process(process.process_id) if self.catalogue is not None else None
            )
            if procedure is not None:
                problems.extend(check_allotments(process, procedure.time_limit, hours_per_day=self.hours_per_day))
        if problems:
            raise ProcessDefinitionError(problems)
        return parsed

    def _deployed_sources(self) -> dict[str, str]:
        """The files of the latest version of every process, so new files may call deployed ones."""
        with self.db.reading() as uow:
            return uow.versions.latest_sources()

    def english_names(self) -> dict[str, str]:
        """Vietnamese name -> English name of the steps of the latest version of every process that carry one
        (`engine.bpmn.english_names`), for the English interface."""
        return english_names(self._deployed_sources())

    def check(self, files: dict[str, bytes]) -> list[VersionInfo]:
        """Validate without deploying. Raises ProcessDefinitionError naming file, element and problem."""
        return [VersionInfo(p.process_id, p.name, 0, p.version_hash, False) for p in self._parse(files).values()]

    def deploy(
        self,
        files: dict[str, bytes],
        actor: str,
        note: str = "",
        expected: dict[str, int] | None = None,
        also: Callable[[UnitOfWork], None] | None = None,
    ) -> list[VersionInfo]:
        """Validate and store a new version of every process whose files changed; return all versions.

        `note` is the change note of the new versions. `expected` maps process ids to the number of the latest
        version the change was based on: when another version was deployed since, nothing is stored (Conflict).
        `also` runs in the same unit of work (the designer's draft is discarded with the deploy)."""
        parsed = self._parse(files)
        now = self.clock.now()
        out = []
        with self.db.unit_of_work() as uow:
            for process_id, number in (expected or {}).items():
                latest = uow.versions.latest(process_id)
                if (latest.number if latest else 0) != number:
                    raise Conflict(
                        f"Phiên bản {latest.number if latest else 0} của '{process_id}' đã được triển khai sau phiên "
                        f"bản {number} mà bản sửa dựa vào; mở lại phiên bản mới nhất rồi sửa lại."
                    )
            for process in parsed.values():
                existing = uow.versions.by_hash(process.process_id, process.version_hash)
                if existing is not None:
                    out.append(
                        VersionInfo(existing.process_id, existing.name, existing.number, existing.version_hash, False)
                    )
                    continue
                number = uow.versions.next_number(process.process_id)
                uow.versions.add(
                    process.process_id, number, process.name, process.version_hash, process.sources, now, actor, note
                )
                out.append(VersionInfo(process.process_id, process.name, number, process.version_hash, True))
            if also is not None:
                also(uow)
        return out

    def versions(self) -> list[VersionInfo]:
        with self.db.reading() as uow:
            return [VersionInfo(r.process_id, r.name, r.number, r.version_hash, False) for r in uow.versions.all()]
