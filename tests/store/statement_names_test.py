#!/usr/bin/env python3
"""Issue 14: every named SQL statement in the server has its own name.

Statements are prepared per connection on first use, by name (server/store/pg.h). Two statements
with one name fail loudly when both are prepared in one process (CheckStatementName), but only
then: a pair that never runs in the same loketd would go unnoticed until it did. This test reads
every `Statement kX{"name", ...}` under server/ and fails on a name given twice, naming both
places, so the clash is caught before anything starts.

Usage: statement_names_test.py SOURCE_DIR
"""
import collections
import pathlib
import re
import sys

DEFINITION = re.compile(r'\bStatement\s+(\w+)\s*\{\s*"([^"]+)"')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    places = collections.defaultdict(list)
    for path in sorted((root / "server").rglob("*")):
        if path.suffix not in (".cc", ".h"):
            continue
        text = path.read_text(encoding="utf-8")
        for m in DEFINITION.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            places[m.group(2)].append(f"{path.relative_to(root)}:{line} ({m.group(1)})")
    if not places:
        print(f"FAIL: no statement definitions found under {root / 'server'}")
        return 1
    clashes = {name: where for name, where in places.items() if len(where) > 1}
    for name, where in sorted(clashes.items()):
        print(f'FAIL: statement name "{name}" is given {len(where)} times: ' + ", ".join(where))
    if clashes:
        return 1
    print(f"PASS: {len(places)} statements, each with its own name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
