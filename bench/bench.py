#!/usr/bin/env python3
"""Times the real refprog binary against baselines on the same generated files and
reports medians, ratios and peak memory (from wait4's rusage). Called by bench/run."""
import os
import platform
import statistics
import subprocess
import sys
import time

N = int(sys.argv[1])
P = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
AS_OF = "2026-11-23"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
BIN = os.path.join(ROOT, "target", "release", "refprog")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def run(cmd, stdin=None):
    """Runs cmd; returns (seconds, peak RSS in MiB). The peak comes from GNU time, which
    forks from a small process (a child forked from Python would count Python's pages)."""
    peak_file = os.path.join(DATA, "peak.txt")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak_file] + cmd, stdin=stdin,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    with open(peak_file) as f:
        peak_kb = int(f.read().split()[-1])
    return elapsed, peak_kb / 1024


def sqlite_utils():
    """The sqlite-utils command, installed into a virtual environment under bench/data if
    it is not on the PATH; None if that fails."""
    import shutil
    found = shutil.which("sqlite-utils")
    if found:
        return found
    venv = os.path.join(DATA, "venv")
    command = os.path.join(venv, "bin", "sqlite-utils")
    if not os.path.exists(command):
        try:
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "sqlite-utils"], check=True)
        except subprocess.CalledProcessError:
            return None
    return command


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def median_of(make_cmd, setup=None):
    times, peaks = [], []
    for _ in range(REPEAT):
        if setup:
            setup()
        seconds, peak = run(make_cmd())
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def program_rows():
    """Imports a whole program of P accounts and times score against sqlite3 reading the
    same inputs (the floor for any tool that scores from this database)."""
    folder = os.path.join(DATA, f"program_{P}")
    if not os.path.exists(os.path.join(folder, "activities.csv")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_program.py"), str(P), folder], check=True)
    db = os.path.join(DATA, "program.db")
    fresh(db)
    rows = []
    for kind in ["accounts", "contacts", "opportunities", "requests", "activities"]:
        seconds, peak = run([BIN, "--db", db, "--quiet", "import", kind, os.path.join(folder, f"{kind}.csv")])
        rows.append((f"refprog import {kind} ({P:,}-account program)", seconds, peak, None))
    read = ("SELECT * FROM accounts; SELECT * FROM contacts; "
            "SELECT contact_id, request_id, date, kind FROM activities WHERE date BETWEEN date('2026-11-23', '-89 days') AND '2026-11-23'; "
            "SELECT * FROM asks; SELECT * FROM opportunities WHERE status = 'open';")
    base_t, base_m = median_of(lambda: ["sqlite3", db, read])
    rows.append(("sqlite3 reading what score reads (baseline)", base_t, base_m, 1.0))
    t, m = median_of(lambda: [BIN, "--db", db, "--as-of", AS_OF, "score", "--format", "csv"])
    rows.append(("refprog score (all accounts, csv)", t, m, t / base_t))
    t, m = median_of(lambda: [BIN, "--db", db, "--as-of", AS_OF, "score", "--explain", "A0000001"])
    rows.append(("refprog score --explain ONE", t, m, t / base_t))
    # match: the median of 20 stored requests, against sqlite3 reading the same request.
    match_times, match_peak = [], 0.0
    for i in range(20):
        seconds, peak = run([BIN, "--db", db, "--as-of", AS_OF, "match", f"R{i:07d}", "--format", "csv"])
        match_times.append(seconds)
        match_peak = max(match_peak, peak)
    one_t, one_m = median_of(lambda: ["sqlite3", db, "SELECT * FROM requests WHERE request_id = 'R0000001'"])
    rows.append(("sqlite3 reading one request (baseline: start-up and open)", one_t, one_m, 1.0))
    median = statistics.median(match_times)
    rows.append(("refprog match (median of 20 requests)", median, match_peak, median / one_t))
    for name in ["utilization", "health", "coverage", "capacity", "fulfillment", "impact", "satisfaction"]:
        t, m = median_of(lambda: [BIN, "--db", db, "--as-of", AS_OF, "report", name, "--format", "csv"])
        rows.append((f"refprog report {name}", t, m, t / base_t))
    # The daily lists over the whole roster (90k references, a year of activities).
    for name, args in [("roster list", ["roster", "list"]), ("followups", ["followups"])]:
        t, m = median_of(lambda: [BIN, "--db", db, "--as-of", AS_OF, *args, "--format", "csv"])
        rows.append((f"refprog {name}", t, m, t / base_t))
    # A command on a small database: the fixture program.
    small = os.path.join(DATA, "small.db")
    fresh(small)
    for kind in ["accounts", "contacts", "opportunities", "requests", "activities"]:
        run([BIN, "--db", small, "--quiet", "import", kind, os.path.join(ROOT, "fixtures", "program", f"{kind}.csv")])
    s_t, s_m = median_of(lambda: ["sqlite3", small, "SELECT count(*) FROM accounts"])
    rows.append(("sqlite3 on the small fixture database (baseline)", s_t, s_m, 1.0))
    t, m = median_of(lambda: [BIN, "--db", small, "--as-of", AS_OF, "score", "--format", "csv"])
    rows.append(("refprog score on the small fixture database", t, m, t / s_t))
    return rows


def main():
    csv_path = os.path.join(DATA, f"accounts_{N}.csv")
    if not os.path.exists(csv_path):
        with open(csv_path, "w", newline="") as out:
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_accounts.py"), str(N)],
                           stdout=out, check=True)
    size_mb = os.path.getsize(csv_path) / 1e6
    db = os.path.join(DATA, "bench.db")
    sq = os.path.join(DATA, "sqlite3.db")
    rows = []

    base_t, base_m = median_of(
        lambda: ["sqlite3", sq, "-cmd", ".mode csv", f".import {csv_path} accounts"],
        setup=lambda: fresh(sq))
    rows.append(("sqlite3 .import (baseline)", base_t, base_m, 1.0))

    t, m = median_of(lambda: [BIN, "--db", db, "--quiet", "import", "accounts", csv_path],
                     setup=lambda: fresh(db))
    rows.append(("refprog import accounts (fresh db)", t, m, t / base_t))

    t, m = median_of(lambda: [BIN, "--db", db, "--quiet", "import", "accounts", csv_path])
    rows.append(("refprog import accounts (same file again)", t, m, t / base_t))

    t, m = median_of(lambda: [BIN, "--db", db, "--quiet", "export", "accounts"])
    rows.append(("refprog export accounts", t, m, t / base_t))

    su = sqlite_utils()
    if su:
        su_db = os.path.join(DATA, "sqlite-utils.db")
        fresh(su_db)
        t, m = run([su, "insert", su_db, "accounts", csv_path, "--csv"])
        rows.append(("sqlite-utils insert --csv (default type detection; 1 run)", t, m, t / base_t))
        import_t = next(r[1] for r in rows if r[0].startswith("refprog import accounts (fresh"))
        rows.append(("refprog import accounts vs sqlite-utils (speed-up)", import_t, m, t / import_t))

    t, m = median_of(lambda: [BIN, "--help"])
    rows.append(("refprog --help (start-up)", t, m, t / base_t))

    rows += program_rows()

    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    lines = [
        f"# Benchmark results",
        "",
        f"Import: {N:,} accounts ({size_mb:.0f} MB Salesforce-style CSV). Program: {P:,} accounts, "
        f"{3 * P:,} contacts, {10 * P:,} activities, {P // 2:,} open opportunities. Median of {REPEAT} runs.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"{version}; sqlite3 {sqlite_version}.",
        "",
        "| what | median s | peak MiB | ratio to its baseline |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds, peak, ratio in rows:
        shown = "" if ratio is None else f"{ratio:.2f}"
        lines.append(f"| {name} | {seconds:.3f} | {peak:.1f} | {shown} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(ROOT, "bench", "results.md"), "w") as f:
        f.write(text)


main()
