#!/usr/bin/env python3
"""Times the real refprog binary against an anchor run beside it: for every figure, a
sqlite3 command doing the floor of the same work on the same inputs (importing the same
CSV, reading the same rows, inserting one row). Runs are paired and alternated (anchor,
refprog, anchor, refprog, ...), so the machine's drift hits both alike; each row gives
both medians, the ratio of the medians, and both peak memories (GNU time's max RSS, which
counts mapped file pages).

Usage (through bench/run, which builds the release binary first):
    bench/bench.py SIZE [SIZE...]      SIZE: 10k, 100k or 1m accounts (or a number)
Environment: BENCH_REPEAT (default 3) runs per figure; BENCH_ONE_CORE=1 adds the imports
pinned to one core (taskset -c 0).
Writes bench/results.md: one table per size, with the machine and the date."""
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

AS_OF = "2026-11-23"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
BIN = os.path.join(ROOT, "target", "release", "refprog")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
ONE_CORE = os.environ.get("BENCH_ONE_CORE") == "1"
KINDS = ["accounts", "contacts", "opportunities", "requests", "activities"]


def size_of(text):
    text = text.lower().replace("_", "").replace(",", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def run(cmd, stdin_path=None):
    """Runs cmd under GNU time; returns (seconds, peak RSS in MiB, error or None). GNU time
    forks from a small process, so Python's own pages are not counted."""
    peak_file = os.path.join(DATA, "peak.txt")
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak_file] + cmd, stdin=stdin,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if stdin_path:
        stdin.close()
    with open(peak_file) as f:
        peak_kb = int(f.read().split()[-1])
    error = None
    if proc.returncode != 0:
        error = f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()[-300:]}"
    return elapsed, peak_kb / 1024, error


def fresh(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def paired(name, anchor_name, anchor, subject, setup=None, repeat=None):
    """Alternates anchor and subject runs; `anchor` and `subject` are functions of the
    run's index returning a command (or (command, stdin path)); `setup(i)` runs before
    each pair. Returns a result row."""
    a_times, a_peaks, s_times, s_peaks, errors = [], [], [], [], []
    for i in range(repeat or REPEAT):
        if setup:
            setup(i)
        for make, times, peaks in ((anchor, a_times, a_peaks), (subject, s_times, s_peaks)):
            cmd = make(i)
            stdin = None
            if isinstance(cmd, tuple):
                cmd, stdin = cmd
            seconds, peak, error = run(cmd, stdin)
            if error:
                errors.append(f"{' '.join(cmd)[:80]}: {error}")
            times.append(seconds)
            peaks.append(peak)
    a, s = statistics.median(a_times), statistics.median(s_times)
    row = {"what": name, "anchor": anchor_name, "s": s, "s_peak": max(s_peaks), "a": a,
           "a_peak": max(a_peaks), "ratio": s / a if a > 0 else float("nan"),
           "error": errors[0] if errors else None}
    shown = f"{row['ratio']:.2f}x" if not row["error"] else "FAILED"
    print(f"  {name:52} {s:8.3f} s {row['s_peak']:7.1f} MiB | {anchor_name[:40]:40} {a:7.3f} s  {shown}",
          flush=True)
    if row["error"]:
        print(f"    {row['error']}", flush=True)
    return row


def sqlite(db, sql):
    return ["sqlite3", db, sql]


def program(n):
    folder = os.path.join(DATA, f"program_{n}")
    if not os.path.exists(os.path.join(folder, "activities.csv")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_program.py"), str(n), folder],
                       check=True)
    return folder


def sqlite_import(db, csv_path, table):
    return ["sqlite3", db, "-cmd", ".mode csv", f".import {csv_path} {table}"]


def imports(n, folder, rows, pin):
    """Fresh import, re-import and the activities import, each against sqlite3's .import of
    the same file into an empty table."""
    prefix = ["taskset", "-c", "0"] if pin else []
    label = " (one core)" if pin else ""
    accounts = os.path.join(folder, "accounts.csv")
    activities = os.path.join(folder, "activities.csv")
    db, sq = os.path.join(DATA, "import.db"), os.path.join(DATA, "anchor.db")

    def both_fresh(_):
        fresh(db)
        fresh(sq)

    rows.append(paired(f"import accounts, fresh database{label}", "sqlite3 .import of the same CSV",
                       lambda i: prefix + sqlite_import(sq, accounts, "accounts"),
                       lambda i: prefix + [BIN, "--db", db, "--quiet", "import", "accounts", accounts],
                       setup=both_fresh))
    # The database now holds the accounts: the same file again takes the upsert path.
    rows.append(paired(f"import accounts again (upsert){label}", "sqlite3 .import into an empty table",
                       lambda i: prefix + sqlite_import(sq, accounts, "accounts"),
                       lambda i: prefix + [BIN, "--db", db, "--quiet", "import", "accounts", accounts],
                       setup=lambda i: fresh(sq)))
    if pin:
        return
    # Activities need their contacts (and requests) in the database first.
    base = os.path.join(DATA, "import_base.db")
    fresh(base)
    for kind in KINDS[:-1]:
        subprocess.run([BIN, "--db", base, "--quiet", "import", kind, os.path.join(folder, f"{kind}.csv")],
                       check=True)

    def copy_base(_):
        fresh(db)
        fresh(sq)
        shutil.copy(base, db)

    rows.append(paired(f"import activities ({10 * n:,} rows)", "sqlite3 .import of the same CSV",
                       lambda i: sqlite_import(sq, activities, "activities"),
                       lambda i: [BIN, "--db", db, "--quiet", "import", "activities", activities],
                       setup=copy_base))


# What each command reads, as plain SQL: the anchor for its figure.
READS = {
    "score": "SELECT * FROM accounts; SELECT * FROM contacts; "
             "SELECT contact_id, request_id, date, kind FROM activities "
             "WHERE date BETWEEN date('{as_of}', '-89 days') AND '{as_of}'; "
             "SELECT * FROM asks; SELECT * FROM opportunities WHERE status = 'open';",
    "explain": "SELECT * FROM accounts WHERE account_id = 'A0000001'; "
               "SELECT * FROM contacts WHERE account_id = 'A0000001'; "
               "SELECT a.* FROM activities a JOIN contacts c USING (contact_id) WHERE c.account_id = 'A0000001'; "
               "SELECT * FROM opportunities WHERE status = 'open';",
    "members": "SELECT c.*, a.name, a.industry, a.employees, a.status FROM contacts c "
               "JOIN accounts a USING (account_id) WHERE c.tier IS NOT NULL;",
    # Utilization's all_time and last_activity columns count every activity up to the
    # as-of day, not only the year's: its anchor reads them too (the asks with them).
    "utilization": "SELECT c.contact_id, a.name, "
                   "sum(t.date > date('{as_of}', '-30 days')), sum(t.date > date('{as_of}', '-90 days')), count(*) "
                   "FROM contacts c JOIN accounts a USING (account_id) "
                   "LEFT JOIN activities t ON t.contact_id = c.contact_id AND t.date > date('{as_of}', '-365 days') "
                   "AND t.date <= '{as_of}' WHERE c.tier IS NOT NULL GROUP BY c.contact_id; "
                   "SELECT contact_id, count(*), max(date) FROM activities WHERE date <= '{as_of}' "
                   "GROUP BY contact_id; SELECT contact_id, count(*), max(asked_on) FROM asks "
                   "WHERE asked_on <= '{as_of}' GROUP BY contact_id;",
    "health": "SELECT c.contact_id, a.health, a.nps, max(t.date), count(t.id) FROM contacts c "
              "JOIN accounts a USING (account_id) LEFT JOIN activities t ON t.contact_id = c.contact_id "
              "AND t.date > date('{as_of}', '-365 days') AND t.date <= '{as_of}' "
              "WHERE c.tier IS NOT NULL GROUP BY c.contact_id;",
    # Coverage counts the references available by segment: it reads each member's load of
    # the limit window (asks and activities) as capacity does.
    "coverage": "SELECT a.industry, a.employees / 1000, count(*) FROM contacts c JOIN accounts a "
                "USING (account_id) WHERE c.tier IS NOT NULL GROUP BY 1, 2; "
                "SELECT contact_id, count(*) FROM activities "
                "WHERE date > date('{as_of}', '-90 days') AND date <= '{as_of}' GROUP BY contact_id; "
                "SELECT contact_id, count(*) FROM asks "
                "WHERE asked_on > date('{as_of}', '-90 days') AND asked_on <= '{as_of}' GROUP BY contact_id; "
                "SELECT industry, employees / 1000, count(*) FROM opportunities WHERE status = 'open' GROUP BY 1, 2;",
    "capacity": "SELECT a.industry, count(*) FROM contacts c JOIN accounts a USING (account_id) "
                "WHERE c.tier IS NOT NULL GROUP BY 1; SELECT contact_id, count(*) FROM activities "
                "WHERE date > date('{as_of}', '-90 days') AND date <= '{as_of}' GROUP BY contact_id; "
                "SELECT industry, count(*) FROM opportunities WHERE status = 'open' GROUP BY 1;",
    # Fulfilment's "won" column reads the status of each request's deal.
    "fulfillment": "SELECT * FROM requests; SELECT * FROM request_events; SELECT * FROM asks; "
                   "SELECT opportunity_id, status FROM opportunities "
                   "WHERE opportunity_id IN (SELECT opportunity_id FROM requests);",
    "impact": "SELECT o.*, (SELECT count(*) FROM requests r WHERE r.opportunity_id = o.opportunity_id) "
              "FROM opportunities o; SELECT request_id, count(*) FROM activities "
              "WHERE request_id IS NOT NULL GROUP BY request_id;",
    "satisfaction": "SELECT contact_id, kind, date, reference_rating, prospect_rating FROM activities "
                    "WHERE reference_rating IS NOT NULL OR prospect_rating IS NOT NULL;",
    "followups": "SELECT c.contact_id, t.kind, t.date, t.request_id FROM contacts c "
                 "JOIN activities t USING (contact_id) WHERE c.tier IS NOT NULL "
                 "AND t.date > date('{as_of}', '-365 days') AND t.date <= '{as_of}'; "
                 "SELECT * FROM asks; SELECT * FROM requests;",
}


def analyses(n, folder, rows):
    db = os.path.join(DATA, f"program_{n}.db")
    # A cached program this refprog refuses (made by an older or another build) is made anew.
    if os.path.exists(db) and subprocess.run([BIN, "--db", db, "--quiet", "status", "--format", "csv"],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        fresh(db)
    if not os.path.exists(db):
        for kind in KINDS:
            subprocess.run([BIN, "--db", db, "--quiet", "import", kind, os.path.join(folder, f"{kind}.csv")],
                           check=True)

    def read(key):
        return lambda i: sqlite(db, READS[key].format(as_of=AS_OF))

    def cmd(*args):
        return lambda i: [BIN, "--db", db, "--as-of", AS_OF, *args, "--format", "csv"]

    rows.append(paired("score (every account, csv)", "sqlite3 reading what score reads",
                       read("score"), cmd("score")))
    rows.append(paired("score --explain ONE", "sqlite3 reading one account's rows",
                       read("explain"), cmd("score", "--explain", "A0000001")))
    # match: 20 different requests, each paired with sqlite3 reading that request.
    rows.append(paired("match one request (20 requests)", "sqlite3 one SELECT",
                       lambda i: sqlite(db, f"SELECT * FROM requests WHERE request_id = 'R{i:07d}'"),
                       lambda i: [BIN, "--db", db, "--as-of", AS_OF, "match", f"R{i:07d}", "--format", "csv"],
                       repeat=max(REPEAT, 20)))
    # log-call on a copy: one write, against sqlite3 inserting one activity.
    copy, sq = os.path.join(DATA, "write.db"), os.path.join(DATA, "write_anchor.db")
    fresh(copy)
    fresh(sq)
    shutil.copy(db, copy)
    shutil.copy(db, sq)
    enrolled = subprocess.run(["sqlite3", db, "SELECT contact_id FROM contacts WHERE tier IS NOT NULL "
                               "ORDER BY contact_id LIMIT 40"], capture_output=True, text=True).stdout.split()
    rows.append(paired("log-call (one write)", "sqlite3 one INSERT",
                       lambda i: sqlite(sq, "INSERT INTO activities (activity_id, contact_id, kind, date) "
                                            f"VALUES ('BENCH{i}', '{enrolled[i]}', 'check-in', '{AS_OF}')"),
                       lambda i: [BIN, "--db", copy, "--quiet", "--as-of", AS_OF, "log-call", enrolled[i],
                                  "--kind", "check-in", "--date", AS_OF],
                       repeat=max(REPEAT, 10)))
    # The other commands about one record, each against sqlite3 reading that record's rows:
    # a reference (10 members), a request (10 requests), a call brief (10 pairs of both).
    def one(what):
        return f"'{what}'"

    rows.append(paired("roster show ONE (10 members)", "sqlite3 reading one contact's rows",
                       lambda i: sqlite(db, f"SELECT * FROM contacts WHERE contact_id = {one(enrolled[i])}; "
                                            f"SELECT * FROM activities WHERE contact_id = {one(enrolled[i])}; "
                                            f"SELECT * FROM asks WHERE contact_id = {one(enrolled[i])};"),
                       lambda i: [BIN, "--db", db, "--as-of", AS_OF, "roster", "show", enrolled[i],
                                  "--format", "json"],
                       repeat=max(REPEAT, 10)))
    request = lambda i: one(f"R{i:07d}")  # noqa: E731
    rows.append(paired("request show ONE (10 requests)", "sqlite3 reading one request's rows",
                       lambda i: sqlite(db, f"SELECT * FROM requests WHERE request_id = {request(i)}; "
                                            f"SELECT * FROM request_events WHERE request_id = {request(i)}; "
                                            f"SELECT * FROM asks WHERE request_id = {request(i)}; "
                                            f"SELECT * FROM activities WHERE request_id = {request(i)};"),
                       lambda i: [BIN, "--db", db, "--as-of", AS_OF, "request", "show", f"R{i:07d}",
                                  "--format", "json"],
                       repeat=max(REPEAT, 10)))
    rows.append(paired("brief ONE (10 request and member pairs)", "sqlite3 reading the request's and contact's rows",
                       lambda i: sqlite(db, f"SELECT * FROM requests WHERE request_id = {request(i)}; "
                                            f"SELECT * FROM contacts c JOIN accounts a USING (account_id) "
                                            f"WHERE c.contact_id = {one(enrolled[i])}; "
                                            f"SELECT * FROM activities WHERE contact_id = {one(enrolled[i])};"),
                       lambda i: [BIN, "--db", db, "--as-of", AS_OF, "brief", f"R{i:07d}", enrolled[i],
                                  "--format", "json"],
                       repeat=max(REPEAT, 10)))
    for name in ["utilization", "health", "coverage", "capacity", "fulfillment", "impact", "satisfaction"]:
        rows.append(paired(f"report {name}", f"sqlite3 reading what {name} reads",
                           read(name), cmd("report", name)))
    rows.append(paired("roster list", "sqlite3 reading the members", read("members"), cmd("roster", "list")))
    rows.append(paired("followups", "sqlite3 reading a year of activities", read("followups"),
                       cmd("followups")))
    # The review page runs every analysis above: its anchor reads what they all read.
    page = os.path.join(DATA, "review.html")
    every = " ".join(READS[k] for k in ["score", "utilization", "health", "coverage", "capacity",
                                        "fulfillment", "impact", "satisfaction", "followups"])
    rows.append(paired("review --html (the whole page)", "sqlite3 reading what every report reads",
                       lambda i: sqlite(db, every.format(as_of=AS_OF)),
                       lambda i: [BIN, "--db", db, "--as-of", AS_OF, "--quiet", "review", "--html", page],
                       setup=lambda i: fresh(page)))


def small(rows):
    db = os.path.join(DATA, "small.db")
    fresh(db)
    for kind in KINDS:
        subprocess.run([BIN, "--db", db, "--quiet", "import", kind,
                        os.path.join(ROOT, "fixtures", "program", f"{kind}.csv")], check=True)
    rows.append(paired("score on the small fixture program", "sqlite3 count(*)",
                       lambda i: sqlite(db, "SELECT count(*) FROM accounts"),
                       lambda i: [BIN, "--db", db, "--as-of", AS_OF, "score", "--format", "csv"]))
    rows.append(paired("--help (start-up)", "sqlite3 --version",
                       lambda i: ["sqlite3", "--version"], lambda i: [BIN, "--help"]))


def main():
    sizes = [size_of(a) for a in sys.argv[1:]] or [10_000, 100_000]
    os.makedirs(DATA, exist_ok=True)
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    env = "BENCH_ONE_CORE=1 " if ONE_CORE else ""
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.date.today().isoformat()} by `{env}bench/run {' '.join(sys.argv[1:])}` at commit {commit}; "
        f"median of {REPEAT} paired runs (match: 20; log-call, roster show, request show and brief: 10).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"{version}; sqlite3 {sqlite_version}.",
        "Each row: refprog's median and peak memory, its anchor (sqlite3 doing the floor of the same "
        "work on the same data, run alternately with it) and the ratio of the medians. "
        "Peak memory is the maximum resident set, mapped file pages included.",
    ]
    for n in sizes:
        print(f"== {n:,} accounts ({3 * n:,} contacts, {10 * n:,} activities, {n // 2:,} open deals)",
              flush=True)
        folder = program(n)
        rows = []
        imports(n, folder, rows, pin=False)
        if ONE_CORE and shutil.which("taskset"):
            imports(n, folder, rows, pin=True)
        analyses(n, folder, rows)
        if n == sizes[0]:
            small(rows)
        lines += ["", f"## {n:,} accounts", "",
                  "| refprog | median s | peak MiB | anchor | median s | peak MiB | ratio |",
                  "|---|---:|---:|---|---:|---:|---:|"]
        for r in rows:
            ratio = "failed" if r["error"] else f"{r['ratio']:.2f}"
            lines.append(f"| {r['what']} | {r['s']:.3f} | {r['s_peak']:.1f} | {r['anchor']} | "
                         f"{r['a']:.3f} | {r['a_peak']:.1f} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(ROOT, "bench", "results.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
