"""Legal bases stored as YAML files, one per basis (the shipped ones are processes/legal/*.yaml).

Kept apart from `engine.domain.legal_basis` so that the values stay free of file formats and of PyYAML. The format is
that of processes/legal/nd118-2025.yaml; every rule parameter carries a `source` (article and clause, or why the
text could not be found).
"""

from functools import lru_cache
from pathlib import Path

import yaml

from engine.domain.errors import ValidationError
from engine.domain.legal_basis import LegalBases, LegalBasisError, build_legal_basis

SHIPPED_LEGAL_DIR = Path(__file__).resolve().parents[2] / "processes" / "legal"


def load_legal_bases(folder: str | Path = SHIPPED_LEGAL_DIR) -> LegalBases:
    """Read and validate every `*.yaml` of `folder`. Raises ValidationError naming the file and the field: unreadable
    YAML, a missing or unknown key, a rule without its source, a form meaning missing, two bases with one id or date,
    a folder with no basis."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ValidationError(f"{folder}: không có căn cứ pháp lý nào (*.yaml) / no legal basis files")
    bases = []
    for path in files:
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ValidationError(f"{path}: YAML không đọc được / not valid YAML: {error}")
        if not isinstance(entry, dict):
            raise ValidationError(f"{path}: expected a mapping (id, name, effective_from, form_set, rules, ...)")
        try:
            basis = build_legal_basis(entry)
        except LegalBasisError as error:
            raise ValidationError(f"{path}: {error.field}: {error.problem}", {error.field: error.problem})
        if basis.id != path.stem:
            raise ValidationError(
                f"{path}: id {basis.id!r} must be the file's name ({path.stem!r})", {"id": "file name"}
            )
        bases.append(basis)
    try:
        return LegalBases(bases)
    except LegalBasisError as error:
        raise ValidationError(f"{folder}: {error.field}: {error.problem}", {error.field: error.problem})


@lru_cache(maxsize=4)
def shipped_legal_bases(folder: Path = SHIPPED_LEGAL_DIR) -> LegalBases:
    """The legal bases of `folder`, read once."""
    return load_legal_bases(folder)
