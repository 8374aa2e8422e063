"""Fees paid at the counter: how the payment stored with a dossier says so, and the number of its receipt."""

COUNTER_PAYMENT = "counter"  # payment["method"] of a fee the one-stop officer collected (the portal's has none)
COUNTER_CHANNEL = 1  # a dossier handed in at the counter (its fee, when ticked at reception, was paid there)


def receipt_number(code: str) -> str:
    """The number of the fee receipt of dossier `code`: one receipt per dossier, so the dossier's code names it
    ("H15.50.05.13-260302-0001" -> "BL-H15.50.05.13-260302-0001")."""
    return f"BL-{code}"
