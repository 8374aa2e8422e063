"""The public postal service (BCCI): adapters and the sandbox."""
