#!/usr/bin/env python3
"""Writes N accounts as a Salesforce report export (label headers, every field quoted,
US dates, "USD 1,200.00" money, 15-character ids, CRLF) to stdout. Seeded: the same N
and seed give the same bytes."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
rng = random.Random(seed)
industries = ["Hospital & Health Care", "Banking", "Insurance", "Computer Software", "Retail",
              "Transportation", "Manufacturing", "Telecommunications", "Education", "Government"]
countries = [("United States", ["California", "Texas", "New York", "Illinois", "Ohio"]),
             ("Germany", ["Bavaria", "Hesse", "Berlin"]), ("United Kingdom", ["England", "Scotland"]),
             ("Canada", ["Ontario", "Quebec"])]
use_cases = ["Claims automation", "Fraud detection", "Reporting", "Route planning", "Inventory planning",
             "Demand forecasting", "Patient intake", "Billing"]
milestones = ["Implementation", "Positive QBR", "Expansion", "Renewal", ""]
owners = ["Dana Whitfield", "Ravi Menon", "Sam Ortiz", "Lee Chen"]
out = sys.stdout
out.write('"Account ID","Account Name","Industry","Employees","Annual Revenue","Billing Country",'
          '"Billing State/Province","Customer Since","Account Owner","Health Score","NPS Score",'
          '"Active User Adoption","Advanced Feature Adoption","Primary Use Case","Secondary Use Cases",'
          '"Last Milestone","Last Milestone Date","Open Escalation","Advocacy Signals"\r\n')
for i in range(n):
    country, regions = rng.choice(countries)
    employees = int(10 ** rng.uniform(1, 5))
    revenue = employees * rng.randint(50_000, 400_000)
    milestone = rng.choice(milestones)
    row = [
        f"001Dn{i:010d}",
        f"Company {i}, Inc.",
        rng.choice(industries),
        f"{employees:,}",
        f"USD {revenue:,}.00",
        country,
        rng.choice(regions),
        f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2012, 2026)}",
        rng.choice(owners),
        str(rng.randint(20, 100)),
        str(rng.randint(0, 10)),
        f"{rng.randint(5, 100)}%",
        f"{rng.randint(0, 90)}%",
        rng.choice(use_cases),
        ";".join(rng.sample(use_cases, rng.randint(0, 2))),
        milestone,
        f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2026" if milestone else "",
        rng.choice(["false", "false", "false", "true"]),
        ";".join(rng.sample(["case study", "review", "event", "referral"], rng.randint(0, 2))),
    ]
    out.write(",".join('"' + v.replace('"', '""') + '"' for v in row) + "\r\n")
