"""Auditing histories: verifying one dossier or all of them (`engine.domain.audit`), and anchoring the heads of all
histories in a signed file kept outside the database, so that a rewrite after the anchor is found even by someone
who holds the key."""

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from engine.bpmn.parsing import version_hash
from engine.domain import audit, audit_file, chain
from engine.domain.audit import AuditReport, Finding
from engine.domain.chain import Seal
from engine.domain.clock import Clock
from engine.domain.digests import digest
from engine.domain.errors import NotFound, ValidationError
from engine.persistence.db import Database

_BATCH = 200


@dataclass(frozen=True)
class Anchor:
    """The signed digest of the heads of all histories at one moment."""

    at: str
    heads: list  # [code, last event number, last event hash]
    digest: str
    mac: str

    def as_json(self) -> dict:
        return {"at": self.at, "count": len(self.heads), "heads": self.heads, "digest": self.digest, "mac": self.mac}


@dataclass
class Summary:
    checked: int = 0
    intact: int = 0
    tampered: int = 0
    missing: int = 0


class AuditService:
    def __init__(self, db: Database, clock: Clock, seal: Seal, anchor_dir: Path):
        self.db, self.clock, self.seal, self.anchor_dir = db, clock, seal, Path(anchor_dir)

    def verify(self, code: str, anchors: Sequence[Path] | None = ()) -> AuditReport:
        """Check the history of dossier `code` and what its steps recorded against the rows, and against the
        `anchors` given (None: the latest anchor in the anchor directory, if any; one that is not genuine is a
        finding). Raises NotFound; ValidationError for an anchor given that is not genuine."""
        read = self._anchors(anchors)
        with self.db.reading() as uow:
            found = self._evidence(uow, code)
        if found is None:
            raise NotFound(f"Không có hồ sơ {code}")
        return self._check(found, read)

    def _anchors(self, paths: Sequence[Path] | None) -> list[Anchor | Finding]:
        """The anchors given, or the latest one written here; a latest one that is not genuine is a finding."""
        if paths is not None:
            return [self.read_anchor(path) for path in paths]
        latest = self.latest_anchor()
        if latest is None:
            return []
        try:
            return [self.read_anchor(latest)]
        except ValidationError as exc:
            return [Finding("anchor_invalid", str(exc))]

    def latest_anchor(self) -> Path | None:
        """The newest anchor file of the anchor directory (None: none yet)."""
        return max(self.anchor_dir.glob("anchor-*.json"), default=None, key=lambda p: p.stat().st_mtime_ns)

    @staticmethod
    def _evidence(uow, code: str, hashes: dict[int, str] | None = None):
        """(evidence, the files of its process version or None) of `code`, the hash of those files recomputed;
        with `hashes` (version id -> hash), each version's files are read and hashed once."""
        found = uow.audit.evidence(code)
        if found is None:
            return None
        evidence, version_id = found
        if hashes is not None and version_id in hashes:
            evidence.sources_hash = hashes[version_id]
            return evidence, None
        sources = uow.versions.sources(version_id)[1]
        evidence.sources_hash = version_hash(sources) if sources else ""
        if hashes is not None:
            hashes[version_id] = evidence.sources_hash
        return evidence, sources

    def _check(self, found, anchors: Sequence[Anchor | Finding]) -> AuditReport:
        evidence = found[0]
        report = audit.check(evidence, self.seal)
        for anchor in anchors:
            if isinstance(anchor, Finding):
                report.findings.append(anchor)
                continue
            for code, seq, head_hash in anchor.heads:
                if code == evidence.code and not audit.anchored(evidence.events, seq, head_hash):
                    report.findings.append(
                        Finding(
                            "anchor_mismatch",
                            f"lịch sử đến sự kiện {seq} khác với bản neo lúc {anchor.at}: bị viết lại sau khi neo",
                            seq,
                        )
                    )
        return report

    def verify_all(
        self,
        procedure: str | None = None,
        since: datetime | None = None,
        anchors: Sequence[Path] | None = (),
        progress: Callable[[Summary], None] | None = None,
    ) -> Iterator[AuditReport]:
        """Check every history (of `procedure`, started since `since`), a batch at a time, as `verify` checks one;
        yields each report."""
        read = self._anchors(anchors)
        last, summary, hashes = 0, Summary(), dict[int, str]()
        while True:
            with self.db.reading() as uow:
                batch = uow.audit.codes_after(last, procedure, since, _BATCH)
                found = [self._evidence(uow, code, hashes) for _, code in batch]
            if not batch:
                return
            last = batch[-1][0]
            for evidence in found:
                if evidence is None:  # removed meanwhile
                    summary.missing += 1
                    continue
                report = self._check(evidence, read)
                summary.checked += 1
                summary.intact += report.intact
                summary.tampered += not report.intact
                yield report
            if progress is not None:
                progress(summary)

    # --- sealing histories written before the seal ---------------------------------------------------------------
    def seal_unsealed(self) -> tuple[int, list[str]]:
        """Seal the head of every history that has none (written before this version): once, when upgrading, by
        whoever holds the key. A history whose hash chain is already broken is left unsealed and named. Returns
        (how many were sealed, the codes left unsealed)."""
        sealed, broken, last = 0, list[str](), 0
        while True:
            with self.db.unit_of_work() as uow:
                batch = uow.audit.unsealed(last, _BATCH)
                for instance_id, code, seq, head_hash in batch:
                    report = chain.verify(code, uow.history.events(instance_id), seq, head_hash)
                    if not report.intact:
                        broken.append(code)
                    elif uow.audit.seal_head(instance_id, seq, head_hash, self.seal.head_mac(code, seq, head_hash)):
                        sealed += 1
            if not batch:
                return sealed, broken
            last = batch[-1][0]

    # --- exports ----------------------------------------------------------------------------------------------
    def export(self, code: str) -> dict:
        """The history of `code` as a self-contained document (`engine.domain.audit_file`). Raises NotFound."""
        with self.db.reading() as uow:
            found = self._evidence(uow, code)
        if found is None:
            raise NotFound(f"Không có hồ sơ {code}")
        return audit_file.to_document(found[0], found[1] or {}, self.clock.now())

    def export_range(self, since: datetime | None, until: datetime | None) -> Iterator[dict]:
        """The documents of every instance started in [since, until), a batch at a time."""
        last = 0
        while True:
            with self.db.reading() as uow:
                batch = uow.audit.codes_after(last, None, since, _BATCH, until)
                found = [self._evidence(uow, code) for _, code in batch]
            if not batch:
                return
            last = batch[-1][0]
            now = self.clock.now()
            yield from (audit_file.to_document(f[0], f[1] or {}, now) for f in found if f is not None)

    def export_csv(self, code: str) -> str:
        """The events of `code` as CSV (JSON columns for payload and step), its head in the last row."""
        with self.db.reading() as uow:
            found = uow.audit.evidence(code)
        if found is None:
            raise NotFound(f"Không có hồ sơ {code}")
        out = io.StringIO()
        csv.writer(out).writerows(audit_file.csv_rows(found[0]))
        return out.getvalue()

    def read_export(self, path: Path) -> list[dict]:
        """The documents of an export file: JSON (one dossier, or {"dossiers": [...]}), or CSV (one dossier's
        events). Raises ValidationError for a file that is not an export."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
            if Path(path).suffix.lower() == ".csv":
                return [audit_file.from_csv(list(csv.reader(io.StringIO(text))))]
            data = json.loads(text)
            return list(data["dossiers"]) if isinstance(data, dict) and "dossiers" in data else [data]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"Không đọc được tệp xuất {path}: {exc}", {"file": str(path)}) from None

    def verify_document(self, document: dict, anchors: Sequence[Path] = ()) -> tuple[AuditReport, dict]:
        """Check an exported history as `verify` checks the database; also returns its process files (for replay).
        Raises ValidationError for a malformed document."""
        try:
            evidence, sources = audit_file.from_document(document)
        except ValueError as exc:
            raise ValidationError(f"Tệp xuất không hợp lệ: {exc}", {"file": str(exc)}) from None
        evidence.sources_hash = version_hash(sources) if sources else ""
        return self._check((evidence, sources), [self.read_anchor(p) for p in anchors]), sources

    # --- anchors ----------------------------------------------------------------------------------------------
    def anchor(self, out: Path | None = None) -> tuple[Path, Anchor]:
        """Write the signed digest of the heads of all histories to `out` (default: a new file in the anchor
        directory); return where and what."""
        with self.db.reading() as uow:
            heads = [list(head) for head in uow.audit.heads()]
        at = self.clock.now().isoformat()
        body = digest({"at": at, "heads": heads})
        anchor = Anchor(at, heads, body, self.seal.mac("anchor\n" + body))
        if out is None:
            self.anchor_dir.mkdir(parents=True, exist_ok=True)
            stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%z")
            out = self.anchor_dir / f"anchor-{stamp}.json"
        Path(out).write_text(json.dumps(anchor.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return Path(out), anchor

    def anchor_if_due(self, every: timedelta) -> Path | None:
        """Write an anchor (see `anchor`) when the latest one in the anchor directory is `every` old or more (the
        worker calls this after each pass: a daily anchor by default). Returns the new file, or None."""
        if every <= timedelta(0):
            return None
        latest = self.latest_anchor()
        if latest is not None:
            try:
                at = datetime.fromisoformat(json.loads(latest.read_text(encoding="utf-8"))["at"])
            except (OSError, ValueError, KeyError, TypeError):
                at = None  # unreadable: write a new one
            if at is not None and self.clock.now() - at < every:
                return None
        return self.anchor()[0]

    def read_anchor(self, path: Path) -> Anchor:
        """An anchor file, its signature checked. Raises ValidationError for a file that is not a genuine anchor."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            anchor = Anchor(data["at"], data["heads"], data["digest"], data["mac"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"Không đọc được bản neo {path}: {exc}", {"anchor": str(path)}) from None
        genuine = digest({"at": anchor.at, "heads": anchor.heads}) == anchor.digest and self.seal.check(
            anchor.mac, self.seal.mac("anchor\n" + anchor.digest)
        )
        if not genuine:
            raise ValidationError(f"Bản neo {path} không hợp lệ: chữ ký không khớp", {"anchor": str(path)})
        return anchor
