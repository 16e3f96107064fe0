#!/usr/bin/env python3
"""`make bench`: klynge against its peers on the reference questions Q1-Q3, in one run.

    python3 Bench/bench.py --klynge .build/release/klynge [--rows 10000000] [--runs 3] [--warmup 1]
                           [--peers duckdb-cli,duckdb-py,polars,pandas,sqlite3-cli] [--json out.json]

The data come from ../shared/bench/gen_data.py (made when missing, in $BENCH_DATA or
/tmp/benchdata); the peers and the checks of their answers from ../shared/bench/bench_peers.py,
imported, so klynge and the peers run the same questions on the same files. Cold runs alternate:
each round runs every engine on every question once, in a fresh process (what a user does on the
first question of the day), so a slow minute of the machine hits all engines alike. Hot runs: one
process per engine loads the data, then answers each question several times; klynge's are read
from `.timer on`. Every engine's answers are checked against DuckDB's (or klynge's, without
DuckDB). Prints one table of medians, the ratio of each to DuckDB's CLI, and peak RSS.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(HERE), "..", "shared", "bench")
sys.path.insert(0, os.path.abspath(SHARED))
import bench_peers as peers  # noqa: E402  (the shared benchmark: SQL, peers, answer checks)

# Cold means parsing the CSV files: the load cache of unchanged files is off.
LOAD = 'set cache off\nload billing "{data}/billing.csv"\nload practices "{data}/practices.csv"\n'
# klynge's statements for each question, one per line; a question's time is the sum of its
# statements' (Q2 and Q3 need the palliation counts as a named dataset, since join takes a name).
PALLIATION = ("let palliation = billing | where service_code in ({codes}) and service_date >= @{year}-01-01 "
              "and service_date < @{next}-01-01 | summarize services = sum(count) by practice_id")
RATES = ("practices | join left palliation on practice_id | derive services = coalesce(services, 0) "
         "| derive rate = 1000 * services / listed_patients")
STATEMENTS = {
    "q1": ["billing | summarize n = count() by service_code | sort service_code"],
    "q2": [PALLIATION, RATES + " | select practice_id, cluster, listed_patients, services, rate | sort rate desc, practice_id"],
    "q3": [PALLIATION, "let rates = " + RATES,
           "let region = rates | summarize region_rate = 1000 * sum(services) / sum(listed_patients) | derive one = 1",
           "rates | summarize practices = count(), mean = mean(rate), median = median(rate), min = min(rate), max = max(rate), "
           "cv = sd(rate) / mean(rate), cluster_rate = 1000 * sum(services) / sum(listed_patients) by cluster "
           "| derive one = 1 | join region on one "
           "| select cluster, practices, mean, median, min, max, cv, cluster_rate, region_rate | sort cluster"],
}


def statements(q, year, codes):
    fill = {"codes": ", ".join(f'"{c}"' for c in codes), "year": year, "next": year + 1}
    return [line.format(**fill) for line in STATEMENTS[q]]


def klynge_script(data, q, year, codes, hot=False, repeats=1):
    """The statements of one cold run (load, then one question), or of a hot run (each question repeated)."""
    body = LOAD.format(data=data)
    if hot:
        body += "set timer on\n"
        for qq in ("q1", "q2", "q3"):
            body += ("\n".join(statements(qq, year, codes)) + "\n") * repeats
        return body
    return body + "\n".join(statements(q, year, codes)) + "\n"


def run_klynge(binary, data, q, year, codes, result):
    script = klynge_script(data, q, year, codes)
    with tempfile.NamedTemporaryFile("w", suffix=".klynge", delete=False) as f:
        f.write(script)
    try:
        wall, stats, stdout = peers.timed([binary, f.name, "--format", "csv", "--no-history"])
    finally:
        os.unlink(f.name)
    rows = stdout.splitlines()[1:]   # the header is klynge's; bench_peers' files have none
    with open(result, "w", encoding="utf-8") as out:
        out.write("\n".join(rows) + ("\n" if rows else ""))
    return wall, stats


def hot_klynge(binary, data, year, codes, warmup, runs):
    script = klynge_script(data, None, year, codes, hot=True, repeats=warmup + runs)
    with tempfile.NamedTemporaryFile("w", suffix=".klynge", delete=False) as f:
        f.write(script)
    try:
        p = subprocess.run([binary, f.name, "--format", "csv", "--no-history"], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    times = [float(t) for t in re.findall(r"time: ([0-9.]+) s", p.stderr)]
    n = warmup + runs
    out, k = {}, 0
    for q in ("q1", "q2", "q3"):
        per = len(STATEMENTS[q])
        sums = [sum(times[k + i * per:k + (i + 1) * per]) for i in range(n)]
        k += n * per
        out[q] = sums[warmup:]
    return out


def ensure_data(rows, seed=1):
    root = os.environ.get("BENCH_DATA", os.path.join(tempfile.gettempdir(), "benchdata"))
    label = f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"{rows // 1000}k"
    folder = os.path.join(root, label)
    if not os.path.exists(os.path.join(folder, "manifest.json")):
        print(f"making {rows:,} rows in {folder} …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_data.py"), "--rows", str(rows), "--seed", str(seed),
                        "--out", folder, "--quiet"], check=True)
    return folder


def available(peer):
    if peer in peers.CLI_PEERS:
        return subprocess.run(["which", peers.cli_command(peer)[0]], capture_output=True).returncode == 0
    module = {"duckdb-py": "duckdb", "duckdb-py-scan": "duckdb", "polars": "polars", "polars-lazy": "polars", "pandas": "pandas"}[peer]
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--klynge", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--peers", default="duckdb-cli,duckdb-py,polars,pandas,sqlite3-cli")
    ap.add_argument("--json")
    a = ap.parse_args()
    codes = peers.DEFAULT_CODES
    data = ensure_data(a.rows)
    engines = ["klynge"] + [p for p in a.peers.split(",") if p and available(p)]
    skipped = [p for p in a.peers.split(",") if p and p not in engines]
    if skipped:
        print(f"not installed, left out: {', '.join(skipped)}", file=sys.stderr)
    tmp = tempfile.mkdtemp(prefix="klynge_bench_")
    samples = {e: {q: [] for q in ("q1", "q2", "q3")} for e in engines}
    checks = {e: {} for e in engines}
    answers = {}
    reference = "duckdb-cli" if "duckdb-cli" in engines else "duckdb-py" if "duckdb-py" in engines else "klynge"
    for round_ in range(a.warmup + a.runs):
        for q in ("q1", "q2", "q3"):
            for engine in engines:
                result = os.path.join(tmp, f"{engine}.{q}.csv")
                if engine == "klynge":
                    wall, stats = run_klynge(os.path.abspath(a.klynge), data, q, a.year, codes, result)
                else:
                    cmd, script = peers.peer_cmd(engine, data, q, a.year, codes, result)
                    wall, stats, _ = peers.timed(cmd, script)
                if round_ == 0:
                    answers[(engine, q)] = peers.read_rows(result)
                if round_ >= a.warmup:
                    samples[engine][q].append({"wall_s": wall, "max_rss_kb": stats["max_rss_kb"], "cpu_pct": stats["cpu_pct"]})
                print(f"round {round_ + 1}: {engine:12s} {q} {wall:7.3f} s", file=sys.stderr, flush=True)
    for engine in engines:
        for q in ("q1", "q2", "q3"):
            reason = peers.compare(q, answers[(reference, q)], answers[(engine, q)])
            checks[engine][q] = reason or "ok"
    hot = {"klynge": hot_klynge(os.path.abspath(a.klynge), data, a.year, codes, a.warmup, a.runs)}
    for engine in [e for e in engines if e in peers.HOT_PEERS]:
        cmd, script = peers.peer_cmd(engine, data, None, a.year, codes, None, hot=True, warmup=a.warmup, runs=a.runs)
        _, _, stdout = peers.timed(cmd, script)
        if engine in peers.CLI_PEERS:
            t = [float(x) for x in peers.TIMER_RE.findall(stdout)]
            n = a.warmup + a.runs
            t = t[-3 * n:]
            hot[engine] = {q: t[i * n + a.warmup:(i + 1) * n] for i, q in enumerate(("q1", "q2", "q3"))}
        else:
            hot[engine] = json.loads(stdout.strip().splitlines()[-1])["hot"]
    size = os.path.getsize(os.path.join(data, "billing.csv"))
    print(f"\n{a.rows:,} rows ({size / 1e6:.0f} MB), median of {a.runs} after {a.warmup} warm-up, engines alternating; "
          f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; answers checked against {reference}")
    print("| engine | Q1 cold s | Q2 cold s | Q3 cold s | Q2 cold ÷ DuckDB CLI | peak RSS MiB | CPU % | Q1 hot ms | Q2 hot ms | Q3 hot ms | answers |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    base = statistics.median(s["wall_s"] for s in samples["duckdb-cli"]["q2"]) if "duckdb-cli" in engines else None
    for engine in engines:
        med = {q: statistics.median(s["wall_s"] for s in samples[engine][q]) for q in ("q1", "q2", "q3")}
        rss = max(s["max_rss_kb"] for q in ("q1", "q2", "q3") for s in samples[engine][q]) / 1024
        cpu = statistics.median(s["cpu_pct"] for q in ("q1", "q2", "q3") for s in samples[engine][q])
        h = hot.get(engine, {})
        hot_cells = [f"{statistics.median(h[q]) * 1000:.1f}" if h.get(q) else "–" for q in ("q1", "q2", "q3")]
        ratio = f"{med['q2'] / base:.2f}" if base else "–"
        verdict = "ok" if set(checks[engine].values()) == {"ok"} else "; ".join(f"{q}: {r}" for q, r in checks[engine].items() if r != "ok")
        print(f"| {engine} | {med['q1']:.2f} | {med['q2']:.2f} | {med['q3']:.2f} | {ratio} | {rss:.0f} | {cpu:.0f} | "
              + " | ".join(hot_cells) + f" | {verdict} |")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"samples": samples, "hot": hot, "checks": checks, "rows": a.rows}, f, indent=1)
    return 0 if all(set(c.values()) == {"ok"} for c in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
