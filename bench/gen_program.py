#!/usr/bin/env python3
"""Writes a whole reference program at scale, in canonical CSV, to a folder:
accounts (N), contacts (3N), opportunities (N/2 open + N/2 closed), requests (N/10) and
activities (10N). Seeded: the same N and seed give the same files.
Usage: gen_program.py N OUT_DIR [SEED]"""
import csv
import datetime
import os
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 11)
os.makedirs(out, exist_ok=True)
AS_OF = datetime.date(2026, 11, 23)
industries = ["Hospital & Health Care", "Healthcare", "Banking", "Insurance", "Computer Software", "Retail",
              "Transportation", "Manufacturing", "Telecommunications", "Higher Education"]
places = [("United States", "California"), ("United States", "Texas"), ("United States", "New York"),
          ("Germany", "Bavaria"), ("United Kingdom", "England"), ("Canada", "Ontario")]
use_cases = ["Claims automation", "Fraud detection", "Reporting", "Route planning", "Inventory planning",
             "Patient intake", "Billing"]
tiers = ["strategic", "standard", "standard", "new", "logo"]
kinds = ["call"] * 6 + ["email", "site-visit", "case-study", "review", "webinar", "thank-you", "check-in"]


def day(back_from, span):
    return (back_from - datetime.timedelta(days=rng.randint(0, span))).isoformat()


def writer(name, header):
    f = open(os.path.join(out, name), "w", newline="")
    w = csv.writer(f)
    w.writerow(header)
    return f, w


f, w = writer("accounts.csv", ["account_id", "name", "industry", "employees", "country", "region", "customer_since",
                               "status", "health", "nps", "adoption", "advanced_adoption", "use_case", "milestone",
                               "milestone_date", "escalation", "signals"])
for i in range(n):
    country, region = rng.choice(places)
    w.writerow([f"A{i:07d}", f"Account {i}", rng.choice(industries), int(10 ** rng.uniform(1, 5)), country, region,
                day(AS_OF, 3000), "churned" if rng.random() < 0.05 else "active", rng.randint(20, 100),
                rng.randint(0, 10), rng.randint(5, 100), rng.randint(0, 90), rng.choice(use_cases),
                rng.choice(["expansion", "renewal", "qbr", "implementation", ""]), day(AS_OF, 400),
                "yes" if rng.random() < 0.05 else "no", rng.choice(["", "", "case-study", "review;event", "referral"])])
f.close()

f, w = writer("contacts.csv", ["contact_id", "account_id", "name", "title", "tier", "willing", "enrolled_on"])
titles = ["CEO", "CFO", "VP Operations", "Director of IT", "IT Manager", "Analyst"]
for i in range(3 * n):
    enrolled = rng.random() < 0.3
    w.writerow([f"C{i:08d}", f"A{rng.randrange(n):07d}", f"Person {i}", rng.choice(titles),
                rng.choice(tiers) if enrolled else "", "call;email;case-study" if enrolled else "",
                day(AS_OF, 1500) if enrolled else ""])
f.close()

f, w = writer("opportunities.csv", ["opportunity_id", "name", "prospect", "industry", "employees", "country", "region",
                                    "use_case", "amount", "stage", "created_on", "close_date", "status", "rep"])
for i in range(n):
    country, region = rng.choice(places)
    open_deal = i % 2 == 0
    close = AS_OF + datetime.timedelta(days=rng.randint(-300, 200) if not open_deal else rng.randint(0, 150))
    w.writerow([f"O{i:07d}", f"Deal {i}", f"Prospect {i}", rng.choice(industries), int(10 ** rng.uniform(1, 5)),
                country, region, rng.choice(use_cases), rng.randint(10, 500) * 1000, "Proposal",
                (close - datetime.timedelta(days=rng.randint(30, 200))).isoformat(), close.isoformat(),
                "open" if open_deal else rng.choice(["won", "lost"]), rng.choice(["Jordan Blake", "Casey Park"])])
f.close()

f, w = writer("requests.csv", ["request_id", "opportunity_id", "prospect", "industry", "employees", "deal_size",
                               "stage", "rep", "use_case", "submitted_on", "status"])
for i in range(n // 10):
    w.writerow([f"R{i:07d}", f"O{rng.randrange(n):07d}", f"Prospect {i}", rng.choice(industries),
                int(10 ** rng.uniform(1, 5)), rng.randint(10, 500) * 1000, "Proposal",
                rng.choice(["Jordan Blake", "Casey Park"]), rng.choice(use_cases), day(AS_OF, 365), "completed"])
f.close()

f, w = writer("activities.csv", ["activity_id", "contact_id", "request_id", "kind", "date", "minutes",
                                 "reference_rating", "prospect_rating"])
for i in range(10 * n):
    request = f"R{rng.randrange(n // 10):07d}" if rng.random() < 0.3 else ""
    w.writerow([f"ACT{i:08d}", f"C{rng.randrange(3 * n):08d}", request, rng.choice(kinds), day(AS_OF, 730),
                rng.randint(10, 60), rng.randint(5, 10), rng.randint(5, 10)])
f.close()
