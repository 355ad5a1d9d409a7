"""The ``fieldsvc`` command: one module per command group, thin like the API routes."""

from fieldsvc.cli.main import main

__all__ = ["main"]
