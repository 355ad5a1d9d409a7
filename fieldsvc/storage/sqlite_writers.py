"""One writer at a time for a SQLite file, queued in the operating system instead of polled.

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps
and polls (naps of up to 100 ms), so under load a writer can sleep long after the lock is free.
Here a session takes an exclusive ``flock`` on ``<database>.writers`` just before its first
flush and keeps it until its transaction ends (commit, rollback or close): waiting writers,
in this process or another worker, are woken by the kernel as soon as it is released. The
process dying releases it too. Writes that bypass the ORM session (``engine.begin()`` in the
CLI, migrations) do not queue here and still meet SQLite's busy timeout, as before.

Reads never take this lock. The pysqlite driver opens its transaction (``BEGIN``) only before
the first write, so the queue covers exactly the span in which SQLite's own write lock is held.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from fieldsvc.errors import FieldsvcError

LOCK_SUFFIX = ".writers"
SESSION_KEY = "fieldsvc_sqlite_writer_fd"
WAIT_LIMIT_S = 30.0  # as the busy_timeout: a writer that waits longer has a bug to show


class WriterQueueTimeout(FieldsvcError):
    """Another writer held the database for longer than ``WAIT_LIMIT_S``."""

    code = "database_busy"


#: One in-process lock per database file, so that two threads of this process queue in
#: Python with a timeout (a thread waiting on a lock its own other session holds must fail,
#: not hang); the flock then queues this process against the other workers.
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _lock_path(session: Session) -> str | None:
    bind = session.get_bind()
    url = getattr(bind, "url", None)
    if url is None or url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:"):
        return None  # one shared connection: nothing to queue
    return database + LOCK_SUFFIX


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


def join_queue(session: Session) -> None:
    """Take this session's turn now, for writes that bypass the ORM flush (Core statements)
    and so would not queue by themselves. A no-op unless the queue is installed, the database
    is a SQLite file and the session has no turn yet."""
    if event.contains(Session, "after_transaction_end", _end_turn):
        _take_turn(session)


def _take_turn(session: Session, *_args: Any) -> None:
    if SESSION_KEY in session.info:
        return
    path = _lock_path(session)
    if path is None:
        return
    process_lock = _process_lock(path)
    if not process_lock.acquire(timeout=WAIT_LIMIT_S):
        raise WriterQueueTimeout.of("database_busy", wait_s=WAIT_LIMIT_S)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        # The holder is another process making progress: blocking is safe (the GIL is freed).
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        process_lock.release()
        raise
    # Normally released when the transaction ends; the finalizer also releases it if a
    # session is dropped without being closed, so a forgotten session cannot stop all writers.
    session.info[SESSION_KEY] = weakref.finalize(session, _release, fd, process_lock)


def _release(fd: int, process_lock: threading.Lock) -> None:
    os.close(fd)  # releases the flock
    process_lock.release()


def _end_turn(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or SESSION_KEY not in session.info:
        return  # a savepoint ended, or this session never wrote
    session.info.pop(SESSION_KEY)()  # runs _release once


def install() -> None:
    """Queue the writers of every ORM session bound to a SQLite file (idempotent)."""
    if not event.contains(Session, "before_flush", _take_turn):
        event.listen(Session, "before_flush", _take_turn)
        event.listen(Session, "after_transaction_end", _end_turn)


def begin_writing(session: Session) -> None:
    """On SQLite, open the write transaction now (``BEGIN IMMEDIATE``, after this process's
    writers' queue). The driver would open it only at the first write, so reads before it
    happen outside, and each savepoint released outside a transaction is a commit of its own:
    a disk sync per row of a batch, and a batch no longer all-or-nothing on a crash. No-op on
    other databases (their transaction starts with the first statement)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    join_queue(session)
    connection = session.connection()
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")
