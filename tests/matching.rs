//! Requests, `match` and `brief` on the fixture program (fixtures/program), as of 2026-11-23.
//! The expected candidates of each request are written out here, from the matrix.

mod util;

use util::{Workdir, assert_golden, program};

const AS_OF: &str = "2026-11-23";

/// `request add` for a healthcare prospect; returns the new id.
fn add_acme(work: &Workdir, extra: &[&str]) -> String {
    add_acme_sized(work, "120,000", extra)
}

fn add_acme_sized(work: &Workdir, deal_size: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "--as-of",
        AS_OF,
        "request",
        "add",
        "--prospect",
        "Acme Clinics",
        "--industry",
        "Healthcare",
        "--employees",
        "1200",
        "--country",
        "United States",
        "--region",
        "Illinois",
        "--deal-size",
        deal_size,
        "--stage",
        "Negotiation",
        "--rep",
        "Jordan Blake",
        "--role-level",
        "vp",
        "--use-case",
        "Claims automation",
        "--questions",
        "How long did rollout take?",
        "--needed-by",
        "2026-12-01",
        "--opportunity",
        "O-1",
    ];
    args.extend_from_slice(extra);
    let run = work.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.trim().to_string()
}

/// Asks Mercy's CFO for request `id`, and records her yes with the call on 2026-11-28.
fn schedule_maya(work: &Workdir, id: &str) {
    work.run(&["--as-of", AS_OF, "match", id, "--ask", "C-HEALTH-CFO"])
        .ok();
    work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "answer",
        id,
        "C-HEALTH-CFO",
        "--yes",
        "--scheduled",
        "2026-11-28",
    ])
    .ok();
}

/// The contact ids of `match ... --format csv`, in rank order.
fn ranked(work: &Workdir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--as-of", AS_OF, "match", "--format", "csv"];
    all.extend_from_slice(args);
    let csv = work.run(&all).ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| r.expect("row")[1].to_string())
        .collect()
}

#[test]
fn request_add_prints_the_id_and_qualification_warnings() {
    let work = program();
    assert_eq!(add_acme(&work, &[]), "REQ-00003");
    let run = work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "add",
        "--prospect",
        "Tiny Co",
        "--industry",
        "Retail",
        "--employees",
        "40",
        "--deal-size",
        "30000",
        "--stage",
        "Prospecting",
        "--rep",
        "Casey Park",
        "--use-case",
        "Reporting",
        "--needed-by",
        "2026-11-01",
    ]);
    assert_eq!(run.stdout, "REQ-00004\n");
    assert_eq!(
        run.stderr,
        "warning: deal size 30,000 is under 50,000 (request.min_deal_size): needs approval\n\
         warning: stage 'Prospecting' is early for a reference (request.early_stages: Prospecting, Qualification, Needs Analysis)\n\
         warning: needed by 2026-11-01, which has passed\n"
    );
}

#[test]
fn request_add_without_required_flags_is_a_usage_error() {
    let work = program();
    let stderr = work.run(&["request", "add", "--prospect", "Acme"]).fails(2);
    assert_eq!(
        stderr,
        "refprog: request add needs --industry, --employees, --deal-size, --stage, --rep, --use-case (see 'refprog request --help')\n"
    );
}

#[test]
fn match_ranks_the_expected_top_three_and_excludes_the_over_limit_reference() {
    let work = program();
    let id = add_acme(&work, &[]);
    // Mercy Health is the same sector, size within 2x, same use case: the CFO (senior) first,
    // then its director of IT (one level below), then Lakeside (size 3x, secondary use case).
    assert_eq!(
        ranked(&work, &[&id]),
        ["C-HEALTH-CFO", "C-HEALTH-IT", "C-CLINIC-VP"]
    );
    let csv = work
        .run(&["--as-of", AS_OF, "match", &id, "--format", "csv"])
        .ok();
    assert!(csv.contains("\"Hospital & Health Care, same sector (healthcare) as Healthcare; 1,500 vs 1,200 employees (1.2x); same use case (Claims automation); Chief Financial Officer, senior to the VP asked for; in Illinois, United States; healthy account (health 90, NPS 10); last used 175 days ago\""), "{csv}");
    let text = work
        .run(&[
            "--as-of",
            AS_OF,
            "match",
            &id,
            "--show-excluded",
            "--format",
            "csv",
            "--section",
            "excluded",
        ])
        .ok();
    assert!(text.starts_with("contact_id,name,account,tier,excluded_because\nC-BUSY-VP,Lee Chen,Summit Insurance,standard,standard limit reached: 3 of 2 in the 90 days up to 2026-11-23 (limit.standard); eligible again on 2027-01-23\n"), "{text}");
    // Poor matches appear only when asked for.
    let with_poor = ranked(&work, &[&id, "--include-poor", "--top", "10"]);
    assert_eq!(with_poor.len(), 5, "{with_poor:?}");
    assert!(with_poor.contains(&"C-BANK-CRO".to_string()));
}

#[test]
fn strategic_references_are_saved_for_bigger_deals() {
    let work = program();
    let id = add_acme_sized(&work, "30000", &[]);
    assert_eq!(
        ranked(&work, &[&id]),
        ["C-HEALTH-IT", "C-CLINIC-VP", "C-HEALTH-CFO"]
    );
}

#[test]
fn only_references_willing_to_do_the_kind_are_offered() {
    let work = program();
    let id = add_acme(&work, &["--kind", "site visit"]);
    assert_eq!(ranked(&work, &[&id]), ["C-HEALTH-CFO"]);
    let json = work
        .run(&[
            "--as-of",
            AS_OF,
            "match",
            &id,
            "--show-excluded",
            "--format",
            "json",
        ])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let reasons: Vec<String> = value["excluded"]
        .as_array()
        .expect("excluded")
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["contact_id"].as_str().unwrap_or(""),
                e["reason"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        reasons.contains(
            &"C-HEALTH-IT: not willing to do a site-visit (willing: call, email)".to_string()
        ),
        "{reasons:?}"
    );
}

#[test]
fn an_ad_hoc_match_stores_nothing() {
    let work = program();
    let before = work.db_bytes();
    let found = ranked(
        &work,
        &[
            "--prospect",
            "Metro Credit",
            "--industry",
            "Banking",
            "--employees",
            "9000",
            "--use-case",
            "Fraud detection",
        ],
    );
    assert_eq!(found, ["C-BANK-CRO"]);
    assert_eq!(work.db_bytes(), before);
}

#[test]
fn ask_answer_and_the_lifecycle() {
    let work = program();
    let id = add_acme(&work, &[]);
    let refused = work
        .run(&["--as-of", AS_OF, "match", &id, "--ask", "C-BUSY-VP"])
        .fails(1);
    assert_eq!(
        refused,
        format!(
            "refprog: cannot ask C-BUSY-VP (Lee Chen) for {id}: standard limit reached: 3 of 2 in the 90 days up to 2026-11-23 (limit.standard); eligible again on 2027-01-23. Nothing was written; ask anyway with --override \"reason\"\n"
        )
    );
    work.run(&["--as-of", AS_OF, "match", &id, "--ask", "C-HEALTH-IT"])
        .ok();
    let again = work
        .run(&["--as-of", AS_OF, "match", &id, "--ask", "C-HEALTH-IT"])
        .fails(1);
    assert_eq!(
        again,
        format!("refprog: cannot ask C-HEALTH-IT for {id}: already asked\n")
    );
    // A pass sends the request back to matching; the one who passed is not offered again.
    work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "answer",
        &id,
        "C-HEALTH-IT",
        "--pass",
    ])
    .ok();
    assert_eq!(ranked(&work, &[&id]), ["C-HEALTH-CFO", "C-CLINIC-VP"]);
    schedule_maya(&work, &id);
    let show = work.run(&["request", "show", &id, "--format", "json"]).ok();
    let value: serde_json::Value = serde_json::from_str(&show).expect("json");
    let steps: Vec<&str> = value["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "submitted",
            "asked",
            "passed",
            "matched",
            "asked",
            "accepted",
            "scheduled"
        ]
    );
    assert_eq!(value["request"]["status"], "scheduled");
    assert_eq!(value["asks"][1]["scheduled_on"], "2026-11-28");
}

#[test]
fn an_impossible_step_is_refused_and_changes_nothing() {
    let work = program();
    let id = add_acme(&work, &[]);
    work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "decline",
        &id,
        "--reason",
        "stage too early",
    ])
    .ok();
    let before = work.db_bytes();
    let stderr = work
        .run(&[
            "--as-of",
            AS_OF,
            "request",
            "answer",
            &id,
            "C-HEALTH-CFO",
            "--yes",
        ])
        .fails(1);
    assert_eq!(
        stderr,
        format!("refprog: cannot record an answer to request {id}: it is declined (closed)\n")
    );
    let stderr = work
        .run(&["--as-of", AS_OF, "match", &id, "--ask", "C-HEALTH-CFO"])
        .fails(1);
    assert_eq!(
        stderr,
        format!("refprog: cannot ask for request {id}: it is declined (closed)\n")
    );
    assert_eq!(work.db_bytes(), before);
    let stderr = work.run(&["request", "approve", "NOPE"]).fails(1);
    assert_eq!(
        stderr,
        "refprog: no request 'NOPE' (see 'refprog request list')\n"
    );
}

#[test]
fn approve_and_list() {
    let work = program();
    let id = add_acme(&work, &[]);
    work.run(&["--as-of", AS_OF, "request", "approve", &id])
        .ok();
    let csv = work
        .run(&[
            "request",
            "list",
            "--status",
            "qualified",
            "--format",
            "csv",
        ])
        .ok();
    assert_eq!(
        csv,
        format!(
            "request_id,submitted_on,prospect,rep,deal_size,stage,use_case,kind,needed_by,status\n{id},2026-11-23,Acme Clinics,Jordan Blake,120000,Negotiation,Claims automation,call,2026-12-01,qualified\n"
        )
    );
    // Matching a qualified request with candidates moves it to matched.
    ranked(&work, &[&id]);
    let csv = work
        .run(&["request", "list", "--status", "matched", "--format", "csv"])
        .ok();
    assert!(csv.contains(&id), "{csv}");
}

#[test]
fn brief_for_the_reference_and_the_prospect() {
    let work = program();
    let id = add_acme(&work, &[]);
    schedule_maya(&work, &id);
    let text = work
        .run(&["--as-of", AS_OF, "brief", &id, "C-HEALTH-CFO"])
        .ok();
    assert_golden("brief_acme_maya.txt", &text);
    let json = work
        .run(&[
            "--as-of",
            AS_OF,
            "brief",
            &id,
            "C-HEALTH-CFO",
            "--format",
            "json",
        ])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        value["topics_to_avoid"][3],
        serde_json::Value::Null,
        "pricing is not repeated: {value}"
    );
}

/// A program of 90 accounts in two sectors, sizes from none to 20,000, every tier and
/// level, some accounts churned or escalated and some contacts busy, generated from a
/// fixed seed.
fn generated_program() -> Workdir {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut pick = |n: usize| -> usize {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let industries = [
        "Healthcare",
        "Hospital & Health Care",
        "Banking",
        "Insurance",
    ];
    let sizes = [
        "", "0", "1", "3", "40", "90", "200", "450", "1000", "2400", "5000", "20000",
    ];
    let places = [
        ("United States", "Illinois"),
        ("United States", "Texas"),
        ("Germany", "Bavaria"),
    ];
    let use_cases = ["Claims automation", "Patient intake", "Fraud detection"];
    let levels = ["c-level", "vp", "director", "manager", "individual"];
    let tiers = ["strategic", "standard", "standard", "new", "logo", ""];
    let mut accounts = String::from(
        "account_id,name,industry,employees,country,region,customer_since,status,health,nps,use_case,secondary_use_cases,escalation\n",
    );
    let mut contacts =
        String::from("contact_id,account_id,name,role_level,tier,willing,enrolled_on\n");
    let mut activities = String::from("activity_id,contact_id,kind,date\n");
    for a in 0..90 {
        let (country, region) = places[pick(places.len())];
        let status = if pick(12) == 0 { "churned" } else { "active" };
        let escalation = if pick(15) == 0 { "yes" } else { "no" };
        accounts.push_str(&format!(
            "A{a:03},Account {a},{},{},{country},{region},2020-01-01,{status},{},{},{},{},{escalation}\n",
            industries[pick(industries.len())],
            sizes[pick(sizes.len())],
            30 + pick(70),
            pick(11),
            use_cases[pick(use_cases.len())],
            use_cases[pick(use_cases.len())],
        ));
        for c in 0..1 + pick(3) {
            let id = format!("C{a:03}-{c}");
            contacts.push_str(&format!(
                "{id},A{a:03},Person {a} {c},{},{},call;case-study,2024-01-01\n",
                levels[pick(levels.len())],
                tiers[pick(tiers.len())],
            ));
            for k in 0..pick(4) {
                activities.push_str(&format!(
                    "X{a:03}-{c}-{k},{id},call,2026-{:02}-{:02}\n",
                    6 + pick(5),
                    1 + pick(28)
                ));
            }
        }
    }
    let work = Workdir::new();
    work.import("accounts", &accounts);
    work.import("contacts", &contacts);
    work.import("activities", &activities);
    work
}

/// The rows of `match ... --format csv` without the rank column.
fn rows_of(work: &Workdir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--as-of", AS_OF, "match", "--format", "csv"];
    all.extend_from_slice(args);
    let csv = work.run(&all).ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            r.iter().skip(1).collect::<Vec<_>>().join(",")
        })
        .collect()
}

/// `match` reads first only the references that could be excellent (same industry, size
/// and level) and stops there when its top is excellent: for every request it must show
/// the very rows of the full ranking (`--include-poor`, which judges everyone), poor ones
/// left out.
#[test]
fn the_top_is_the_full_rankings_top_whichever_references_are_read() {
    let work = generated_program();
    let mut compared = 0;
    for industry in ["Healthcare", "Banking"] {
        for employees in ["", "1", "500", "3000"] {
            for role in ["", "vp", "manager"] {
                for (deal, top) in [("20000", "1"), ("200000", "3")] {
                    let mut args = vec!["--prospect", "Oracle Co", "--industry", industry];
                    args.extend(["--deal-size", deal, "--use-case", "Fraud detection"]);
                    if !employees.is_empty() {
                        args.extend(["--employees", employees]);
                    }
                    if !role.is_empty() {
                        args.extend(["--role-level", role]);
                    }
                    let mut everyone = args.clone();
                    everyone.extend(["--include-poor", "--top", "1000"]);
                    let expected: Vec<String> = rows_of(&work, &everyone)
                        .into_iter()
                        .filter(|row| row.split(',').nth(4) != Some("poor"))
                        .take(top.parse().expect("top"))
                        .collect();
                    args.extend(["--top", top]);
                    assert_eq!(rows_of(&work, &args), expected, "{args:?}");
                    compared += usize::from(!expected.is_empty());
                }
            }
        }
    }
    assert!(compared > 30, "only {compared} requests found candidates");
}

/// `match` reads accounts, contacts and history only as far as they could still enter the
/// top (issue 16). With `--show-excluded` it judges every enrolled contact instead: its
/// candidates must be the very same, for needs that reach each criterion, on a demo
/// program large enough that most accounts are never read.
#[test]
fn the_top_read_as_far_as_needed_is_the_top_of_everyone_judged() {
    let work = Workdir::new();
    work.run(&["--quiet", "--as-of", AS_OF, "demo", "--size", "1000"])
        .ok();
    let needs: &[&[&str]] = &[
        &[
            "--industry",
            "Healthcare",
            "--employees",
            "800",
            "--use-case",
            "Claims automation",
        ],
        &[
            "--industry",
            "Banking",
            "--employees",
            "5000",
            "--role-level",
            "vp",
            "--top",
            "12",
        ],
        &[
            "--industry",
            "Insurance",
            "--employees",
            "300",
            "--country",
            "United States",
            "--region",
            "Texas",
        ],
        &[
            "--industry",
            "Hospital & Health Care",
            "--use-case",
            "Patient intake",
            "--role-level",
            "director",
        ],
        &[
            "--industry",
            "Retail",
            "--employees",
            "2000",
            "--use-case",
            "Nothing anyone does",
        ],
        &[
            "--industry",
            "Computer Software",
            "--employees",
            "40",
            "--deal-size",
            "20000",
            "--top",
            "8",
        ],
        &[
            "--industry",
            "Transportation",
            "--employees",
            "900",
            "--kind",
            "case-study",
            "--country",
            "USA",
        ],
        &[
            "--industry",
            "Healthcare",
            "--employees",
            "300",
            "--top",
            "1",
        ],
        // No industry: every account ranked first, or (nothing an account decides but its
        // industry) every contact read at once.
        &[
            "--use-case",
            "Claims automation",
            "--employees",
            "800",
            "--top",
            "6",
        ],
        &[
            "--country",
            "Canada",
            "--region",
            "Ontario",
            "--role-level",
            "director",
        ],
        &["--role-level", "vp", "--top", "4"],
    ];
    let candidates = |args: Vec<&str>| -> serde_json::Value {
        let json = work.run(&args).ok();
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        value["candidates"].clone()
    };
    let mut found = 0;
    for need in needs {
        let mut args = vec!["--as-of", AS_OF, "match", "--format", "json"];
        args.extend_from_slice(need);
        let fast = candidates(args.clone());
        args.push("--show-excluded");
        let everyone = candidates(args);
        assert_eq!(fast, everyone, "{need:?}");
        found += fast.as_array().map_or(0, Vec::len);
    }
    assert!(found >= 20, "the needs find candidates ({found})");
}
