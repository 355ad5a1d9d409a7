"""The ``fieldsvc`` command: the parser from each command group, one error handling.

Each group (``fieldsvc.cli.<group>``) adds its commands with ``register(sub)``; a command's
handler imports what it needs when it runs, so ``fieldsvc --help`` loads no science and no
database library.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.cli import (
    analysis,
    db,
    imports,
    labels,
    maps,
    open311,
    ops,
    province,
    reports,
    rounds,
    serve,
    subdistricts,
    users,
)
from fieldsvc.cli.console import fail
from fieldsvc.errors import FieldsvcError

if TYPE_CHECKING:
    from fieldsvc.config import Settings

Handler = Callable[[argparse.Namespace, "Settings"], int]

#: The command groups, in the order ``--help`` lists their commands.
GROUPS = (
    serve,
    db,
    analysis,
    maps,
    reports,
    labels,
    imports,
    users,
    rounds,
    open311,
    ops,
    subdistricts,
    province,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``fieldsvc`` parser with every command group's commands."""
    parser = argparse.ArgumentParser(
        prog="fieldsvc",
        description="ทะเบียนและสำรวจถังขยะ อบต. · Waste-bin survey and asset register. "
        "Settings come from FIELDSVC_* environment variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or file)."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        if settings is None:
            from fieldsvc.config import get_settings

            settings = get_settings()
        return handler(args, settings)
    except (FieldsvcError, AnalysisInputError) as exc:
        return fail(f"{exc.message_th} / {exc.message_en}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
