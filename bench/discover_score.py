#!/usr/bin/env python3
"""Template discovery scored on real logs: grouping accuracy on every Loghub 2k dataset.

Data: Loghub (https://github.com/logpai/loghub) -- Jieming Zhu, Shilin He, Pinjia He,
Jinyang Liu, Michael R. Lyu. "Loghub: A Large Collection of System Log Datasets for
AI-driven Log Analytics". ISSRE 2023. The 2k samples sit in ../shared/corpus/loghub.

Grouping accuracy is Loghub's standard metric: a record counts as correct when the group
it was put in holds exactly the records of its ground-truth EventId group. Scored here:
  - logwarden on the `Content` column of the structured CSV (the message alone),
  - logwarden on the raw `.log` lines (it must find the message behind the header),
  - Drain3 with default settings on `Content`, in the same run.
logwarden runs with an empty rules directory (nothing classified, every record mined),
`--no-multiline` (one record per line), and writes `--assignments`. No per-dataset settings.

usage: discover_score.py [--bin .build/release/logwarden] [--corpus DIR] [--markdown FILE]
"""
import argparse, collections, csv, datetime, importlib.metadata, logging, os, subprocess, sys, tempfile

DATASETS = ["Android", "Apache", "BGL", "HDFS", "HPC", "Hadoop", "HealthApp", "Linux", "Mac",
            "OpenSSH", "OpenStack", "Proxifier", "Spark", "Thunderbird", "Windows", "Zookeeper"]


def grouping_accuracy(truth, predicted):
    """Loghub's evaluator: the records of each predicted group count when the group is
    exactly one ground-truth group."""
    sizes = collections.Counter(truth)
    groups = collections.defaultdict(list)
    for i, p in enumerate(predicted):
        groups[p].append(i)
    correct = 0
    for members in groups.values():
        events = {truth[i] for i in members}
        if len(events) == 1 and sizes[truth[members[0]]] == len(members):
            correct += len(members)
    return correct / len(truth)


def load(corpus, name):
    with open(f"{corpus}/{name}/{name}_2k.log_structured.csv", encoding="utf-8", errors="replace", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(f"{corpus}/{name}/{name}_2k.log", "rb") as f:
        raw = f.read().split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    return [r["Content"] for r in rows], [r["EventId"] for r in rows], raw


def logwarden(binary, path, rules, work, n):
    out = os.path.join(work, "assignments.tsv")
    subprocess.run([binary, "discover", "--rules", rules, "--no-multiline", "--assignments", out, path],
                   check=True, stdout=subprocess.DEVNULL)
    ids = {}
    with open(out) as f:
        for row in f:
            line, tid = row.rstrip("\n").split("\t")
            ids[int(line)] = tid
    # A line that framed as no record (an empty line) is its own group.
    return [ids.get(i + 1, f"none-{i}") for i in range(n)]


def drain3(contents):
    from drain3 import TemplateMiner
    logging.disable(logging.CRITICAL)
    miner = TemplateMiner()
    return [miner.add_log_message(c)["cluster_id"] for c in contents]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(root, ".build/release/logwarden"))
    ap.add_argument("--corpus", default=os.path.join(root, "../shared/corpus/loghub"))
    ap.add_argument("--markdown", help="also write the table here")
    args = ap.parse_args()
    try:
        drain3_version = importlib.metadata.version("drain3")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("discover_score: drain3 is not installed (pip install drain3, or make bench-discover)")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        rules = os.path.join(work, "no-rules")
        os.mkdir(rules)
        for name in DATASETS:
            contents, truth, raw = load(args.corpus, name)
            content_path = os.path.join(work, "content.log")
            with open(content_path, "w", encoding="utf-8") as f:
                f.write("\n".join(contents) + "\n")
            raw_path = os.path.join(args.corpus, name, f"{name}_2k.log")
            scores = (grouping_accuracy(truth, logwarden(args.bin, content_path, rules, work, len(truth))),
                      grouping_accuracy(truth, logwarden(args.bin, raw_path, rules, work, len(truth))),
                      grouping_accuracy(truth, drain3(contents)))
            rows.append((name,) + scores)
            print(f"{name:12s} " + " ".join(f"{s:.3f}" for s in scores), file=sys.stderr)
    means = [sum(r[i] for r in rows) / len(rows) for i in (1, 2, 3)]
    wins = sum(1 for r in rows if r[1] > r[3])
    ties = sum(1 for r in rows if r[1] == r[3])
    lines = [f"Run {datetime.date.today().isoformat()}, drain3 {drain3_version} (default settings), "
             f"logwarden `discover` with no per-dataset settings.", "",
             "| dataset | logwarden Content | logwarden raw | Drain3 Content |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} |")
    lines.append(f"| **mean** | **{means[0]:.3f}** | **{means[1]:.3f}** | **{means[2]:.3f}** |")
    lines += ["", f"logwarden (Content) is above Drain3 on {wins} of {len(rows)} datasets, equal on {ties}."]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
