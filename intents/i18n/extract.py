"""Every msgid the code says: an AST scan for ``t("...")`` and ``N_("...")`` calls.

``python -m intents.i18n.extract`` prints each msgid once (sorted, one per line, newlines escaped);
``--missing LANG`` prints only those LANG has no translation for, as a YAML mapping ready to fill in
(msgid: English), so a translator starts from exactly what is missing.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from intents.i18n.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent.parent
SCANNED = ("intents", "agent")  # packages whose replies go through the catalogue
MARKERS = frozenset({"t", "N_"})


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def scan_source(source: str, where: str = "<string>") -> dict[str, list[str]]:
    """msgid -> ["file:line", ...] for every marker call whose first argument is a string literal."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in MARKERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, []).append(f"{where}:{node.lineno}")
    return found


def msgids(paths: Iterable[Path] | None = None) -> dict[str, list[str]]:
    """Every msgid in the scanned packages (or ``paths``), with where it is used."""
    files = list(paths) if paths is not None else [
        f for pkg in SCANNED for f in sorted((ROOT / pkg).rglob("*.py"))
    ]
    out: dict[str, list[str]] = {}
    for path in files:
        where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        for msgid, lines in scan_source(path.read_text(encoding="utf-8"), where).items():
            out.setdefault(msgid, []).extend(lines)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents.i18n.extract", description=__doc__)
    parser.add_argument("--missing", metavar="LANG", help="only msgids LANG lacks, as YAML to fill in")
    args = parser.parse_args(argv)
    found = msgids()
    if args.missing:
        have = load_catalogue(args.missing).messages
        for msgid in sorted(m for m in found if m not in have):
            # a JSON string is a YAML double-quoted scalar: one line per entry, however long
            quoted = json.dumps(msgid, ensure_ascii=False)
            sys.stdout.write(f"{quoted}: {quoted}\n")
        return 0
    for msgid in sorted(found):
        print(msgid.replace("\n", "\\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
