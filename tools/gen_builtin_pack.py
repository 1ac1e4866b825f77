#!/usr/bin/env python3
"""Print BuiltinPack.swift: the default pattern and alert rule files as Swift raw string literals.

The binary carries the default pack, patterns (rules/patterns) and alert rules (rules/alerts),
so `logwarden scan` counts and alerts the same from any directory. `make pack` regenerates it
into Sources/LogwardenKit/Generated/; a test fails when it differs from rules/.
"""
import os
import sys

FOLDERS = ("patterns", "alerts")


def literal(text):
    hashes = "#"
    while ('"""' + hashes) in text:
        hashes += "#"
    # A multi-line literal drops the newline before its closing delimiter: add one back.
    return hashes + '"""\n' + text + "\n" + '"""' + hashes


def main(root):
    out = ["// Generated from rules/patterns and rules/alerts by `make pack`; do not edit.",
           "enum BuiltinPack {",
           "    /// (path under rules/, text), folder by folder, files in name order.",
           "    static let files: [(String, String)] = ["]
    for folder in FOLDERS:
        path = os.path.join(root, folder)
        for name in sorted(n for n in os.listdir(path) if n.endswith((".yml", ".yaml"))):
            with open(os.path.join(path, name), encoding="utf-8") as f:
                out.append(f'        ("{folder}/{name}", {literal(f.read())}),')
    out += ["    ]", "}"]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "rules")
