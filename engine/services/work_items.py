"""Work items: work for the officers of a lane that no workflow step holds (an item the post brought back after two
failed delivery attempts). Opened in the unit of work of what caused them; listed in the officers' task list until
one of them marks the item done, which the dossier's history records with what they did."""

from engine.domain.clock import Clock
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from engine.persistence.db import Database
from engine.persistence.unit_of_work import UnitOfWork
from engine.persistence.work_items import WorkItemRow
from engine.services.instances import InstanceService

MAX_NOTE = 2000


class WorkItemService:
    def __init__(self, db: Database, clock: Clock, instances: InstanceService):
        self.db, self.clock, self.instances = db, clock, instances

    def open_in(
        self, uow: UnitOfWork, code: str, key: str, lane: str, title: str, instruction: str, actor: str
    ) -> bool:
        """Open a work item for `lane` on dossier `code` once per `key`, in the caller's `uow`, recorded in its
        history as `dossier:work_item:opened`. Returns whether it was opened now."""
        head = self.instances.lock(uow, code)  # (again: the head after what the caller recorded)
        if not uow.work_items.add(key, head.id, code, lane, title, instruction, self.clock.now()):
            return False
        payload = {"key": key, "lane": lane, "title": title, "instruction": instruction}
        self.instances.note(uow, head, "dossier:work_item:opened", actor, payload)
        return True

    def open_for(self, lanes: tuple[str, ...] | list[str]) -> list[WorkItemRow]:
        with self.db.reading() as uow:
            return uow.work_items.open_in(list(lanes))

    def done(self, item_id: int, note: str, actor: str, lanes: tuple[str, ...] | list[str]) -> WorkItemRow:
        """Mark item `item_id` done with what was done (`note`, required). Forbidden outside the officer's `lanes`,
        Conflict when someone marked it done first."""
        note = (note or "").strip()
        if not note:
            raise ValidationError("Ghi rõ đã xử lý thế nào", {"note": "Bắt buộc"})
        if len(note) > MAX_NOTE:
            raise ValidationError(f"Ghi chú tối đa {MAX_NOTE} ký tự", {"note": f"tối đa {MAX_NOTE} ký tự"})
        with self.db.unit_of_work() as uow:
            item = uow.work_items.get(item_id)
            if item is None:
                raise NotFound(f"Không có việc phát sinh số {item_id}")
            if item.lane not in lanes:
                raise Forbidden(f"Việc phát sinh số {item_id} là của {item.lane}")
            head = self.instances.lock(uow, item.code)
            if not uow.work_items.close(item_id, actor, note, self.clock.now()):
                raise Conflict(f"Việc '{item.title}' đã được đánh dấu xong")
            payload = {"key": item.key, "title": item.title, "note": note}
            self.instances.note(uow, head, "dossier:work_item:done", actor, payload)
            return item
