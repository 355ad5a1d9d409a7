"""``python -m fieldsvc.resources sync|check``: copy the resources into the package, or list
what is out of step (see :mod:`fieldsvc.resources.sync`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from fieldsvc.maps.assets import AssetError
from fieldsvc.resources.sync import ResourceError, stale, sync


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fieldsvc.resources")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("sync", help="copy mobile_forms/, geodata/ and node_modules/ files in")
    sub.add_parser("check", help="list copies that differ from their sources (exit 1 if any)")
    args = parser.parse_args(argv)
    if args.command == "sync":
        try:
            sync()
        except (ResourceError, AssetError) as error:
            print(f"fieldsvc.resources: {error}", file=sys.stderr)
            return 1
        return 0
    differences = stale()
    for line in differences:
        print(line)
    if differences:
        print("run: python -m fieldsvc.resources sync", file=sys.stderr)
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
