#!/usr/bin/env python3
"""Print BuiltinPack.swift: the pattern files of a folder as Swift raw string literals.

The binary carries the default pack, so `logwarden scan` works from any directory.
`make pack` regenerates it; a test fails when it differs from rules/patterns.
"""
import os
import sys


def literal(text):
    hashes = "#"
    while ('"""' + hashes) in text:
        hashes += "#"
    # A multi-line literal drops the newline before its closing delimiter: add one back.
    return hashes + '"""\n' + text + "\n" + '"""' + hashes


def main(folder):
    names = sorted(n for n in os.listdir(folder) if n.endswith((".yml", ".yaml")))
    out = ["// Generated from rules/patterns by `make pack`; do not edit.",
           "enum BuiltinPack {",
           "    static let files: [(String, String)] = ["]
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            out.append(f'        ("{name}", {literal(f.read())}),')
    out += ["    ]", "}"]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "rules/patterns")
