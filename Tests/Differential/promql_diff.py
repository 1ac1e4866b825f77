#!/usr/bin/env python3
"""Differential test: PromQL answers and rule outputs of logwarden against `promtool test rules`.

The scenarios of issue 23 (part 8), where logwarden's answer used to differ from
Prometheus 2.42's: inline `(?i)` in anchored regexes, empty rule labels, recording
rules sharing a name, `$labels.__name__`, rules reading ALERTS and
ALERTS_FOR_STATE, `sum by (__name__)` after increase(), and the arithmetic of
rate(), sum() and avg().  The machinery (log and series generation, promtool
runs, the negative control, --promtool-only) is promtool_diff.py's; see
Tests/Differential/README.md.

Where increase()/rate() appear, the series used exist from minute 0 (capture-less
patterns), so promtool has a sample at both ends of every 1m window and its
extrapolation factor is exactly 1: both engines then compute the same thing.
Options as promtool_diff.py: --bin PATH, -k SUBSTRING, --keep DIR, -v, --promtool-only.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promtool_diff import L, M, R, main  # noqa: E402


def REC(record, expr, labels=None):
    r = {"record": record, "expr": expr}
    if labels:
        r["labels"] = labels
    return r


SCENARIOS = [
    dict(
        name="inline_caseless_regex",
        doc="(?i) and [wW] in anchored label matchers; a pattern '^(?i)error ...' on an upper-case message",
        n=6,
        series={"job_failed{host=WEB1}": "_ _ 1 1 2",
                "shout{host=db1}": "_ 1 1 2 3"},
        rules=[R("CaselessHost", f'{M}{{pattern="job_failed", host=~"(?i)web1"}} > 0'),
               R("CaselessPrefix", f'{M}{{host=~"(?i)w.+"}} > 0'),
               R("ClassHost", f'{M}{{host=~"[wW]EB1"}} > 0'),
               R("JobStuck", f'{M}{{pattern="shout"}} > 0')],
        expect={"CaselessHost": [(L("job_failed", host="WEB1"), "2-6")],
                "CaselessPrefix": [(L("job_failed", host="WEB1"), "2-6")],
                "ClassHost": [(L("job_failed", host="WEB1"), "2-6")],
                "JobStuck": [(L("shout", host="db1"), "1-6")]},
    ),
    dict(
        name="empty_rule_labels",
        doc="a rule label that is or expands to '' removes the label (the series' own too); "
            "so does a recording rule's '' label",
        n=5,
        series={"job_failed{host=a}": "_ 1 1 1 2"},
        rules=[REC("lw:job_failed", f'{M}{{pattern="job_failed"}}', labels={"severity": "", "source": "lw"}),
               R("EmptyLabels", f'{M}{{pattern="job_failed"}} > 0',
                 labels={"severity": "", "team": "{{ $labels.nosuch }}", "where": "host {{ $labels.host }}"}),
               R("TemplatedAway", f'{M}{{pattern="job_failed"}} > 0', labels={"host": "{{ $labels.nosuch }}"}),
               R("RecordedEmpty", "lw:job_failed > 0")],
        expect={"EmptyLabels": [({"class": "other_error", "pattern": "job_failed", "host": "a",
                                  "where": "host a"}, "1-5")],
                "TemplatedAway": [(L("job_failed"), "1-5")],
                "RecordedEmpty": [({"class": "other_error", "pattern": "job_failed", "host": "a",
                                    "source": "lw"}, "1-5")]},
    ),
    dict(
        name="recording_rules_share_a_name",
        doc="two recording rules named lw:errors give two series, told apart by their labels",
        n=5,
        series={"job_failed{host=a}": "_ 1 1 2",
                "disk_full": "0 0 0 1"},
        rules=[REC("lw:errors", f'sum({M}{{pattern="job_failed"}})', labels={"src": "jobs"}),
               REC("lw:errors", f'sum({M}{{pattern="disk_full"}})', labels={"src": "disk"}),
               R("ErrorsBySource", "lw:errors > 0")],
        expect={"ErrorsBySource": [({"src": "jobs"}, "1-5"), ({"src": "disk"}, "3-5")]},
    ),
    dict(
        name="rules_read_alerts",
        doc="ALERTS and ALERTS_FOR_STATE as of the latest evaluation: a later rule of the group sees "
            "this evaluation's, an earlier one the previous; a label templated to '' keeps its template in ALERTS",
        n=8,
        series={"disk_full": "0 0 1 1 1 1 1 1 1",
                "timeout": "0 0 0 0 0 0 1"},
        rules=[R("EarlyReader", 'ALERTS{alertname="DiskFull"}'),
               R("DiskFull", f'{M}{{pattern="disk_full"}} > 0 unless on() {M}{{pattern="timeout"}} > 0',
                 for_="2m", labels={"team": "ops", "tmpl": "{{ $labels.nosuch }}"}),
               R("ReadsPending", 'ALERTS{alertname="DiskFull", alertstate="pending"}'),
               R("ReadsFiring", 'ALERTS{alertname="DiskFull", alertstate="firing"} == 1'),
               R("ActiveFor", 'time() - ALERTS_FOR_STATE{alertname="DiskFull"} >= 120'),
               R("NoDiskAlert", 'absent(ALERTS{alertname="DiskFull", alertstate="firing"})')],
        expect={"EarlyReader": [({**L("disk_full"), "alertstate": "pending", "team": "ops",
                                  "tmpl": "{{ $labels.nosuch }}"}, "3-4"),
                                ({**L("disk_full"), "alertstate": "firing", "team": "ops",
                                  "tmpl": "{{ $labels.nosuch }}"}, "5-6")],
                "DiskFull": [({**L("disk_full"), "team": "ops"}, "4-5")],
                "ReadsPending": [({**L("disk_full"), "alertstate": "pending", "team": "ops",
                                   "tmpl": "{{ $labels.nosuch }}"}, "2-3")],
                "ReadsFiring": [({**L("disk_full"), "alertstate": "firing", "team": "ops",
                                  "tmpl": "{{ $labels.nosuch }}"}, "4-5")],
                "ActiveFor": [({**L("disk_full"), "team": "ops", "tmpl": "{{ $labels.nosuch }}"}, "4-5")],
                "NoDiskAlert": [({"alertstate": "firing"}, "0-3 6-8")]},
    ),
    dict(
        name="nameless_selector_reads_alerts",
        doc="{pattern=...} selects every series with the label, ALERTS and ALERTS_FOR_STATE included; "
            "increase() of it counts the counters (ALERTS never increase here)",
        n=6,
        series={"timeout": "0 0 1 1 2"},
        rules=[R("Writer", f'{M}{{pattern="timeout"}} > 0'),
               R("ByLabel", 'count({pattern="timeout"}) >= 3'),
               R("RangeByLabel", 'increase({pattern="timeout"}[1m]) > 0')],
        expect={"Writer": [(L("timeout"), "2-6")],
                "ByLabel": [({}, "2-6")],
                "RangeByLabel": [(L("timeout"), "2 4")]},
    ),
    dict(
        name="alerts_across_groups",
        doc="groups run in file order at each instant: a rule reads an earlier group's ALERTS of this "
            "instant, a later group's of the instant before",
        n=5,
        series={"disk_full": "0 0 1"},
        groups=[("first", [R("ReadsSecond", 'ALERTS{alertname="Second"}'),
                           R("First", f'{M}{{pattern="disk_full"}} > 0')]),
                ("second", [R("Second", f'{M}{{pattern="disk_full"}} > 0'),
                            R("ReadsFirst", 'ALERTS{alertname="First"}')])],
        expect={"ReadsSecond": [({**L("disk_full"), "alertstate": "firing"}, "3-5")],
                "First": [(L("disk_full"), "2-5")],
                "Second": [(L("disk_full"), "2-5")],
                "ReadsFirst": [({**L("disk_full"), "alertstate": "firing"}, "2-5")]},
    ),
    dict(
        name="name_label_in_templates",
        doc="$labels.__name__ is the metric name where the element keeps it (a filter, sum by (__name__)), "
            "empty where arithmetic dropped it",
        n=5,
        series={"disk_full": "0 0 1 1 2"},
        rules=[R("NameOfSelector", f'{M}{{pattern="disk_full"}} > 0',
                 labels={"metric": "{{ $labels.__name__ }}"},
                 annotations={"name": "[{{ $labels.__name__ }}]"}),
               R("NameKeptBySumBy", f'sum by (__name__, pattern) ({M}{{pattern="disk_full"}}) > 0',
                 annotations={"name": "[{{ $labels.__name__ }}]"}),
               R("NameDroppedByArithmetic", f'{M}{{pattern="disk_full"}} * 1 > 0',
                 annotations={"name": "[{{ $labels.__name__ }}]"})],
        expect={"NameOfSelector": [({**L("disk_full"), "metric": M}, "2-5", {"name": f"[{M}]"})],
                "NameKeptBySumBy": [({"pattern": "disk_full"}, "2-5", {"name": f"[{M}]"})],
                "NameDroppedByArithmetic": [(L("disk_full"), "2-5", {"name": "[]"})]},
    ),
    dict(
        name="sum_by_name_after_increase",
        doc="increase() drops the name, so sum by (__name__) gives one group without a name",
        n=7,
        series={"disk_full": "0 0 1 1 3",
                "timeout": "0 1 1 1 1 2"},
        rules=[R("NamelessGroup", f'sum by (__name__) (increase({M}{{pattern=~"disk_full|timeout"}}[1m])) > 0',
                 annotations={"name": "[{{ $labels.__name__ }}]"}),
               R("NamelessGroupMatches",
                 f'sum by (__name__) (increase({M}{{pattern=~"disk_full|timeout"}}[1m])) > 0 and on(__name__) vector(1)'),
               R("NamelessCount", f'count by (__name__) (increase({M}{{pattern=~"disk_full|timeout"}}[1m]) > 0) >= 1 '
                                  f'and on(__name__) vector(1)')],
        expect={"NamelessGroup": [({}, "1-2 4-5", {"name": "[]"})],
                "NamelessGroupMatches": [({}, "1-2 4-5")],
                "NamelessCount": [({}, "1-2 4-5")]},
    ),
    dict(
        name="aggregation_arithmetic",
        doc="rate() is increase × (1/range), sum() adds the elements left to right, avg() keeps a running "
            "mean: each threshold sits on the value a different arithmetic gives",
        n=8,
        series={"disk_full": "0 0 1 1 1 1 2 2 2",
                "timeout": "0 0 5 5 28 28 39 39 40",
                "queue_full": "0 0 0 0 0 0 0 0 6"},
        rules=[R("SumOfRates", f'sum(rate({M}{{pattern=~"disk_full|timeout"}}[1m])) >= 0.1'),
               R("SumOfRatesBelow", f'sum(rate({M}{{pattern=~"disk_full|timeout"}}[1m])) >= 0.09999999999999999'),
               R("SumByOfRates", f'sum without (class, pattern, severity) (rate({M}{{pattern=~"disk_full|timeout"}}[1m])) >= 0.1'),
               R("RateFactor", f'rate({M}{{pattern="timeout"}}[1m]) >= 0.38333333333333336'),
               R("RateFactorBelow", f'rate({M}{{pattern="timeout"}}[1m]) >= 0.3833333333333333'),
               R("MaxOfRates", f'max(rate({M}{{pattern=~"disk_full|timeout"}}[1m])) >= 0.38333333333333336'),
               R("MinOfRates", f'min(rate({M}{{pattern=~"disk_full|timeout"}}[1m])) > 0'),
               R("CountOfRates", f'count(rate({M}{{pattern=~"disk_full|timeout"}}[1m]) > 0) == 2'),
               R("AvgOfRates", f'avg(rate({M}{{pattern=~"disk_full|timeout"}}[1m])) >= 0.1'),
               R("AvgOfIncreases",
                 f'avg(increase({M}{{pattern=~"disk_full|timeout|queue_full"}}[1m])) >= 2.3333333333333335')],
        expect={"SumOfRates": [({}, "4 6")],
                "SumOfRatesBelow": [({}, "2 4 6")],
                "SumByOfRates": [({}, "4 6")],
                "RateFactor": [],
                "RateFactorBelow": [(L("timeout"), "4")],
                "MaxOfRates": [],
                "MinOfRates": [({}, "2 6")],
                "CountOfRates": [({}, "2 6")],
                "AvgOfRates": [({}, "4")],
                "AvgOfIncreases": [({}, "4 6")]},
    ),
]


if __name__ == "__main__":
    sys.exit(main(scenarios=SCENARIOS, doc=__doc__))
