//! `refprog demo`: builds a realistic, deterministic reference program and tours it. The
//! data is written as CSV and goes in through `import`, like a CRM export would; asks and
//! answers go through the same store calls as `match --ask` and `request answer`. It is
//! shaped so every report has something to say: a coverage gap, an over-used champion, a
//! fatigue signal, overdue follow-ups.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;

use crate::cli::DemoArgs;
use crate::domain::model::{Answer, RequestStatus};
use crate::import::reader::ReadOptions;
use crate::import::spec::Kind;
use crate::import::{ImportOptions, Progress};
use crate::output::{Format, Out};
use crate::store::{self, Store};

struct Quiet;
impl Progress for Quiet {}

/// An ask to record: request, contact, asked on, and the answer (yes?) with its day.
type DemoAsk = (String, String, NaiveDate, Option<(Answer, NaiveDate)>);

const INDUSTRIES: &[(&str, u32)] = &[
    ("Hospital & Health Care", 14),
    ("Healthcare", 8),
    ("Banking", 10),
    ("Insurance", 7),
    ("Financial Services", 5),
    ("Computer Software", 12),
    ("Information Technology and Services", 6),
    ("Retail", 8),
    ("Consumer Goods", 4),
    ("Transportation", 5),
    ("Logistics and Supply Chain", 4),
    ("Manufacturing", 3),
    ("Telecommunications", 5),
    ("Higher Education", 5),
    ("Government Administration", 4),
];
/// Demand leans to manufacturing, where there are few references: the coverage gap.
const DEAL_INDUSTRIES: &[(&str, u32)] = &[
    ("Hospital & Health Care", 12),
    ("Banking", 10),
    ("Insurance", 6),
    ("Computer Software", 10),
    ("Retail", 6),
    ("Manufacturing", 16),
    ("Machinery", 6),
    ("Transportation", 5),
    ("Telecommunications", 4),
    ("Higher Education", 3),
];
const PLACES: &[(&str, &str)] = &[
    ("United States", "California"),
    ("United States", "Texas"),
    ("United States", "New York"),
    ("United States", "Illinois"),
    ("United States", "Ohio"),
    ("Canada", "Ontario"),
    ("United Kingdom", "England"),
    ("Germany", "Bavaria"),
];
const USE_CASES: &[&str] = &[
    "Claims automation",
    "Patient intake",
    "Fraud detection",
    "Regulatory reporting",
    "Inventory planning",
    "Route planning",
    "Billing automation",
    "Customer onboarding",
];
const FIRST: &[&str] = &[
    "Maya", "Tom", "Priya", "Lee", "Ana", "Sam", "Lars", "Grace", "Omar", "Ines", "Kenji", "Ruth",
    "Diego", "Hana", "Noah", "Zoe",
];
const LAST: &[&str] = &[
    "Okafor", "Reyes", "Shah", "Chen", "Silva", "Ortiz", "Becker", "Hopper", "Haddad", "Moreau",
    "Sato", "Cohen", "Vargas", "Kim", "Novak", "Adams",
];
const TITLES: &[&str] = &[
    "Chief Financial Officer",
    "CIO",
    "VP Operations",
    "VP Finance",
    "Director of IT",
    "Head of Claims",
    "IT Manager",
    "Operations Manager",
    "Analyst",
];
const REPS: &[&str] = &["Jordan Blake", "Casey Park", "Riley Moss", "Avery Stone"];

fn weighted<'a>(rng: &mut ChaCha8Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return item;
        }
        pick -= weight;
    }
    items[0].0
}

/// A request row (the columns of requests.csv below) for a deal row of opportunities.csv.
fn request_row(
    id: &str,
    deal: &[String],
    questions: &str,
    needed_by: &str,
    submitted_on: &str,
    status: &str,
) -> Vec<String> {
    let from_deal = |i: usize| deal.get(i).cloned().unwrap_or_default();
    vec![
        id.to_string(),
        from_deal(0),
        from_deal(2),
        from_deal(3),
        from_deal(4),
        from_deal(5),
        from_deal(6),
        from_deal(8),
        "Proposal".to_string(),
        from_deal(11),
        from_deal(13),
        "vp".to_string(),
        from_deal(7),
        "call".to_string(),
        questions.to_string(),
        needed_by.to_string(),
        String::new(),
        submitted_on.to_string(),
        status.to_string(),
    ]
}

fn write_csv(dir: &Path, name: &str, header: &[&str], rows: &[Vec<String>]) -> Result<PathBuf> {
    let path = dir.join(name);
    let mut writer =
        csv::Writer::from_path(&path).with_context(|| format!("writing {}", path.display()))?;
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(path)
}

/// The demo database: `--db` when given, else `demo.db` in the data folder.
pub fn default_path() -> Result<PathBuf> {
    Ok(store::default_path()?.with_file_name("demo.db"))
}

/// Builds the program into `store` (which must be empty).
pub fn build(store: &mut Store, size: usize, seed: u64, today: NaiveDate) -> Result<String> {
    let existing = store::status::accounts(store.db())?;
    if existing > 0 {
        bail!(
            "'{}' already holds {existing} accounts: demo writes only into a new or empty database (use --db PATH)",
            store.path().display()
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let date = |back: i64| today - Duration::days(back);
    let day = |back: i64| date(back).to_string();
    let dir = std::env::temp_dir().join(format!("refprog-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;

    // Accounts.
    let mut accounts = Vec::new();
    for i in 0..size {
        let industry = weighted(&mut rng, INDUSTRIES);
        let (country, region) = *PLACES.choose(&mut rng).unwrap_or(&PLACES[0]);
        let employees = 10f64.powf(rng.random_range(1.3..4.6)) as i64;
        let nps = [10, 10, 9, 9, 9, 8, 8, 7, 6, 4][rng.random_range(0..10)];
        let since = if i % 17 == 0 {
            rng.random_range(30..170)
        } else {
            rng.random_range(200..2500)
        };
        let milestone =
            ["expansion", "renewal", "qbr", "implementation", "", ""][rng.random_range(0..6)];
        let use_case = *USE_CASES.choose(&mut rng).unwrap_or(&USE_CASES[0]);
        let secondary = *USE_CASES.choose(&mut rng).unwrap_or(&USE_CASES[1]);
        accounts.push(vec![
            format!("D-A{i:04}"),
            format!(
                "{} {}",
                [
                    "Northwind",
                    "Contoso",
                    "Fabrikam",
                    "Tailspin",
                    "Litware",
                    "Adatum",
                    "Proseware",
                    "Wingtip"
                ][i % 8],
                ["Health", "Bank", "Systems", "Logistics", "Group", "Labs"][i % 6]
            ) + &format!(" {}", i / 48 + 1),
            industry.to_string(),
            employees.to_string(),
            country.to_string(),
            region.to_string(),
            day(since),
            if i % 23 == 7 { "churned" } else { "active" }.to_string(),
            rng.random_range(45..100).to_string(),
            nps.to_string(),
            rng.random_range(30..100).to_string(),
            rng.random_range(5..80).to_string(),
            use_case.to_string(),
            if secondary != use_case {
                secondary.to_string()
            } else {
                String::new()
            },
            milestone.to_string(),
            if milestone.is_empty() {
                String::new()
            } else {
                day(rng.random_range(5..400))
            },
            if i % 29 == 3 { "yes" } else { "no" }.to_string(),
            [
                "",
                "",
                "case-study",
                "review",
                "event;referral",
                "review;event",
            ][rng.random_range(0..6)]
            .to_string(),
        ]);
    }
    let accounts_csv = write_csv(
        &dir,
        "accounts.csv",
        &[
            "account_id",
            "name",
            "industry",
            "employees",
            "country",
            "region",
            "customer_since",
            "status",
            "health",
            "nps",
            "adoption",
            "advanced_adoption",
            "use_case",
            "secondary_use_cases",
            "milestone",
            "milestone_date",
            "escalation",
            "signals",
        ],
        &accounts,
    )?;

    // Contacts: about 1.5 per account; a fifth of the accounts have an enrolled reference.
    let mut contacts = Vec::new();
    let mut references: Vec<(String, &str)> = Vec::new();
    let enrolled_target = (size / 5).max(4);
    for (i, account) in accounts.iter().enumerate() {
        let people = if i % 2 == 0 { 2 } else { 1 };
        for p in 0..people {
            let id = format!("D-C{i:04}{p}");
            let usable = account[7] == "active"
                && account[16] == "no"
                && account[9].parse::<i64>().unwrap_or(0) >= 7;
            let enroll = usable && p == 0 && references.len() < enrolled_target && i % 5 != 4;
            let tier = if !enroll {
                ""
            } else {
                match references.len() % 12 {
                    0 | 1 => "strategic",
                    10 => "logo",
                    8 | 9 => "new",
                    _ => "standard",
                }
            };
            if enroll {
                references.push((id.clone(), tier));
            }
            contacts.push(vec![
                id,
                account[0].clone(),
                format!(
                    "{} {}",
                    FIRST[(i + p) % FIRST.len()],
                    LAST[(i * 7 + p * 3) % LAST.len()]
                ),
                TITLES[(i + p * 4) % TITLES.len()].to_string(),
                tier.to_string(),
                if enroll {
                    [
                        "call;email",
                        "call;email;case-study",
                        "call;site-visit;exec-connection",
                        "call;webinar;speaking",
                    ][i % 4]
                        .to_string()
                } else {
                    String::new()
                },
                if enroll {
                    format!("{};rollout;ROI", account[12].to_lowercase())
                } else {
                    String::new()
                },
                if enroll && i % 3 == 0 {
                    "pricing;roadmap".to_string()
                } else {
                    String::new()
                },
                if enroll {
                    day(rng.random_range(60..700))
                } else {
                    String::new()
                },
                if enroll && references.len() == 7 {
                    day(-20)
                } else {
                    String::new()
                },
            ]);
        }
    }
    let contacts_csv = write_csv(
        &dir,
        "contacts.csv",
        &[
            "contact_id",
            "account_id",
            "name",
            "title",
            "tier",
            "willing",
            "topics",
            "avoid_topics",
            "enrolled_on",
            "break_until",
        ],
        &contacts,
    )?;

    // Opportunities: half open (closing in the next 150 days), the rest won or lost.
    let mut opportunities = Vec::new();
    let deals = size * 4 / 3;
    for i in 0..deals {
        let industry = weighted(&mut rng, DEAL_INDUSTRIES);
        let (country, region) = *PLACES.choose(&mut rng).unwrap_or(&PLACES[0]);
        let open = i % 2 == 0;
        let close = if open {
            today + Duration::days(rng.random_range(3..150))
        } else {
            today - Duration::days(rng.random_range(5..360))
        };
        let status = if open {
            "open"
        } else if i % 5 < 3 {
            "won"
        } else {
            "lost"
        };
        opportunities.push(vec![
            format!("D-O{i:04}"),
            format!("Prospect {i} platform deal"),
            format!("Prospect {i}"),
            industry.to_string(),
            (10f64.powf(rng.random_range(1.5..4.5)) as i64).to_string(),
            country.to_string(),
            region.to_string(),
            USE_CASES
                .choose(&mut rng)
                .unwrap_or(&USE_CASES[0])
                .to_string(),
            (rng.random_range(2..60) * 5000).to_string(),
            if open { "Proposal" } else { "Closed" }.to_string(),
            (close - Duration::days(rng.random_range(40..200))).to_string(),
            close.to_string(),
            status.to_string(),
            REPS[i % REPS.len()].to_string(),
        ]);
    }
    let opportunities_csv = write_csv(
        &dir,
        "opportunities.csv",
        &[
            "opportunity_id",
            "name",
            "prospect",
            "industry",
            "employees",
            "country",
            "region",
            "use_case",
            "amount",
            "stage",
            "created_on",
            "close_date",
            "status",
            "rep",
        ],
        &opportunities,
    )?;

    // A year of requests, on closed and open deals; the older ones completed.
    let mut requests = Vec::new();
    let active_refs: Vec<&(String, &str)> =
        references.iter().filter(|(_, t)| *t != "logo").collect();
    let mut activities = Vec::new();
    let mut asks: Vec<DemoAsk> = Vec::new();
    // Each request's steps as the lifecycle commands record them (request qualify, match,
    // log-call), so the fulfilment report and the page's headline have hours to scheduled:
    // imported requests carry no steps. Times come from the request's number, not the
    // random stream, so the rest of the demo stays as it was.
    let mut steps: Vec<(String, RequestStatus, String)> = Vec::new();
    let request_count = (size / 5).max(6);
    for i in 0..request_count {
        let deal = &opportunities[(i * 7 + 1) % opportunities.len()];
        let submitted = rng.random_range(2..340);
        let done = submitted > 20;
        let status = if done {
            "completed"
        } else if i % 3 == 0 {
            "submitted"
        } else {
            "qualified"
        };
        let id = format!("D-R{i:03}");
        requests.push(request_row(
            &id,
            deal,
            "How long did the rollout take?",
            &day(submitted - 10),
            &day(submitted),
            status,
        ));
        let at = |back: i64, hour: usize, minute: usize| {
            format!("{}T{hour:02}:{minute:02}:00", day(back))
        };
        let (hour, minute) = (9 + i % 3, (i * 13) % 60);
        steps.push((
            id.clone(),
            RequestStatus::Submitted,
            at(submitted, hour, minute),
        ));
        if status != "submitted" {
            steps.push((
                id.clone(),
                RequestStatus::Qualified,
                at(submitted, hour + 2, minute),
            ));
        }
        if done {
            // Asked the next day; scheduled one to three days after submission, so some
            // make the 48 hours and some do not; the call is four days after.
            let days = 1 + (i as i64 % 3);
            steps.push((id.clone(), RequestStatus::Asked, at(submitted - 1, 10, 0)));
            steps.push((
                id.clone(),
                RequestStatus::Scheduled,
                at(submitted - days, 8 + (i * 5) % 10, minute),
            ));
            steps.push((
                id.clone(),
                RequestStatus::Completed,
                at(submitted - 4, 17, 0),
            ));
        }
        if done && !active_refs.is_empty() {
            // The first strategic reference is the over-used champion.
            let (contact, _) = if i % 4 == 0 {
                active_refs[0]
            } else {
                active_refs[(i * 5) % active_refs.len()]
            };
            let asked = submitted - 1;
            let call = submitted - 4;
            asks.push((
                id.clone(),
                contact.clone(),
                date(asked),
                Some((Answer::Yes, date(asked - 1))),
            ));
            activities.push(vec![
                format!("D-ACT{i:03}"),
                contact.clone(),
                id.clone(),
                "call".to_string(),
                day(call),
                "25".to_string(),
                rng.random_range(7..11).to_string(),
                rng.random_range(6..11).to_string(),
                String::new(),
            ]);
            if i % 3 != 0 {
                activities.push(vec![
                    format!("D-TY{i:03}"),
                    contact.clone(),
                    String::new(),
                    "thank-you".to_string(),
                    day(call - 1),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
    }
    // The champion's busy quarter (burnout), and a reference who passed twice (fatigue).
    if let Some((champion, _)) = active_refs.first() {
        for (n, back) in [10, 30, 52].into_iter().enumerate() {
            activities.push(vec![
                format!("D-BUSY{n}"),
                champion.clone(),
                String::new(),
                "webinar".to_string(),
                day(back),
                "45".to_string(),
                "8".to_string(),
                String::new(),
                "Panel".to_string(),
            ]);
        }
    }
    if let Some((tired, _)) = active_refs.get(3) {
        for (n, back) in [80, 40].into_iter().enumerate() {
            let id = format!("D-RP{n}");
            let deal = &opportunities[(n * 11 + 3) % opportunities.len()];
            requests.push(request_row(&id, deal, "", "", &day(back + 1), "matched"));
            asks.push((
                id,
                tired.clone(),
                date(back),
                Some((Answer::Pass, date(back - 2))),
            ));
        }
    }
    let requests_csv = write_csv(
        &dir,
        "requests.csv",
        &[
            "request_id",
            "opportunity_id",
            "prospect",
            "industry",
            "employees",
            "country",
            "region",
            "deal_size",
            "stage",
            "close_date",
            "rep",
            "role_level",
            "use_case",
            "kind",
            "questions",
            "needed_by",
            "justification",
            "submitted_on",
            "status",
        ],
        &requests,
    )?;
    let activities_csv = write_csv(
        &dir,
        "activities.csv",
        &[
            "activity_id",
            "contact_id",
            "request_id",
            "kind",
            "date",
            "minutes",
            "reference_rating",
            "prospect_rating",
            "notes",
        ],
        &activities,
    )?;

    for (kind, path) in [
        (Kind::Accounts, accounts_csv),
        (Kind::Contacts, contacts_csv),
        (Kind::Opportunities, opportunities_csv),
        (Kind::Requests, requests_csv),
        (Kind::Activities, activities_csv),
    ] {
        let options = ImportOptions {
            kind,
            path: Some(path),
            read: ReadOptions::default(),
            date_format: None,
            maps: Vec::new(),
            value_maps: Vec::new(),
            skip_bad: false,
            rejects: None,
            dry_run: false,
        };
        store.in_transaction(|tx| {
            let (summary, bad) = crate::import::import(tx, &options, &mut Quiet)?;
            if let Some(row) = bad.first() {
                bail!(
                    "demo data for {}: line {}: {}",
                    kind.as_str(),
                    row.line,
                    row.reasons.join("; ")
                );
            }
            Ok(((), summary.written))
        })?;
    }
    store.in_transaction(|tx| {
        for (request, status, at) in &steps {
            store::requests::record(tx, request, *status, at, None, None)?;
        }
        for (request, contact, asked_on, answer) in &asks {
            store::requests::insert_ask(tx, request, contact, *asked_on)?;
            if let Some((answer, on)) = answer {
                store::requests::answer_ask(tx, request, contact, *answer, *on, None)?;
            }
        }
        // The sample request the tour matches.
        let sample = store::requests::RequestRow {
            request_id: "D-SAMPLE".to_string(),
            prospect: "Bayside Health".to_string(),
            industry: Some("Healthcare".to_string()),
            employees: Some(1200),
            country: Some("United States".to_string()),
            deal_size_cents: Some(9_000_000),
            stage: Some("Proposal".to_string()),
            rep: Some("Jordan Blake".to_string()),
            role_level: Some(crate::domain::model::RoleLevel::Vp),
            use_case: Some("Claims automation".to_string()),
            kind: "call".to_string(),
            questions: Some(
                "How long did the rollout take, and did clinicians adopt it?".to_string(),
            ),
            submitted_on: Some(today),
            status: crate::domain::model::RequestStatus::Qualified,
            ..Default::default()
        };
        store::requests::insert(tx, &sample)?;
        store::requests::record(
            tx,
            "D-SAMPLE",
            crate::domain::model::RequestStatus::Submitted,
            &crate::stamp(today),
            None,
            None,
        )?;
        Ok(((), true))
    })?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(format!(
        "{} accounts, {} contacts ({} enrolled references),\n{} opportunities, {} requests, {} activities",
        accounts.len(),
        contacts.len(),
        references.len(),
        opportunities.len(),
        requests.len() + 1,
        activities.len()
    ))
}

/// Runs one command of the tour, given as its words after `refprog`, printing to the
/// output it is given (the dispatcher's own, so the tour runs exactly what it shows).
pub type TourStep<'a> = dyn FnMut(&[&str], &mut Store, &mut Out) -> Result<()> + 'a;

/// The tour: a title and the command it runs.
const TOUR: [(&str, &str); 4] = [
    (
        "Who should be a reference (the top 5 of score)",
        "score --top 5",
    ),
    (
        "The right references for a deal, with reasons",
        "match D-SAMPLE --top 3",
    ),
    (
        "What is overdue (thank-yous, feedback, check-ins, recommitments)",
        "followups --overdue --top 8",
    ),
    (
        "Bench coverage: where the pipeline has no references",
        "report coverage",
    ),
];

pub fn run(
    args: &DemoArgs,
    store: &mut Store,
    out: &mut Out,
    today: NaiveDate,
    run_step: &mut TourStep<'_>,
) -> Result<()> {
    let built = build(store, args.size as usize, args.seed, today)?;
    let db = store.path().display().to_string();
    let mut tour = Out::new(Format::Table, true);
    out.text(&format!("refprog demo: {built}\nin {db} (as of {today})\n"))?;
    for (title, command) in TOUR {
        out.text(&format!("\n== {title}\n$ refprog --db {db} {command}\n"))?;
        out.flush()?;
        let words: Vec<&str> = command.split_whitespace().collect();
        run_step(&words, store, &mut tour)?;
    }
    out.text(&format!("\nNext: refprog --db {db} report utilization | health | fulfillment | impact | satisfaction\n"))?;
    let _ = std::io::stdout().flush();
    Ok(())
}
