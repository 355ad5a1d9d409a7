"""Database sessions for the callers of the use cases (a web request, a command)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session


def open_session(engine: Engine) -> Session:
    """A session whose rows stay readable after a use case commits (``expire_on_commit`` off:
    an answer is shaped from them without another query)."""
    return Session(engine, expire_on_commit=False)
