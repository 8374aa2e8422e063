"""The postal service over HTTP: signed JSON to the postal operator (or its sandbox, `motcua sandbox postal`).

POST /api/orders: a pickup order at the agency (order number = dossier code, sender = the agency, receiver = the
applicant, COD amount), with the Idempotency-Key header; the operator keeps one order per key.
"""

from adapters.signed_http import SignedClient


class HttpPostalService:
    def __init__(self, url: str, secret: str, partner: str, timeout: float = 10.0):
        self.client = SignedClient(url, secret, partner, timeout)
        self.agency_code = partner

    def order_pickup(self, order: dict, idempotency_key: str) -> None:
        body = {key: value for key, value in order.items() if key != "code"}
        self.client.post("/api/orders", {**body, "sender": {"agency_code": self.agency_code}}, idempotency_key)
