"""The engine's use cases, one module per responsibility; `engine.services.wiring` puts them together."""
