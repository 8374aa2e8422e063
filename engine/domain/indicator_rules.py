"""Reads the indicator groups of QĐ 766 from their data file (processes/indicators/qd766.yaml) into values of
`engine.domain.indicators`. Raises ValueError naming the file and the field at fault."""

from pathlib import Path

import yaml

from engine.domain.indicators import Group, Part


def load_groups(path: Path) -> tuple[Group, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        groups = []
        for number, item in enumerate(data["groups"], start=1):
            parts = tuple(
                Part(str(p["measure"]), float(p["points"]), float(p["full_at"]), str(p.get("source", "")))
                for p in item["parts"]
            )
            group = Group(str(item["key"]), str(item["name"]), float(item["points"]), parts, str(item.get("source")))
            if abs(sum(p.points for p in parts) - group.points) > 1e-9:
                raise ValueError(f"group {number} ({group.key}): its parts add up to {sum(p.points for p in parts)}")
            groups.append(group)
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return tuple(groups)
