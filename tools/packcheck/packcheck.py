#!/usr/bin/env python3
"""packcheck -- throwaway validator for the logwarden pattern pack (rules/patterns/*.yaml).

Uses the real PCRE2 library (libpcre2-8 through ctypes, byte mode, no UTF flag,
JIT when available), so what compiles and matches here compiles and matches in
the Swift binary.  It approximates the record rules of DESIGN.md ("Records"):

  * a line continues the record before it when it starts with whitespace, is
    empty, or starts with `Traceback (most recent call last):`, `Caused by:`,
    `During handling of`, `The above exception`; inside a record that holds a
    Python traceback, every line without a leading timestamp continues it; a
    bare Java exception line (`java.net.ConnectException: ...`) continues too.
  * JSON lines (`{...}`) match `match` against MESSAGE/message/msg and
    `fields:` against the other top-level fields (values stringified).
  * Python tracebacks: the exception lines (first unindented line after the
    frames of each `Traceback` block) are tried first with all patterns, then
    the whole record.
  * first match in priority order (higher first, ties keep file order, files
    load in name order).

usage:
  packcheck.py check    [PACKDIR]                 validate schema, compile, examples/counterexamples
  packcheck.py classify PACKDIR FILE [--records]  per-class/per-pattern counts (+ every classified record)
  packcheck.py loghub   PACKDIR DIR               per-EventTemplate classification of a Loghub *_2k.log
  packcheck.py bench    PACKDIR LOG TRUTH         compare with gen_logs.py --truth (per record)
  packcheck.py labels   PACKDIR LOG LABELS.tsv    compare with a Tests/Fixtures/real/*.labels.tsv
  packcheck.py speed    PACKDIR FILE              time every pattern over FILE (records/s per pattern)
  packcheck.py cross    PACKDIR FILE [BINARY]     compare with `logwarden classify --output jsonl` (record bounds + pattern)

pcrebench.c (same folder) times every pattern with JIT in C, without ctypes overhead:
  cc -O2 -o /tmp/pcrebench pcrebench.c $(pkg-config --cflags --libs libpcre2-8)
"""
import ctypes
import ctypes.util
import csv
import glob
import json
import os
import re
import sys
import time

import yaml

# --------------------------------------------------------------------------- PCRE2
_lib = ctypes.CDLL(ctypes.util.find_library("pcre2-8") or "libpcre2-8.so.0")
_lib.pcre2_compile_8.restype = ctypes.c_void_p
_lib.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                 ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p]
_lib.pcre2_get_error_message_8.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
_lib.pcre2_match_data_create_from_pattern_8.restype = ctypes.c_void_p
_lib.pcre2_match_data_create_from_pattern_8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_lib.pcre2_match_8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                               ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
_lib.pcre2_get_ovector_pointer_8.restype = ctypes.POINTER(ctypes.c_size_t)
_lib.pcre2_get_ovector_pointer_8.argtypes = [ctypes.c_void_p]
_lib.pcre2_pattern_info_8.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p]
_lib.pcre2_jit_compile_8.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
INFO_CAPTURECOUNT, INFO_NAMECOUNT, INFO_NAMEENTRYSIZE, INFO_NAMETABLE = 4, 17, 18, 19


class PcreError(Exception):
    def __init__(self, msg, offset):
        super().__init__(msg)
        self.offset = offset


class Regex:
    def __init__(self, pattern):
        b = pattern.encode("utf-8")
        err, off = ctypes.c_int(), ctypes.c_size_t()
        self.code = _lib.pcre2_compile_8(b, len(b), 0, ctypes.byref(err), ctypes.byref(off), None)
        if not self.code:
            buf = ctypes.create_string_buffer(256)
            _lib.pcre2_get_error_message_8(err.value, buf, 256)
            raise PcreError(buf.value.decode(), off.value)
        self.jit = _lib.pcre2_jit_compile_8(self.code, 1) == 0
        self.md = _lib.pcre2_match_data_create_from_pattern_8(self.code, None)
        # named groups
        cnt, size, tab = ctypes.c_uint32(), ctypes.c_uint32(), ctypes.c_void_p()
        _lib.pcre2_pattern_info_8(self.code, INFO_NAMECOUNT, ctypes.byref(cnt))
        _lib.pcre2_pattern_info_8(self.code, INFO_NAMEENTRYSIZE, ctypes.byref(size))
        _lib.pcre2_pattern_info_8(self.code, INFO_NAMETABLE, ctypes.byref(tab))
        self.names = {}
        for i in range(cnt.value):
            raw = ctypes.string_at(tab.value + i * size.value, size.value)
            num = (raw[0] << 8) | raw[1]
            self.names[raw[2:].split(b"\0", 1)[0].decode()] = num

    def search(self, subject: bytes):
        """None, or dict of named captures (unset groups omitted)."""
        rc = _lib.pcre2_match_8(self.code, subject, len(subject), 0, 0, self.md, None)
        if rc < 0:
            if rc == -1:
                return None
            raise RuntimeError(f"pcre2_match error {rc}")
        ov = _lib.pcre2_get_ovector_pointer_8(self.md)
        caps = {}
        for name, num in self.names.items():
            if num < rc:
                s, e = ov[2 * num], ov[2 * num + 1]
                if s != ctypes.c_size_t(-1).value:
                    caps[name] = subject[s:e].decode("utf-8", "replace")
        return caps


# --------------------------------------------------------------------------- pack
CLASSES = ["undefined_column", "db_schema", "oauth_scope", "auth_failure", "timeout",
           "connection_refused", "http_5xx", "rate_limited", "other_error"]
SEVERITIES = ["critical", "high", "warning", "medium", "low", "info"]
KEYS = {"name", "class", "match", "severity", "priority", "labels", "fields", "metric",
        "max_series", "examples", "counterexamples"}
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
LABEL_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
RESERVED = {"pattern", "class", "severity", "input"}


class Pattern:
    pass


def load_pack(d, problems):
    files = sorted(glob.glob(os.path.join(d, "*.yaml")) + glob.glob(os.path.join(d, "*.yml")))
    pats, seen = [], {}
    order = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        if not isinstance(doc, dict) or set(doc) != {"patterns"} or not isinstance(doc["patterns"], list):
            problems.append(f"{f}: top level must be exactly {{patterns: [...]}}")
            continue
        for i, e in enumerate(doc["patterns"]):
            where = f"{os.path.basename(f)}[{i}]"
            if not isinstance(e, dict):
                problems.append(f"{where}: not a mapping"); continue
            extra = set(e) - KEYS
            if extra:
                problems.append(f"{where}: unknown keys {sorted(extra)}")
            p = Pattern()
            p.file, p.where, p.order = os.path.basename(f), where, order
            order += 1
            p.name = e.get("name")
            where = f"{where} {p.name}"
            if not isinstance(p.name, str) or not NAME_RE.match(p.name):
                problems.append(f"{where}: bad name")
            elif p.name in seen:
                problems.append(f"{where}: duplicate name (also {seen[p.name]})")
            seen[p.name] = p.where
            p.cls = e.get("class")
            if p.cls not in CLASSES:
                problems.append(f"{where}: class {p.cls!r} not in vocabulary")
            p.severity = e.get("severity")
            if p.severity not in SEVERITIES:
                problems.append(f"{where}: bad severity {p.severity!r}")
            p.priority = e.get("priority", 0)
            if not isinstance(p.priority, int):
                problems.append(f"{where}: priority must be an integer")
            p.labels = e.get("labels") or {}
            for k, v in p.labels.items():
                if not LABEL_RE.match(str(k)) or k in RESERVED or str(k).startswith("__"):
                    problems.append(f"{where}: bad static label {k!r}")
                if not isinstance(v, str):
                    problems.append(f"{where}: static label {k} value must be a string")
            p.match = None
            if e.get("match") is not None:
                try:
                    p.match = Regex(e["match"])
                except PcreError as ex:
                    problems.append(f"{where}: match does not compile at offset {ex.offset}: {ex}")
                    p.match = None
                if p.match:
                    for n in p.match.names:
                        if not LABEL_RE.match(n) or n in RESERVED or n.startswith("__"):
                            problems.append(f"{where}: capture name {n!r} is not allowed as a label")
                        if n in p.labels:
                            problems.append(f"{where}: capture {n!r} clashes with a static label")
                    if p.match.names and "max_series" not in e:
                        pass  # default cap applies in the binary
            p.fields = {}
            for k, v in (e.get("fields") or {}).items():
                try:
                    p.fields[k] = Regex(v)
                except PcreError as ex:
                    problems.append(f"{where}: fields.{k} does not compile at offset {ex.offset}: {ex}")
            if e.get("match") is None and not p.fields:
                problems.append(f"{where}: needs match or fields")
            p.examples = e.get("examples") or []
            p.counterexamples = e.get("counterexamples") or []
            if not p.examples:
                problems.append(f"{where}: no examples")
            pats.append(p)
    pats.sort(key=lambda p: (-p.priority if isinstance(p.priority, int) else 0, p.order))
    return pats


# --------------------------------------------------------------------------- records
TS_RE = re.compile(rb"^(?:\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d"
                   rb"|\[(?:\d|[A-Z][a-z]{2} )|\{|\d{9,}|<\d+>|\d{1,3}(?:\.\d{1,3}){3} |[0-9a-fA-F:]+:[0-9a-fA-F:]* - )")
CONT_RE = re.compile(rb"^(?:[ \t]|$|Traceback \(most recent call last\):|Caused by:|During handling of|The above exception)")
JAVA_EXC_RE = re.compile(rb"^[\w$.]*(?:Exception|Error|Throwable)\b(?::|$)")


def records(lines):
    """yield (first_line_no (1-based), [lines]) from a list of byte lines."""
    cur, start, in_tb = None, 0, False
    for i, ln in enumerate(lines, 1):
        cont = False
        if cur is not None:
            if CONT_RE.match(ln):
                cont = True
            elif not TS_RE.match(ln) and (in_tb or JAVA_EXC_RE.match(ln)):
                cont = True
        if cont:
            cur.append(ln)
            if ln.startswith(b"Traceback (most recent call last):"):
                in_tb = True
        else:
            if cur is not None:
                yield start, cur
            cur, start = [ln], i
            in_tb = b"Traceback (most recent call last):" in ln
    if cur is not None:
        yield start, cur


def exception_lines(lines):
    out, state = [], 0  # 0 outside, 1 in traceback frames
    for ln in lines:
        if ln.startswith(b"Traceback (most recent call last):") or ln.endswith(b"Traceback (most recent call last):"):
            state = 1
            continue
        if state == 1 and ln and not ln[:1].isspace():
            out.append(ln)
            state = 0
    return out


def subject_of(text: bytes):
    """(message bytes or None, fields dict or None)"""
    s = text.lstrip()
    if s.startswith(b"{") and b"\n" not in s.strip():
        try:
            d = json.loads(s)
        except Exception:
            d = None
        if isinstance(d, dict):
            msg = None
            for k in ("MESSAGE", "message", "msg"):
                if k in d:
                    v = d[k]
                    msg = v if isinstance(v, str) else (bytes(v).decode("utf-8", "replace") if isinstance(v, list) else json.dumps(v))
                    break
            fields = {}
            for k, v in d.items():
                if isinstance(v, str):
                    fields[k] = v
                elif isinstance(v, bool):
                    fields[k] = "true" if v else "false"
                elif isinstance(v, (int, float)):
                    fields[k] = str(v)
            return (msg.encode("utf-8") if msg is not None else b""), fields
    return text, None


def first_match(pats, subject, fields):
    for p in pats:
        if p.fields:
            if fields is None:
                continue
            ok = True
            for k, rx in p.fields.items():
                if k not in fields or rx.search(fields[k].encode("utf-8")) is None:
                    ok = False
                    break
            if not ok:
                continue
        if p.match is None:
            if p.fields:
                return p, {}
            continue
        caps = p.match.search(subject)
        if caps is not None:
            return p, caps
    return None, None


def classify_record(pats, lines):
    text = b"\n".join(lines)
    subject, fields = subject_of(text)
    if fields is None:
        exc = exception_lines(lines)
        if exc:
            p, caps = first_match(pats, b"\n".join(exc), None)
            if p:
                return p, caps
    return first_match(pats, subject, fields)


def read_lines(path):
    with open(path, "rb") as fh:
        data = fh.read()
    return [ln[:-1] if ln.endswith(b"\r") else ln for ln in data.split(b"\n")[:-1 if data.endswith(b"\n") else None]]


# --------------------------------------------------------------------------- commands
def cmd_check(d):
    problems = []
    pats = load_pack(d, problems)
    nex = ncx = 0
    for p in pats:
        for kind, items in (("example", p.examples), ("counterexample", p.counterexamples)):
            for ex in items:
                if not isinstance(ex, str):
                    problems.append(f"{p.where} {p.name}: {kind} is not a string: {ex!r}"); continue
                lines = ex.encode("utf-8").split(b"\n")
                got, caps = classify_record(pats, lines)
                if kind == "example":
                    nex += 1
                    if got is not p:
                        problems.append(f"{p.where} {p.name}: example classified as {got.name if got else None}: {ex[:160]!r}")
                    elif p.match and p.match.names:
                        missing = set(p.match.names) - set(caps)
                        if missing and not any("|" in n for n in missing):
                            pass
                else:
                    ncx += 1
                    if got is p:
                        problems.append(f"{p.where} {p.name}: counterexample matched: {ex[:160]!r}")
                # multi-line examples must be one record
                if len(list(records(lines))) != 1:
                    problems.append(f"{p.where} {p.name}: {kind} splits into several records: {ex[:80]!r}")
    byc = {}
    for p in pats:
        byc.setdefault(p.cls, []).append(p)
    print(f"{len(pats)} patterns, {nex} examples, {ncx} counterexamples, jit={all(p.match.jit for p in pats if p.match)}")
    for c in CLASSES:
        print(f"  {c:19} {len(byc.get(c, [])):3}  " + " ".join(p.name for p in byc.get(c, [])))
    for pr in problems:
        print("PROBLEM:", pr)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def classify_file(pats, path):
    lines = read_lines(path)
    out = []
    for start, rec in records(lines):
        p, caps = classify_record(pats, rec)
        out.append((start, rec, p, caps))
    return lines, out


def cmd_classify(d, path, show):
    problems = []
    pats = load_pack(d, problems)
    for pr in problems:
        print("PROBLEM:", pr)
    lines, recs = classify_file(pats, path)
    byc, byp = {}, {}
    for start, rec, p, caps in recs:
        c = p.cls if p else None
        byc[c] = byc.get(c, 0) + 1
        if p:
            byp[p.name] = byp.get(p.name, 0) + 1
        if show and p:
            print(f"{start}\t{p.cls}\t{p.name}\t{json.dumps(caps)}\t{rec[0][:150].decode('utf-8', 'replace')}")
    print(f"# {len(lines)} lines, {len(recs)} records")
    for c in CLASSES + [None]:
        if c in byc:
            print(f"# class {c}: {byc[c]}")
    for n, k in sorted(byp.items(), key=lambda x: -x[1]):
        print(f"#   {n}: {k}")


def cmd_loghub(d, folder):
    problems = []
    pats = load_pack(d, problems)
    name = os.path.basename(folder.rstrip("/"))
    log = os.path.join(folder, f"{name}_2k.log")
    st = os.path.join(folder, f"{name}_2k.log_structured.csv")
    lines = read_lines(log)
    tmpl = {}
    with open(st, newline="", encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh):
            tmpl[int(row["LineId"])] = (row["EventId"], row["EventTemplate"])
    agg = {}
    for i, ln in enumerate(lines, 1):  # Loghub: one record per line
        p, _ = classify_record(pats, [ln])
        ev = tmpl.get(i, ("?", "?"))
        key = (ev[0], ev[1])
        agg.setdefault(key, {})
        k = f"{p.cls}/{p.name}" if p else "-"
        agg[key][k] = agg[key].get(k, 0) + 1
    tot = {}
    for (eid, t), res in sorted(agg.items(), key=lambda x: int(x[0][0][1:]) if x[0][0][1:].isdigit() else 0):
        print(f"{eid:5} {sum(res.values()):5}  {', '.join(f'{k}={v}' for k, v in res.items()):45}  {t[:90]}")
        for k, v in res.items():
            c = k.split("/")[0]
            tot[c] = tot.get(c, 0) + v
    print("# totals:", tot)


BENCH_MAP = {"rate_limit": "rate_limited", "conn_refused": "connection_refused", "generic_error": "other_error"}


def cmd_bench(d, log, truth):
    problems = []
    pats = load_pack(d, problems)
    tl = [t.strip().split(",")[0] for t in open(truth, encoding="utf-8")]
    tl = [BENCH_MAP.get(t, t) for t in tl]
    lines, recs = classify_file(pats, log)
    conf, examples = {}, {}
    ours, theirs = {}, {}
    for start, rec, p, caps in recs:
        got = p.cls if p else "none"
        ours[got] = ours.get(got, 0) + 1
        tr = [tl[start - 1 + j] for j in range(len(rec))]
        for t in tr:
            theirs[t] = theirs.get(t, 0) + 1
        tset = [t for t in tr if t != "none"]
        if not tset:
            want = "none"
        elif got in tset:
            want = got
        else:
            want = "+".join(sorted(set(tset)))
        key = (want, got)
        conf[key] = conf.get(key, 0) + 1
        if want != got and key not in examples:
            examples[key] = (start, rec[0][:200].decode("utf-8", "replace"), p.name if p else None)
    print(f"# {len(lines)} lines, {len(recs)} records")
    print("# per-line truth counts :", dict(sorted(theirs.items())))
    print("# per-record our counts :", dict(sorted(ours.items())))
    agree = sum(v for (w, g), v in conf.items() if w == g)
    print(f"# records agreeing (our class among the truth labels of the record's lines): {agree}/{len(recs)}")
    for (w, g), v in sorted(conf.items(), key=lambda x: -x[1]):
        if w != g:
            print(f"DIFF truth={w:30} ours={g:20} n={v:5}  e.g. line {examples[(w, g)][0]} [{examples[(w, g)][2]}]: {examples[(w, g)][1]}")


def cmd_labels(d, log, tsv):
    problems = []
    pats = load_pack(d, problems)
    want = {}
    for row in open(tsv, encoding="utf-8"):
        if not row.strip() or row.startswith("#"):
            continue
        parts = row.rstrip("\n").split("\t")
        if not parts[0].isdigit():
            continue
        want[int(parts[0])] = (parts[1], parts[2] if len(parts) > 2 else "")
    lines, recs = classify_file(pats, log)
    ok = bad = 0
    seen = set()
    for start, rec, p, caps in recs:
        got = p.cls if p else None
        lab = [(start + j, want[start + j]) for j in range(len(rec)) if start + j in want]
        for ln, _ in lab:
            seen.add(ln)
        wcls = lab[0][1][0] if lab else None
        if len(lab) > 1:
            print(f"NOTE  record at line {start} has {len(lab)} labelled lines: {lab}")
        if wcls == got:
            if got:
                ok += 1
            continue
        bad += 1
        print(f"DIFF  line {start}: label={wcls} ours={got} [{p.name if p else None}] "
              f"{rec[0][:160].decode('utf-8', 'replace')}" + (f"  (note: {lab[0][1][1]})" if lab else ""))
    for ln in sorted(set(want) - seen):
        print(f"MISSING label line {ln} not found")
    print(f"# {os.path.basename(log)}: {len(recs)} records, {ok} labelled records agree, {bad} disagreements")


def cmd_speed(d, path):
    problems = []
    pats = load_pack(d, problems)
    lines = read_lines(path)
    subj = [subject_of(ln)[0] for ln in lines]
    res = []
    for p in pats:
        if not p.match:
            continue
        t0 = time.perf_counter()
        for s in subj:
            _lib.pcre2_match_8(p.match.code, s, len(s), 0, 0, p.match.md, None)
        res.append((time.perf_counter() - t0, p.name))
    base = min(t for t, _ in res)
    for t, n in sorted(res, reverse=True)[:15]:
        print(f"{n:40} {t * 1e9 / len(subj):8.0f} ns/record  ({t / base:4.1f}x fastest, includes ctypes overhead)")


def cmd_cross(d, path, binary):
    import subprocess
    problems = []
    pats = load_pack(d, problems)
    _, recs = classify_file(pats, path)
    ours = {start: (start + len(rec) - 1, p.name if p else None) for start, rec, p, caps in recs}
    out = subprocess.run([binary, "classify", "--rules", d, "--output", "jsonl", path],
                         capture_output=True, check=False)
    theirs = {}
    for ln in out.stdout.decode("utf-8", "replace").splitlines():
        r = json.loads(ln)
        theirs[r["line"]] = (r["end_line"], r["pattern"])
    diff = 0
    for k in sorted(set(ours) | set(theirs)):
        a, b = ours.get(k), theirs.get(k)
        if a is None or b is None or a[1] != b[1]:
            diff += 1
            if diff <= 15:
                print(f"DIFF line {k}: packcheck={a} logwarden={b}")
        elif a[0] != b[0]:
            pass  # same pattern, different record end (blank lines etc.)
    pc_n = sum(1 for v in ours.values() if v[1])
    lw_n = sum(1 for v in theirs.values() if v[1])
    print(f"# {os.path.basename(path)}: packcheck {len(ours)} records/{pc_n} classified, "
          f"logwarden {len(theirs)} records/{lw_n} classified, {diff} differing record starts/patterns")


def main(argv):
    if len(argv) < 2:
        print(__doc__); return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "check":
        return cmd_check(args[0] if args else os.path.join(os.path.dirname(__file__), "../../rules/patterns"))
    if cmd == "classify":
        return cmd_classify(args[0], args[1], "--records" in args)
    if cmd == "loghub":
        return cmd_loghub(args[0], args[1])
    if cmd == "bench":
        return cmd_bench(args[0], args[1], args[2])
    if cmd == "labels":
        return cmd_labels(args[0], args[1], args[2])
    if cmd == "cross":
        return cmd_cross(args[0], args[1], args[2] if len(args) > 2 else
                         os.path.join(os.path.dirname(__file__), "../../.build/debug/logwarden"))
    if cmd == "speed":
        return cmd_speed(args[0], args[1])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
