"""The Prometheus text exposition, parsed: shared by the Python tests (Tests/Live, Tests/State)."""
import re

_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?\s*$')
_LABEL_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def parse_textfile(text):
    """[(name, {label: value}, float)] of a Prometheus text exposition; ValueError if malformed."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = _SAMPLE_RE.match(line)
        if not m:
            raise ValueError("unparsable textfile line: %r" % line)
        labels, body, pos = {}, m.group(3) or "", 0
        while pos < len(body):
            lm = _LABEL_RE.match(body, pos)
            if not lm:
                raise ValueError("unparsable labels: %r" % line)
            labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            pos = lm.end()
        out.append((m.group(1), labels, float(m.group(4))))
    return out
