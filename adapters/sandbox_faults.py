"""The fault switches of the partners' sandboxes (portal, postal): what they did is counted for the fault-injection
figures."""

import random
import threading


class Faults:
    """The fault switches and what they did."""

    def __init__(self, seed: int | None = None):
        self.error_rate = self.drop_rate = self.lost_answer_rate = self.delay = 0.0
        self.duplicate_callbacks = self.reorder_callbacks = False
        self.rng = random.Random(seed)
        self.injected = {"error": 0, "drop": 0, "lost_answer": 0, "delay": 0}
        self.lock = threading.Lock()

    def set(self, values: dict) -> None:
        with self.lock:
            for name in ("error_rate", "drop_rate", "lost_answer_rate", "delay"):
                if name in values:
                    setattr(self, name, max(0.0, float(values[name])))
            for name in ("duplicate_callbacks", "reorder_callbacks"):  # what the sandbox sends the agency
                if name in values:
                    setattr(self, name, bool(values[name]))
            if "seed" in values:
                self.rng = random.Random(values["seed"])

    def draw(self) -> str:
        """What happens to the next request: "", "error", "drop" (no answer, nothing kept) or "lost_answer" (kept,
        but the connection closes before the answer: the sender will send it again). A delay is slept by the caller."""
        with self.lock:
            roll = self.rng.random()
            for fault, rate in (
                ("drop", self.drop_rate),
                ("error", self.error_rate),
                ("lost_answer", self.lost_answer_rate),
            ):
                if roll < rate:
                    self.injected[fault] += 1
                    return fault
                roll -= rate
            if self.delay:
                self.injected["delay"] += 1
            return ""

    def state(self) -> dict:
        switches = {
            "error_rate": self.error_rate,
            "drop_rate": self.drop_rate,
            "lost_answer_rate": self.lost_answer_rate,
        }
        callbacks = {"duplicate_callbacks": self.duplicate_callbacks, "reorder_callbacks": self.reorder_callbacks}
        return {**switches, **callbacks, "delay": self.delay, **self.injected}
