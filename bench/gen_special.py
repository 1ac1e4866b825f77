#!/usr/bin/env python3
"""Inputs for make bench's memory rows, written fast and deterministically.

usage: gen_special.py unique N OUT      N lines, each with a distinct request id (hex), 10 ms apart
       gen_special.py longline MB OUT   a few normal lines, one line of MB*10^6 bytes, a few more
"""
import sys

T0 = 1761559200000  # 2025-10-27T10:00:00Z


def stamp(ms):
    s, f = divmod(ms, 1000)
    d, r = divmod(s, 86400)
    h, r = divmod(r, 3600)
    m, s = divmod(r, 60)
    return f"2025-10-{27 + d:02d}T{h:02d}:{m:02d}:{s:02d}.{f:03d}Z"


def main(kind, n, out):
    with open(out, "w", encoding="ascii", newline="\n") as f:
        if kind == "unique":
            buf = []
            for i in range(n):
                buf.append(f"{stamp(T0 + 10 * i)} app-01 api: request failed id={i * 2654435761 % (1 << 40):010x}{i:x}\n")
                if len(buf) == 65536:
                    f.write("".join(buf))
                    buf.clear()
            f.write("".join(buf))
        elif kind == "longline":
            for i in range(3):
                f.write(f"{stamp(T0 + i)} [ERROR] [api] before the long line {i}\n")
            head = f"{stamp(T0 + 3)} [ERROR] [api] payload: "
            f.write(head)
            block = "x" * (1 << 20)
            left = n * 1_000_000 - len(head)
            while left > 0:
                f.write(block[:min(left, len(block))])
                left -= len(block)
            f.write("\n")
            for i in range(3):
                f.write(f"{stamp(T0 + 4 + i)} [ERROR] [api] after the long line {i}\n")
        else:
            sys.exit(__doc__)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
