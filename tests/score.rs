//! `score` and `policy` on a small fixture program (fixtures/program), as of 2026-11-23.

mod util;

use util::{Workdir, assert_golden, program};

const AS_OF: &str = "2026-11-23";

/// (account_id, label) of each row of `score --format csv`.
fn ids_and_labels(csv: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            (r[0].to_string(), r[9].to_string())
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn ranks_candidates_first_and_labels_each_account() {
    let work = program();
    let csv = work
        .run(&["--as-of", AS_OF, "score", "--format", "csv"])
        .ok();
    // Ready accounts by composite; then over-asked; then not ready. The churned account is left out.
    assert_eq!(
        ids_and_labels(&csv),
        pairs(&[
            ("A-HEALTH", "tier-1 candidate"),
            ("A-CLINIC", "tier-1 candidate"),
            ("A-BANK", "tier-1 candidate"),
            ("A-QUIET", "develop"),
            ("A-BUSY", "over-asked"),
            ("A-NEW", "not ready"),
            ("A-DETRACT", "not ready"),
            ("A-ESCAL", "not ready"),
        ])
    );
    assert!(csv.contains("3 asks in the last 90 days"), "{csv}");
    assert!(csv.contains("not ready: detractor (NPS 4)"), "{csv}");
    assert!(
        csv.contains("\"Maya Okafor (c-level, strategic)\""),
        "{csv}"
    );
}

#[test]
fn explain_shows_every_input_weight_and_rule() {
    let work = program();
    let text = work
        .run(&["--as-of", AS_OF, "score", "--explain", "A-HEALTH"])
        .ok();
    assert_golden("score_explain_a_health.txt", &text);
    let json = work
        .run(&[
            "--as-of",
            AS_OF,
            "score",
            "--explain",
            "A-BUSY",
            "--format",
            "json",
        ])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["label"], "over-asked");
    assert_eq!(value["weights"]["icp_fit"], 0.25);
    assert!(value["steps"].as_array().expect("steps").len() > 10);
}

#[test]
fn explain_of_an_unknown_account_is_an_error() {
    let work = program();
    let stderr = work.run(&["score", "--explain", "NOPE"]).fails(1);
    assert_eq!(
        stderr,
        "refprog: no account 'NOPE' in the database (see 'refprog export accounts')\n"
    );
}

#[test]
fn filters_and_top() {
    let work = program();
    let run = |args: &[&str]| {
        let mut all = vec!["--as-of", AS_OF, "score", "--format", "csv"];
        all.extend_from_slice(args);
        ids_and_labels(&work.run(&all).ok())
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&["--top", "2"]), ["A-HEALTH", "A-CLINIC"]);
    assert_eq!(
        run(&["--label", "not-ready"]),
        ["A-NEW", "A-DETRACT", "A-ESCAL"]
    );
    assert_eq!(
        run(&["--industry", "healthcare"]),
        ["A-HEALTH", "A-CLINIC"],
        "a sector group filters too"
    );
    assert_eq!(run(&["--industry", "Banking"]), ["A-BANK"]);
    assert_eq!(
        run(&["--min-score", "80", "--label", "tier-1"]),
        ["A-HEALTH", "A-CLINIC"]
    );
}

#[test]
fn as_of_moves_the_load_window() {
    let work = program();
    // By 2027-01-15 the two October calls have left the 90-day window: Summit is no longer over-asked.
    let csv = work
        .run(&["--as-of", "2027-01-15", "score", "--format", "csv"])
        .ok();
    let busy = ids_and_labels(&csv)
        .into_iter()
        .find(|(id, _)| id == "A-BUSY")
        .expect("A-BUSY");
    assert_ne!(busy.1, "over-asked");
    // And Nova Retail has been a customer for over 6 months by 2027-03-01.
    let csv = work
        .run(&["--as-of", "2027-03-01", "score", "--format", "csv"])
        .ok();
    let nova = ids_and_labels(&csv)
        .into_iter()
        .find(|(id, _)| id == "A-NEW")
        .expect("A-NEW");
    assert_ne!(nova.1, "not ready");
}

#[test]
fn no_open_pipeline_scores_icp_fit_neutral() {
    let work = Workdir::new();
    work.run(&[
        "--quiet",
        "import",
        "accounts",
        "fixtures/program/accounts.csv",
    ])
    .ok();
    let text = work
        .run(&["--as-of", AS_OF, "score", "--explain", "A-BANK"])
        .ok();
    assert!(
        text.contains("no open pipeline closing in the next 90 days: neutral"),
        "{text}"
    );
}

#[test]
fn an_empty_database_gives_the_header_only() {
    let work = Workdir::empty();
    let csv = work.run(&["score", "--format", "csv"]).ok();
    assert_eq!(
        csv,
        "account_id,name,industry,size_band,sentiment,adoption,icp_fit,advocacy,composite,label,best_contact_id,best_contact,reason\n"
    );
}

#[test]
fn policy_lists_sets_validates_and_resets() {
    let work = program();
    let list = work.run(&["policy", "--format", "csv"]).ok();
    assert!(
        list.contains("score.weight.sentiment,0.35,0.35,,"),
        "{list}"
    );
    assert!(list.contains("limit.standard,2,2,,"), "{list}");

    let set = work.run(&["--as-of", AS_OF, "policy", "set", "score.tier1_min", "85"]);
    assert_eq!(set.fails(0), "score.tier1_min: 70 -> 85\n");
    let list = work.run(&["policy", "--format", "csv"]).ok();
    assert!(list.contains("score.tier1_min,85,70,2026-11-23,"), "{list}");
    // Only Mercy Health (87) stays a tier-1 candidate.
    let csv = work
        .run(&[
            "--as-of", AS_OF, "score", "--format", "csv", "--label", "tier-1",
        ])
        .ok();
    assert_eq!(ids_and_labels(&csv).len(), 1);

    let bad = work
        .run(&["policy", "set", "score.weight.sentiment", "-2"])
        .fails(1);
    assert_eq!(
        bad,
        "refprog: policy score.weight.sentiment: '-2' is not valid: expected a weight of 0 or more, like 0.35\n"
    );
    let unknown = work.run(&["policy", "set", "score.tier1", "80"]).fails(1);
    assert!(
        unknown.contains("no policy key 'score.tier1'")
            && unknown.contains("did you mean 'score.tier1_min'"),
        "{unknown}"
    );

    let reset = work.run(&["policy", "reset", "score.tier1_min"]);
    assert_eq!(
        reset.fails(0),
        "score.tier1_min: back to its default (70)\n"
    );
    let csv = work
        .run(&[
            "--as-of", AS_OF, "score", "--format", "csv", "--label", "tier-1",
        ])
        .ok();
    assert_eq!(ids_and_labels(&csv).len(), 3);
}

#[test]
fn sector_mappings_extend_the_built_in_groups() {
    let work = program();
    work.run(&["policy", "set", "sector.Pine Trees", "healthcare"])
        .ok();
    let list = work.run(&["policy", "--format", "csv"]).ok();
    assert!(list.contains("sector.Pine Trees,healthcare,,"), "{list}");
}

/// The contacts are added up in two halves of their rows: an account whose contacts fall
/// in both halves still gets its strongest voice and all of its load, whichever half the
/// strongest is in.
#[test]
fn best_contact_and_load_span_both_halves_of_the_contacts() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,health,nps,customer_since\n\
         A,Alpha,Banking,500,90,10,2020-01-01\n\
         B,Beta,Banking,500,90,10,2020-01-01\n",
    );
    // Rows 1-2 are one half, rows 3-4 the other: Alpha's strongest voice is in the second
    // half, Beta's in the first.
    work.import(
        "contacts",
        "contact_id,account_id,name,title,tier\n\
         A-WEAK,A,Ann Weak,Analyst,standard\n\
         B-STRONG,B,Bob Strong,CFO,standard\n\
         A-STRONG,A,Amy Strong,CFO,standard\n\
         B-WEAK,B,Ben Weak,Analyst,standard\n",
    );
    // One call each for both of Alpha's contacts: two units of load on the account.
    for (contact, day) in [("A-WEAK", "2026-11-01"), ("A-STRONG", "2026-11-10")] {
        work.run(&["--as-of", day, "log-call", contact, "--kind", "call"])
            .ok();
    }
    let csv = work
        .run(&["--as-of", AS_OF, "score", "--format", "csv"])
        .ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let row = |id: &str| {
        rows.iter()
            .find(|r| &r[0] == id)
            .unwrap_or_else(|| panic!("no {id} in\n{csv}"))
            .clone()
    };
    assert_eq!(&row("A")[10], "A-STRONG", "{csv}");
    assert_eq!(&row("A")[11], "Amy Strong (c-level, standard)", "{csv}");
    assert_eq!(&row("B")[11], "Bob Strong (c-level, standard)", "{csv}");
    assert!(row("A")[12].contains("2 asks in the last 90 days"), "{csv}");
    assert!(!row("B")[12].contains("asks in the last"), "{csv}");
}

/// `score --explain ONE` reads only that account (issue 16): it must give the very score,
/// label, reason and best contact the full score gives the same account.
#[test]
fn explain_of_one_account_agrees_with_the_full_score() {
    let work = program();
    assert_explain_agrees(&work);
}

/// Whether the pipeline's sums that `score --explain` reads (migration 0011) are current.
fn pipeline_current(work: &Workdir) -> bool {
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    conn.query_row("SELECT current FROM pipeline_state", [], |r| {
        r.get::<_, i64>(0)
    })
    .expect("pipeline_state")
        == 1
}

/// Explain reads the pipeline's sums, kept beside the deals: a change to the deals made
/// outside refprog (sqlite3) marks them stale and explain reads the deals one by one as
/// before; refprog's next write sums them again; an import that changes deals does too.
/// Each time, explain agrees with the full score, which reads the deals one by one.
#[test]
fn explain_agrees_with_the_full_score_however_the_deals_change() {
    let work = program();
    let score = || {
        work.run(&["--as-of", AS_OF, "score", "--format", "csv"])
            .ok()
    };
    assert!(pipeline_current(&work));
    let before = score();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    conn.execute_batch(
        "UPDATE opportunities SET industry = 'Banking', amount_cents = amount_cents * 3
          WHERE opportunity_id IN ('O-1', 'O-3');
         DELETE FROM opportunities WHERE opportunity_id = 'O-2';
         INSERT INTO opportunities (opportunity_id, industry, employees, country, region,
                                    use_case, amount_cents, close_date, status)
         VALUES ('O-NEW', 'Healthcare', 40, 'USA', 'Texas', 'Billing', 5000000, '2026-12-01', 'open');",
    )
    .expect("change the deals");
    drop(conn);
    assert!(
        !pipeline_current(&work),
        "a change from outside marks the sums stale"
    );
    let changed = score();
    assert_ne!(before, changed, "the change moves the scores");
    assert_explain_agrees(&work);
    work.run(&["--quiet", "policy", "set", "score.horizon_days", "120"])
        .ok();
    assert!(
        pipeline_current(&work),
        "refprog's next write sums them again"
    );
    work.run(&["--quiet", "policy", "reset", "score.horizon_days"])
        .ok();
    assert_eq!(score(), changed);
    assert_explain_agrees(&work);
    // A re-import that changes a deal: the sums follow within the import.
    let deals = std::fs::read_to_string(util::root().join("fixtures/program/opportunities.csv"))
        .expect("fixture")
        .replace("Fraud detection", "Claims automation");
    work.import("opportunities", &deals);
    assert!(pipeline_current(&work));
    assert_ne!(score(), changed, "the import moves the scores");
    assert_explain_agrees(&work);
}

/// Every account of the full score, explained one by one, has the same label, composite,
/// reason and best contact.
fn assert_explain_agrees(work: &Workdir) {
    let csv = work
        .run(&["--as-of", AS_OF, "score", "--format", "csv"])
        .ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
    };
    let mut seen = 0;
    for row in reader.records() {
        let row = row.expect("csv row");
        let account = &row[column("account_id")];
        let json = work
            .run(&[
                "--as-of",
                AS_OF,
                "score",
                "--explain",
                account,
                "--format",
                "json",
            ])
            .ok();
        let one: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(one["label"], row[column("label")], "{account}");
        assert_eq!(
            one["composite"].as_f64().unwrap().to_string(),
            row[column("composite")].to_string(),
            "{account}"
        );
        assert_eq!(one["reason"], row[column("reason")], "{account}");
        for field in ["best_contact_id", "best_contact"] {
            assert_eq!(
                one[field].as_str().unwrap_or(""),
                &row[column(field)],
                "{account} {field}"
            );
        }
        seen += 1;
    }
    assert!(seen >= 5, "the fixture program scores several accounts");
}
