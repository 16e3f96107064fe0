#!/usr/bin/env python3
"""DuckDB's answers to Q1 and Q2 of ../shared/bench on one generated data folder, as JSON.

The SQL is the benchmark's own (bench_peers.py's duck_sources and duck_sql), so klynge is
checked against the same question the peers are timed on.  DuckDBReferenceTests runs this in
the test when python3 can import duckdb (make test installs it), and falls back to the answers
pinned in Fixtures/duckdb-q1-q2-1m-seed1.json otherwise.

Usage:
  duckdb_answers.py --bench ../shared/bench --data DIR [--danish]      answers for one folder
  duckdb_answers.py --bench ../shared/bench --pin FIXTURE DEFAULT_DIR DANISH_DIR
                                                                       rewrite the pinned fixture
"""

import argparse
import json
import os
import sys


def answers(bench, data, danish):
    sys.path.insert(0, bench)
    import bench_peers  # noqa: E402  (the benchmark's SQL, not a copy of it)
    import duckdb

    billing, practices = bench_peers.duck_sources(data, danish)
    sql = bench_peers.duck_sql(billing, practices, 2023, bench_peers.DEFAULT_CODES)
    con = duckdb.connect()
    q1 = [{"service_code": c, "n": n} for c, n in con.execute(sql["q1"]).fetchall()]
    q2 = [{"practice_id": p, "cluster": c, "listed_patients": l, "services": int(s), "rate": r}
          for p, c, l, s, r in con.execute(sql["q2"]).fetchall()]
    return {"duckdb": duckdb.__version__, "q1": q1, "q2": q2}


def manifest(data):
    with open(os.path.join(data, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--data")
    ap.add_argument("--danish", action="store_true")
    ap.add_argument("--pin", nargs=3, metavar=("FIXTURE", "DEFAULT_DIR", "DANISH_DIR"))
    a = ap.parse_args()
    if a.pin:
        fixture, default_dir, danish_dir = a.pin
        plain, danish = answers(a.bench, default_dir, False), answers(a.bench, danish_dir, True)
        if (plain["q1"], plain["q2"]) != (danish["q1"], danish["q2"]):
            sys.exit("the two formats gave different answers; not pinning")
        m = manifest(default_dir)
        pinned = {
            "about": "DuckDB's answers (bench_peers.py's SQL for Q1 and Q2, year 2023, codes 0130/0421) on "
                     "gen_data.py --rows 1000000 --seed 1, default and --danish-csv; made with "
                     "Tests/KlyngeTests/Scripts/duckdb_answers.py --pin. The sha256 values pin the generated files.",
            "generator": {"version": m.get("version"), "numpy": m.get("numpy"), "rows": 1000000, "seed": 1},
            "duckdb": plain["duckdb"],
            "sha256": {name: {f: v["sha256"] for f, v in manifest(d)["files"].items() if f in ("billing.csv", "practices.csv")}
                       for name, d in (("default", default_dir), ("danish", danish_dir))},
            "q1": plain["q1"],
            "q2": plain["q2"],
        }
        with open(fixture, "w", encoding="utf-8") as f:
            json.dump(pinned, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return
    json.dump(answers(a.bench, a.data, a.danish), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
