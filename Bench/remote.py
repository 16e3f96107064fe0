#!/usr/bin/env python3
"""`make bench-remote`: Q2 in memory, pushed down to PostgreSQL and to Spark, side by side, in one run.

    python3 Bench/remote.py --klynge .build/release/klynge [--rows 10000000] [--runs 3] [--url postgresql://…] [--no-spark]

Without --url it starts a throwaway PostgreSQL on 127.0.0.1 and a free port (initdb into a
temporary folder; as the `postgres` user when run as root), loads the generator's billing.csv and
practices.csv into it with `\\copy` (the time is reported, not counted), and stops it at the end.
Rounds alternate the ways of answering Q2, each in a fresh klynge process:

- in memory, cold: `load` both CSV files (cache off) and answer Q2 — what `make bench` calls cold;
- in memory, hot: Q2 on the loaded tables (`.timer`, one process, repeated);
- pushed down: `connect` and Q2 as one pipeline from the database table, one process;
- pushed down, hot: the same pipeline repeated in one connected process (`.timer`);
- psql: the SQL klynge generates (`.sql`), run by psql, for the engine's own time;
- on Spark (when pyspark and Java are installed and klynge was built with the Spark trait): a
  throwaway Spark Connect server (`local[2]`, 127.0.0.1), the CSV files converted once into Parquet
  tables (not counted; through Spark Connect's gRPC from Python, with pyspark's generated
  messages), then `connect` + Q2 in one process, and Q2 again on the connection.

Every answer is checked against the in-memory one. Prints one table of medians.
"""

import argparse
import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import ensure_data  # noqa: E402

Q2 = ('billing | where service_code in ("0130", "0421") and service_date >= @2023-01-01 and service_date < @2024-01-01 '
      '| summarize services = sum(count) by practice_id | join practices on practice_id '
      '| derive rate = 1000 * services / listed_patients | select practice_id, cluster, listed_patients, services, rate '
      '| sort rate desc, practice_id')
COLUMNS = {"billing": "practice_id TEXT, patient_id TEXT, service_date DATE, service_code TEXT, count BIGINT, fee DOUBLE PRECISION",
           "practices": "practice_id TEXT, practice_name TEXT, cluster TEXT, listed_patients BIGINT, municipality TEXT"}


class Server:
    """A throwaway PostgreSQL, stopped by its PID at the end."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not bins:
            sys.exit("PostgreSQL's server is not installed (Debian: postgresql); or give --url")
        self.bin = bins[-1]
        self.root = os.getuid() == 0
        self.folder = tempfile.mkdtemp(prefix="klynge-bench-pg-", dir="/tmp")
        if self.root:
            shutil.chown(self.folder, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        data = os.path.join(self.folder, "data")
        self.run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB"
        self.run("pg_ctl", "-D", data, "-l", os.path.join(self.folder, "log"), "-w", "-o", options, "start")
        with open(os.path.join(data, "postmaster.pid")) as f:
            self.pid = int(f.readline())
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program, *args):
        command = [os.path.join(self.bin, program), *args]
        if self.root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        try:
            os.kill(self.pid, 2)
            for _ in range(200):
                os.kill(self.pid, 0)
                time.sleep(0.05)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def psql(url, *args, capture=False):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args], check=True,
                          capture_output=capture, text=True, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"})


def load_tables(url, data):
    started = time.time()
    for name, columns in COLUMNS.items():
        psql(url, "-c", f"DROP TABLE IF EXISTS {name}", "-c", f"CREATE TABLE {name} ({columns})",
             "-c", f"\\copy {name} FROM '{os.path.join(data, name + '.csv')}' WITH (FORMAT csv, HEADER true)")
    psql(url, "-c", "VACUUM ANALYZE")
    return time.time() - started


class Spark:
    """A throwaway Spark Connect server (pyspark's jars, Java 17), stopped by its PID."""

    def __init__(self):
        import pyspark
        self.home = os.path.dirname(pyspark.__file__)
        self.folder = tempfile.mkdtemp(prefix="klynge-bench-spark-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        log = open(os.path.join(self.folder, "log"), "w")
        self.process = subprocess.Popen(
            [os.path.join(self.home, "bin", "spark-submit"), "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
             "--master", "local[2]", "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
             "--conf", f"spark.connect.grpc.binding.port={self.port}", "--conf", "spark.ui.enabled=false",
             "--conf", f"spark.sql.warehouse.dir={self.folder}/warehouse", "--conf", "spark.sql.session.timeZone=UTC",
             "--conf", "spark.driver.memory=4g"],
            env={**os.environ, "SPARK_HOME": self.home, "SPARK_LOCAL_IP": "127.0.0.1"},
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        for _ in range(600):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.2)
        self.url = f"sc://127.0.0.1:{self.port}"

    def sql(self, statements):
        """Runs SQL statements in one Spark Connect session (pyspark's messages over grpcio)."""
        import importlib
        import types
        import uuid
        import grpc
        base = os.path.join(self.home, "sql", "connect")
        for name, path in [("pyspark.sql.connect", base), ("pyspark.sql.connect.proto", os.path.join(base, "proto"))]:
            module = types.ModuleType(name)
            module.__path__ = [path]
            sys.modules.setdefault(name, module)
        pb = importlib.import_module("pyspark.sql.connect.proto.base_pb2")
        stubs = importlib.import_module("pyspark.sql.connect.proto.base_pb2_grpc")
        stub = stubs.SparkConnectServiceStub(grpc.insecure_channel(f"127.0.0.1:{self.port}"))
        session = str(uuid.uuid4())
        for statement in statements:
            request = pb.ExecutePlanRequest(session_id=session, user_context=pb.UserContext(user_id="bench"))
            request.plan.root.sql.query = statement
            for _ in stub.ExecutePlan(request):
                pass

    def load(self, data):
        started = time.time()
        schemas = {"billing": "practice_id STRING, patient_id STRING, service_date DATE, service_code STRING, count BIGINT, fee DOUBLE",
                   "practices": "practice_id STRING, practice_name STRING, cluster STRING, listed_patients BIGINT, municipality STRING"}
        statements = []
        for name, schema in schemas.items():
            statements += [f"CREATE TEMPORARY VIEW {name}_csv ({schema}) USING csv OPTIONS (path '{os.path.join(data, name + '.csv')}', header 'true')",
                           f"CREATE TABLE {name} USING parquet AS SELECT * FROM {name}_csv"]
        self.sql(statements)
        return time.time() - started

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def has_spark(binary):
    """Whether pyspark and Java are here and klynge was built with Spark Connect."""
    if subprocess.run([sys.executable, "-c", "import pyspark, grpc"], capture_output=True).returncode != 0 or not shutil.which("java"):
        return False
    probe = subprocess.run([binary, "-c", 'connect s "sc://127.0.0.1:1"'], capture_output=True, text=True)
    return "built without Spark Connect" not in probe.stderr


def klynge(binary, lines, folder):
    """Runs klynge on the lines in one process; wall seconds, the CSV rows printed, and stderr."""
    started = time.time()
    p = subprocess.run([binary, "--format", "csv", "--no-history", *sum((["-c", line] for line in lines), [])],
                       capture_output=True, text=True, cwd=folder)
    wall = time.time() - started
    if p.returncode != 0:
        sys.exit(f"klynge failed: {p.stderr}")
    return wall, p.stdout, p.stderr


def answer(stdout):
    """The result's rows: the last CSV block, rounded so the two ways compare."""
    blocks = [b for b in stdout.strip().split("\n\n") if b.startswith("practice_id,")]
    return blocks[-1].splitlines()[1:] if blocks else []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--klynge", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--url", help="an existing PostgreSQL database to load the data into (default: a throwaway server)")
    ap.add_argument("--no-spark", action="store_true", help="leave Spark out")
    a = ap.parse_args()
    binary = os.path.abspath(a.klynge)
    data = ensure_data(a.rows)
    server = None if a.url else Server()
    url = a.url or server.url
    spark = None
    try:
        print(f"loading {a.rows:,} rows into PostgreSQL …", file=sys.stderr, flush=True)
        copy_seconds = load_tables(url, data)
        if not a.no_spark and has_spark(binary):
            print(f"loading {a.rows:,} rows into Spark (Parquet) …", file=sys.stderr, flush=True)
            spark = Spark()
            spark_seconds = spark.load(data)
        loads = ['set cache off', f'load billing "{data}/billing.csv"', f'load practices "{data}/practices.csv"']
        connect = [f'connect pg "{url}"']
        times = {k: [] for k in ("memory cold", "memory hot", "pushed down", "pushed down hot", "psql")}
        if spark:
            times.update({"spark": [], "spark hot": []})
        answers = {}
        sql = klynge(binary, connect + [".sql " + Q2], data)[1]
        sql = sql[:sql.rindex(";")] if ";" in sql else sql
        for round_ in range(a.runs):
            wall, out, _ = klynge(binary, loads + [Q2], data)
            times["memory cold"].append(wall)
            answers["memory"] = answer(out)
            _, out, err = klynge(binary, loads + ["set timer on"] + [Q2] * 4, data)
            times["memory hot"].append(statistics.median([float(t) for t in re.findall(r"time: ([0-9.]+) s", err)][1:]))
            wall, out, _ = klynge(binary, connect + [Q2], data)
            times["pushed down"].append(wall)
            answers["pushed down"] = answer(out)
            _, out, err = klynge(binary, connect + ["set timer on"] + [Q2] * 4, data)
            times["pushed down hot"].append(statistics.median([float(t) for t in re.findall(r"time: ([0-9.]+) s", err)][1:]))
            started = time.time()
            psql(url, "-At", "-c", sql, capture=True)
            times["psql"].append(time.time() - started)
            if spark:
                on_spark = [f'connect pg "{spark.url}"']
                wall, out, _ = klynge(binary, on_spark + [Q2], data)
                times["spark"].append(wall)
                answers["spark"] = answer(out)
                _, out, err = klynge(binary, on_spark + ["set timer on"] + [Q2] * 4, data)
                times["spark hot"].append(statistics.median([float(t) for t in re.findall(r"time: ([0-9.]+) s", err)][1:]))
            print(f"round {round_ + 1} of {a.runs} done", file=sys.stderr, flush=True)
        same = all(answers[k] == answers["memory"] for k in answers) and len(answers["memory"]) > 0
        print(f"\nQ2 on {a.rows:,} billing rows; {os.cpu_count()} cores; PostgreSQL loaded by \\copy in {copy_seconds:.1f} s"
              + (f", Spark's Parquet tables made in {spark_seconds:.1f} s" if spark else "") + " (not counted)")
        print("| way | median s | runs |")
        print("|---|---|---|")
        for k, v in times.items():
            print(f"| {k} | {statistics.median(v):.3f} | {', '.join(f'{x:.3f}' for x in v)} |")
        print(f"\nanswers: {'identical' if same else 'DIFFERENT'} in {', '.join(answers)} ({len(answers['memory'])} practices)")
        if not same:
            sys.exit(1)
    finally:
        if server:
            server.stop()
        if spark:
            spark.stop()


if __name__ == "__main__":
    main()
