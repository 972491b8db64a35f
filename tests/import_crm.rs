//! What real Salesforce and HubSpot exports mean, through the real binary: ids in both
//! Salesforce forms, ids a spreadsheet destroyed, leads, task types that are not load,
//! `--map-value`, prospects, deals described by their accounts, and the migration of
//! databases that hold both id forms. Fixtures: fixtures/exports/ (see its README).

mod util;

use util::Workdir;

const EXPORTS: &str = "fixtures/exports";

fn fixture(name: &str) -> String {
    format!("{EXPORTS}/{name}")
}

fn export(work: &Workdir, kind: &str) -> Vec<serde_json::Value> {
    let json = work.run(&["export", kind, "--format", "json"]).ok();
    serde_json::from_str(&json).expect("json")
}

fn ids(rows: &[serde_json::Value], key: &str) -> Vec<String> {
    rows.iter()
        .map(|r| r[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_report_import_then_a_data_export_of_the_same_accounts_updates_them() {
    let work = Workdir::new();
    let first = work
        .run(&[
            "import",
            "accounts",
            &fixture("salesforce_report_accounts.csv"),
        ])
        .fails(0);
    assert!(first.contains("5 read, 5 inserted"), "{first}");
    let second = work
        .run(&[
            "import",
            "accounts",
            &fixture("salesforce_weekly/Account.csv"),
        ])
        .fails(0);
    assert!(
        second.contains("accounts: 5 read, 0 inserted, 3 updated, 2 unchanged, 0 rejected"),
        "{second}"
    );
    let accounts = export(&work, "accounts");
    assert_eq!(
        ids(&accounts, "account_id"),
        [
            "001Dn00000Rf1AbIAJ",
            "001Dn00000Rf1AcIAJ",
            "001Dn00000Rf1AdIAJ",
            "001Dn00000Rf1AeIAJ",
            "001Dn00000Rf1AfIAJ"
        ],
        "stored in the 18-character form, once each"
    );
}

#[test]
fn contacts_with_18_character_account_ids_find_accounts_imported_with_15() {
    let work = Workdir::new();
    work.run(&[
        "import",
        "accounts",
        &fixture("salesforce_report_accounts.csv"),
    ])
    .ok();
    let run = work
        .run(&["import", "contacts", &fixture("dataloader_contacts.csv")])
        .fails(0);
    assert!(run.contains("2 read, 2 inserted"), "{run}");
    let contacts = export(&work, "contacts");
    assert_eq!(contacts[0]["account_id"], "001Dn00000Rf1AbIAJ");
    // The report's 15-character id on the command line finds the record.
    let explain = work
        .run(&[
            "--as-of",
            "2026-11-30",
            "score",
            "--explain",
            "001Dn00000Rf1Ab",
        ])
        .ok();
    assert!(explain.contains("Northwind Health"), "{explain}");
    // A lookup stays exact: the id in another case is another record.
    let stderr = work
        .run(&["score", "--explain", "001dn00000rf1abiaj"])
        .fails(1);
    assert!(
        stderr.contains("no account '001dn00000rf1abiaj'"),
        "{stderr}"
    );
}

#[test]
fn salesforces_empty_id_is_read_as_blank() {
    let work = Workdir::new();
    work.run(&[
        "import",
        "opportunities",
        &fixture("dataloader_opportunities.csv"),
    ])
    .ok();
    let deals = export(&work, "opportunities");
    let inbound = deals
        .iter()
        .find(|d| d["opportunity_id"] == "006Dn00000Pz3QdIAJ")
        .expect("deal");
    assert_eq!(inbound["account_id"], serde_json::Value::Null);
}

#[test]
fn hubspot_numeric_ids_and_canonical_ids_are_untouched() {
    let work = Workdir::new();
    work.run(&["import", "accounts", &fixture("hubspot_companies.csv")])
        .ok();
    work.import(
        "accounts",
        "account_id,name\nA-HEALTH,Mercy Health\n512345678901234,Fifteen Digits Inc\nACME00000000001,Acme\n",
    );
    let accounts = export(&work, "accounts");
    let ids = ids(&accounts, "account_id");
    for id in [
        "18012345678",
        "18012345681",
        "A-HEALTH",
        "512345678901234",
        "ACME00000000001",
    ] {
        assert!(ids.contains(&id.to_string()), "{id} in {ids:?}");
    }
}

#[test]
fn a_task_of_a_lead_is_refused_with_exactly_that_reason() {
    let work = Workdir::new();
    work.run(&[
        "import",
        "accounts",
        &fixture("salesforce_weekly/Account.csv"),
    ])
    .ok();
    work.run(&[
        "import",
        "contacts",
        &fixture("salesforce_weekly/Contact.csv"),
    ])
    .ok();
    let stderr = work
        .run(&[
            "import",
            "activities",
            &fixture("salesforce_weekly/Task.csv"),
            "--map-value",
            "kind:Call=check-in",
            "--map-value",
            "kind:Email=check-in",
            "--map-value",
            "kind:=check-in",
        ])
        .fails(1);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("Task.csv:6"))
        .collect();
    assert_eq!(
        lines,
        [
            "fixtures/exports/salesforce_weekly/Task.csv:6: column 'WhoId': value '00QDn00000Ld9ZaMAJ': a lead, not a contact"
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 5 rows are bad; nothing was written"),
        "{stderr}"
    );
}

#[test]
fn ids_a_spreadsheet_turned_into_numbers_are_refused_and_nothing_changes() {
    let work = Workdir::new();
    work.run(&["import", "accounts", &fixture("hubspot_companies.csv")])
        .ok();
    let before = work.db_bytes();
    let stderr = work
        .run(&[
            "import",
            "contacts",
            &fixture("hubspot_contacts_excel_resaved.csv"),
        ])
        .fails(1);
    assert!(
        stderr.contains(
            "hubspot_contacts_excel_resaved.csv:2: column 'Record ID': value '1.07677E+11': \
             expected the id as the CRM wrote it: the id was turned into a number by a spreadsheet; re-export, or format the column as text"
        ),
        "{stderr}"
    );
    assert_eq!(work.db_bytes(), before, "the database changed");
}

#[test]
fn hubspot_contacts_and_deals_find_their_companies_by_record_id() {
    let work = Workdir::new();
    let companies = work
        .run(&["import", "accounts", &fixture("hubspot_companies.csv")])
        .fails(0);
    assert!(
        companies.contains("2 account(s) stored as prospects"),
        "{companies}"
    );
    let contacts = work
        .run(&["import", "contacts", &fixture("hubspot_contacts.csv")])
        .fails(0);
    assert!(
        contacts.contains("contacts: 3 read, 3 inserted"),
        "{contacts}"
    );
    let deals = work
        .run(&["import", "opportunities", &fixture("hubspot_deals.csv")])
        .fails(0);
    assert!(
        deals.contains("note: took industry, size or region of 2 opportunities from their account"),
        "{deals}"
    );
    let rows = export(&work, "opportunities");
    let coffee = rows
        .iter()
        .find(|d| d["opportunity_id"] == "9012345601")
        .expect("deal");
    assert_eq!(coffee["account_id"], "18012345680");
    assert_eq!(coffee["industry"], "Food & Beverages");
    assert_eq!(coffee["employees"], 900);
    assert_eq!(coffee["region"], "Oregon");
}

#[test]
fn prospects_partners_and_others_are_stored_as_prospects_never_scored_or_matched() {
    let work = Workdir::new();
    work.run(&[
        "import",
        "accounts",
        &fixture("salesforce_weekly/Account.csv"),
    ])
    .ok();
    let accounts = export(&work, "accounts");
    let status: Vec<(String, String)> = accounts
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap_or_default().to_string(),
                a["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("Northwind Health".to_string(), "active".to_string()),
            ("Contoso Bank".to_string(), "active".to_string()),
            ("Adatum Insurance".to_string(), "prospect".to_string()),
            ("Trey Research".to_string(), "prospect".to_string()),
            ("Woodgrove Clinics".to_string(), "prospect".to_string()),
        ]
    );
    let list = work
        .run(&["--as-of", "2026-11-30", "score", "--format", "csv"])
        .ok();
    assert!(list.contains("Northwind Health"), "{list}");
    for prospect in ["Adatum", "Trey", "Woodgrove"] {
        assert!(!list.contains(prospect), "{prospect} scored:\n{list}");
    }
    // An enrolled contact of a prospect is never offered.
    work.import(
        "contacts",
        "contact_id,account_id,name,title,tier,willing\n\
         C-P,001Dn00000Rf1AdIAJ,Pat Prospect,CIO,standard,call\n",
    );
    work.import(
        "requests",
        "request_id,prospect,industry,employees,deal_size,stage,role_level\n\
         R-1,Lamna,Insurance,3000,200000,Negotiation,c-level\n",
    );
    let matched = work
        .run(&[
            "--as-of",
            "2026-11-30",
            "match",
            "R-1",
            "--show-excluded",
            "--format",
            "csv",
            "--section",
            "excluded",
        ])
        .ok();
    assert!(
        matched.contains("Adatum Insurance is not a customer (a prospect)"),
        "{matched}"
    );
}

#[test]
fn a_pipeline_that_names_no_industry_size_or_region_scores_those_neutral() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,country,region,nps,health\n\
         A-1,Northwind Health,Healthcare,1200,United States,Illinois,10,90\n",
    );
    // A deal of an account refprog does not know: nothing to describe it with.
    work.import(
        "opportunities",
        "opportunity_id,name,account_id,amount,close_date\nO-1,Inbound,001Dn00000ZzZzZ,50000,2026-12-20\n",
    );
    let explain = work
        .run(&["--as-of", "2026-11-30", "score", "--explain", "A-1"])
        .ok();
    assert!(
        explain
            .contains("industry (same sector group counts half): no open deal names one: neutral"),
        "{explain}"
    );
    let csv = work
        .run(&["--as-of", "2026-11-30", "score", "--format", "csv"])
        .ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    let row = reader.records().next().expect("row").expect("csv");
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(&row[at("icp_fit")], "50", "{csv}");
    assert!(
        row[at("reason")]
            .contains("the open pipeline names no industry, size, region or use case: neutral"),
        "{csv}"
    );
}

#[test]
fn salesforce_task_types_are_not_load_and_blank_kinds_list_their_values() {
    let work = Workdir::new();
    work.run(&[
        "import",
        "accounts",
        &fixture("salesforce_weekly/Account.csv"),
    ])
    .ok();
    work.run(&[
        "import",
        "contacts",
        &fixture("salesforce_weekly/Contact.csv"),
    ])
    .ok();
    let before = work.db_bytes();
    let stderr = work
        .run(&[
            "import",
            "activities",
            &fixture("salesforce_weekly/Task.csv"),
        ])
        .fails(1);
    assert!(
        stderr.contains(
            "Task.csv: column 'Type': 3 values are not read as a kind (call, email, site-visit, exec-connection, \
             case-study, review, webinar, speaking, press, thank-you, check-in, feedback, loop-closed, gift or \
             recommit): (blank) in 1 row, 'Call' in 1 row, 'Email' in 1 row; say what they mean with \
             --map-value 'kind:=check-in' --map-value 'kind:Call=check-in' --map-value 'kind:Email=check-in'"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("Task.csv:2: column 'Type': value 'Call': a sales activity type (a Salesforce task or event, a HubSpot activity)"),
        "{stderr}"
    );
    assert_eq!(work.db_bytes(), before);
    let run = work
        .run(&[
            "import",
            "activities",
            &fixture("salesforce_weekly/Task.csv"),
            "--map-value",
            "kind:Call=check-in",
            "--map-value",
            "kind:Email=check-in",
            "--map-value",
            "kind:=check-in",
            "--skip-bad",
        ])
        .fails(0);
    assert!(run.contains("5 read, 4 inserted"), "{run}");
    let activities = export(&work, "activities");
    let kinds: Vec<&str> = activities
        .iter()
        .map(|a| a["kind"].as_str().unwrap_or_default())
        .collect();
    // The rep's call and email are touches; the reference call a rep logged stays a call.
    assert_eq!(kinds, ["check-in", "check-in", "call", "check-in"]);
    // CallDurationInSeconds 900: a quarter of an hour.
    assert_eq!(activities[0]["minutes"], 15);
    let events = work
        .run(&[
            "import",
            "activities",
            &fixture("salesforce_weekly/Event.csv"),
        ])
        .fails(1);
    assert!(events.contains("'Meeting' in 1 row"), "{events}");
    assert!(
        events.contains("--map-value 'kind:Meeting=check-in'"),
        "{events}"
    );
}

#[test]
fn map_value_is_checked_against_the_kind() {
    let work = Workdir::new();
    let file = work.write("a.csv", "contact_id,kind,date\nC-1,Meeting,2026-11-01\n");
    let file = file.to_str().expect("path");
    let stderr = work
        .run(&[
            "import",
            "activities",
            file,
            "--map-value",
            "kind:Meeting=lunch",
        ])
        .fails(1);
    assert!(
        stderr.contains(
            "--map-value 'kind:Meeting=lunch': 'lunch' is not a kind: expected call, email"
        ),
        "{stderr}"
    );
    let stderr = work
        .run(&["import", "activities", file, "--map-value", "notes:x=y"])
        .fails(1);
    assert!(
        stderr.contains("'notes' is not a field with a fixed set of values"),
        "{stderr}"
    );
    let stderr = work
        .run(&["import", "activities", file, "--map-value", "kind-Meeting"])
        .fails(2);
    assert!(
        stderr.contains("is not of the form 'FIELD:FROM=TO'"),
        "{stderr}"
    );
    // Meeting is not a kind of its own: without a map it is an error.
    let stderr = work.run(&["import", "activities", file]).fails(1);
    assert!(stderr.contains("'Meeting' in 1 row"), "{stderr}");
}

#[test]
fn a_missing_id_column_is_offered_an_id_like_header() {
    let work = Workdir::new();
    let file = work.write(
        "c.csv",
        "Contact type,Contact Record ID,Associated Company IDs,First Name\nCustomer,1,2,Ann\n",
    );
    let stderr = work
        .run(&["import", "contacts", file.to_str().expect("path")])
        .fails(1);
    assert!(
        stderr.contains(
            "closest in the file: 'Contact Record ID' (use --map 'Contact Record ID=contact_id')"
        ),
        "{stderr}"
    );
}

#[test]
fn the_migration_merges_ids_that_differ_only_by_form() {
    let work = Workdir::new();
    {
        let conn = rusqlite::Connection::open(&work.db).expect("db");
        conn.execute_batch(include_str!("../migrations/0001_initial.sql"))
            .expect("0001");
        conn.execute_batch(include_str!("../migrations/0002_override_index.sql"))
            .expect("0002");
        conn.execute_batch(
            "PRAGMA user_version = 2;
             INSERT INTO accounts (account_id, name, nps) VALUES ('001Dn00000Rf1Ab', 'Northwind (report)', 7);
             INSERT INTO accounts (account_id, name, nps) VALUES ('001Dn00000Rf1AbIAJ', 'Northwind Health', 10);
             INSERT INTO accounts (account_id, name) VALUES ('001Dn00000Rf1Ac', 'Contoso Bank');
             INSERT INTO accounts (account_id, name) VALUES ('A-HEALTH', 'Mercy Health');
             INSERT INTO contacts (contact_id, account_id, name) VALUES ('003Dn00000Kq7Xa', '001Dn00000Rf1Ab', 'Maya Okafor');
             INSERT INTO contacts (contact_id, account_id, name) VALUES ('003Dn00000Kq7XaIAJ', '001Dn00000Rf1AbIAJ', 'Maya Okafor');
             INSERT INTO contacts (contact_id, account_id, name) VALUES ('003Dn00000Kq7Xc', '001Dn00000Rf1Ac', 'Priya Shah');
             INSERT INTO requests (request_id, prospect) VALUES ('R-1', 'Lamna');
             INSERT INTO asks (request_id, contact_id, asked_on) VALUES ('R-1', '003Dn00000Kq7Xa', '2026-10-01');
             INSERT INTO asks (request_id, contact_id, asked_on) VALUES ('R-1', '003Dn00000Kq7XaIAJ', '2026-10-01');
             INSERT INTO activities (activity_id, contact_id, kind, date) VALUES ('X-1', '003Dn00000Kq7Xa', 'call', '2026-10-05');
             INSERT INTO activities (activity_id, contact_id, kind, date) VALUES ('X-2', '003Dn00000Kq7XaIAJ', 'email', '2026-10-06');
             INSERT INTO activities (activity_id, contact_id, kind, date) VALUES ('003Dn00000Kq7Xc:2026-10-07:call', '003Dn00000Kq7Xc', 'call', '2026-10-07');",
        )
        .expect("old rows");
    }
    let accounts = export(&work, "accounts");
    assert_eq!(
        ids(&accounts, "account_id"),
        ["001Dn00000Rf1AbIAJ", "001Dn00000Rf1AcIAJ", "A-HEALTH"]
    );
    // The row written last wins.
    assert_eq!(accounts[0]["name"], "Northwind Health");
    assert_eq!(accounts[0]["nps"], 10);
    let contacts = export(&work, "contacts");
    assert_eq!(
        ids(&contacts, "contact_id"),
        ["003Dn00000Kq7XaIAJ", "003Dn00000Kq7XcIAJ"]
    );
    assert_eq!(contacts[1]["account_id"], "001Dn00000Rf1AcIAJ");
    // Both activities stay, on the one contact.
    let activities = export(&work, "activities");
    assert_eq!(
        ids(&activities, "contact_id"),
        [
            "003Dn00000Kq7XcIAJ",
            "003Dn00000Kq7XaIAJ",
            "003Dn00000Kq7XaIAJ"
        ]
    );
    // An id refprog made from the contact id follows it: the same row imported again
    // (with the report's 15-character id) is found, not added.
    assert_eq!(
        activities[0]["activity_id"],
        "003Dn00000Kq7XcIAJ:2026-10-07:call"
    );
    work.import(
        "activities",
        "contact_id,kind,date\n003Dn00000Kq7Xc,call,2026-10-07\n",
    );
    assert_eq!(export(&work, "activities").len(), 3);
    let conn = rusqlite::Connection::open(&work.db).expect("db");
    let asks: Vec<String> = conn
        .prepare("SELECT contact_id FROM asks")
        .expect("asks")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("asks");
    assert_eq!(asks, ["003Dn00000Kq7XaIAJ"], "the same ask once");
    // A prospect can now be stored.
    work.import(
        "accounts",
        "account_id,name,status\nP-1,Prospective,prospect\n",
    );
    let status: String = conn
        .query_row(
            "SELECT status FROM accounts WHERE account_id = 'P-1'",
            [],
            |r| r.get(0),
        )
        .expect("status");
    assert_eq!(status, "prospect");
    let indexes: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'accounts_by_industry'",
            [],
            |r| r.get(0),
        )
        .expect("index");
    assert_eq!(indexes, 1, "the accounts index is rebuilt");
}

/// The flags a Salesforce weekly export's tasks and events need: what their types mean.
const TASK_TYPES: [&str; 8] = [
    "--map-value",
    "kind:Call=check-in",
    "--map-value",
    "kind:Email=check-in",
    "--map-value",
    "kind:=check-in",
    "--map-value",
    "kind:Meeting=check-in",
];

#[test]
fn a_salesforce_weekly_export_folder_imports_in_dependency_order_in_one_transaction() {
    let work = Workdir::new();
    let folder = fixture("salesforce_weekly");
    // Without --skip-bad, the one task of a lead stops the whole import: nothing written.
    let mut args = vec!["import", folder.as_str()];
    args.extend(TASK_TYPES);
    let stderr = work.run(&args).fails(1);
    assert!(
        stderr.contains("import failed: 1 of 19 rows in 5 files are bad; nothing was written"),
        "{stderr}"
    );
    // A failed first import leaves no database at all.
    assert!(!work.db.exists(), "nothing was written");
    args.extend(["--skip-bad", "--rejects"]);
    let rejects = work.path("rejects.csv");
    let rejects_arg = rejects.to_str().expect("path").to_string();
    args.push(&rejects_arg);
    let stderr = work.run(&args).fails(0);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("note: skipped") || l.contains("read,"))
        .collect();
    assert_eq!(
        lines,
        [
            "note: skipped fixtures/exports/salesforce_weekly/Lead.csv: refprog does not import it (leads are not customers; their tasks are refused as leads)",
            "note: skipped fixtures/exports/salesforce_weekly/User.csv: refprog does not import it (Salesforce users are your own staff)",
            "fixtures/exports/salesforce_weekly/Account.csv: accounts: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 rejected",
            "fixtures/exports/salesforce_weekly/Contact.csv: contacts: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected",
            "fixtures/exports/salesforce_weekly/Opportunity.csv: opportunities: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected",
            "fixtures/exports/salesforce_weekly/Event.csv: activities: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected",
            "fixtures/exports/salesforce_weekly/Task.csv: activities: 5 read, 4 inserted, 0 updated, 0 unchanged, 1 rejected",
        ],
        "{stderr}"
    );
    let written = std::fs::read_to_string(&rejects).expect("rejects file");
    let mut reader = csv::Reader::from_reader(written.as_bytes());
    assert_eq!(
        reader.headers().expect("header"),
        vec!["file", "line", "reason", "record"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "fixtures/exports/salesforce_weekly/Task.csv");
    assert_eq!(&rows[0][1], "6");
    assert_eq!(
        &rows[0][2],
        "column 'WhoId': value '00QDn00000Ld9ZaMAJ': a lead, not a contact"
    );
    // The same folder next week: nothing changes.
    let again = work.run(&args).fails(0);
    assert!(
        again.contains("Account.csv: accounts: 5 read, 0 inserted, 0 updated, 5 unchanged"),
        "{again}"
    );
}

#[test]
fn hubspot_exports_are_recognised_by_name_and_ordered_whatever_order_given() {
    let work = Workdir::new();
    let stderr = work
        .run(&[
            "import",
            &fixture("hubspot_deals.csv"),
            &fixture("hubspot_contacts.csv"),
            &fixture("hubspot_companies.csv"),
        ])
        .fails(0);
    let summaries: Vec<&str> = stderr.lines().filter(|l| l.contains(" read, ")).collect();
    assert_eq!(
        summaries,
        [
            "fixtures/exports/hubspot_companies.csv: accounts: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected",
            "fixtures/exports/hubspot_contacts.csv: contacts: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected",
            "fixtures/exports/hubspot_deals.csv: opportunities: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected",
        ],
        "{stderr}"
    );
}

#[test]
fn a_file_whose_kind_cannot_be_told_needs_a_kind() {
    let work = Workdir::new();
    let file = work.write("export.csv", "Id,Name\n1,Ann\n");
    let stderr = work.run(&["import", file.to_str().expect("path")]).fails(1);
    assert!(
        stderr.contains(
            "cannot tell which kind of records it holds: neither its name nor its columns say"
        ),
        "{stderr}"
    );
    let stderr = work.run(&["import"]).fails(2);
    assert!(stderr.contains("name what to import"), "{stderr}");
    let stderr = work.run(&["import", "-"]).fails(2);
    assert!(
        stderr.contains("standard input has no file name"),
        "{stderr}"
    );
    // A single file recognised by its columns imports as that kind.
    let accounts = work.write(
        "export2.csv",
        "Id,Name,Industry,NumberOfEmployees,BillingCountry\n001Dn00000Rf1Ab,Northwind,Healthcare,1200,United States\n",
    );
    let stderr = work
        .run(&["import", accounts.to_str().expect("path")])
        .fails(0);
    assert!(stderr.contains("accounts: 1 read, 1 inserted"), "{stderr}");
}

#[test]
fn a_contact_associated_with_several_companies_is_refused() {
    let work = Workdir::new();
    work.run(&["import", "accounts", &fixture("hubspot_companies.csv")])
        .ok();
    let file = work.write(
        "contacts.csv",
        "Record ID,First Name,Last Name,Associated Company IDs
51234509,Ann,Lee,18012345678;18012345679
",
    );
    let stderr = work
        .run(&["import", "contacts", file.to_str().expect("path")])
        .fails(1);
    assert!(
        stderr.contains(
            "column 'Associated Company IDs': value '18012345678;18012345679': names 2 account records; a row here belongs to one"
        ),
        "{stderr}"
    );
}

/// A README command line: words, and '...' quoting a phrase.
fn readme_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// README's CRM exports block (a Salesforce weekly export folder, then HubSpot's companies
/// and contacts exports) is what refprog prints, run into a database of its own.
#[test]
fn readme_crm_exports_block_is_what_refprog_prints() {
    let readme = include_str!("../README.md");
    let marker = "```console crm-exports\n";
    let start = readme
        .find(marker)
        .expect("README shows CRM exports going in")
        + marker.len();
    let block = &readme[start..start + readme[start..].find("```").expect("closed block")];
    let work = Workdir::new();
    let mut steps: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ refprog ") {
            steps.push((command.to_string(), String::new()));
        } else if let Some((_, expected)) = steps.last_mut() {
            expected.push_str(line);
            expected.push('\n');
        }
    }
    assert_eq!(steps.len(), 2, "a Salesforce folder and HubSpot files");
    assert!(steps[0].0.contains("salesforce_weekly") && steps[1].0.contains("hubspot_contacts"));
    for (command, expected) in steps {
        let args = readme_words(&command);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = work.run(&args);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        assert_eq!(
            format!("{}{}", run.stdout, run.stderr),
            expected,
            "README shows otherwise: {command}"
        );
    }
}

/// A Salesforce activities report (field labels, not the Data Export's API names) and a
/// HubSpot activity export were read without a word: their Type Call and Email became
/// reference calls and emails, load against the contact's limit. They are a rep's own work,
/// read only through --map-value, as in the Data Export; a custom Reference Call still reads.
#[test]
fn activity_reports_of_salesforce_and_hubspot_are_a_reps_work_until_mapped() {
    let work = Workdir::new();
    for (kind, file) in [
        ("accounts", "salesforce_weekly/Account.csv"),
        ("contacts", "salesforce_weekly/Contact.csv"),
    ] {
        work.run(&["--quiet", "import", kind, &fixture(file)]).ok();
    }
    let before = work.db_bytes();
    let stderr = work
        .run(&[
            "import",
            "activities",
            &fixture("salesforce_report_tasks.csv"),
        ])
        .fails(1);
    assert!(
        stderr.contains(
            "salesforce_report_tasks.csv:2: column 'Type': value 'Call': a sales activity type"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("--map-value 'kind:Call=check-in' --map-value 'kind:Email=check-in'"),
        "{stderr}"
    );
    assert_eq!(work.db_bytes(), before, "a refused import changes nothing");
    work.run(&[
        "import",
        "activities",
        &fixture("salesforce_report_tasks.csv"),
        "--map-value",
        "kind:Call=check-in",
        "--map-value",
        "kind:Email=check-in",
    ])
    .ok();
    let kinds: Vec<String> = export(&work, "activities")
        .iter()
        .map(|a| a["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(kinds, ["check-in", "check-in", "call"], "{kinds:?}");

    let hubspot = Workdir::new();
    hubspot
        .run(&[
            "--quiet",
            "import",
            &fixture("hubspot_companies.csv"),
            &fixture("hubspot_contacts.csv"),
        ])
        .ok();
    let before = hubspot.db_bytes();
    let stderr = hubspot
        .run(&["import", "activities", &fixture("hubspot_activities.csv")])
        .fails(1);
    assert!(
        stderr.contains("column 'Activity Type': value 'Meeting': a sales activity type"),
        "{stderr}"
    );
    assert_eq!(hubspot.db_bytes(), before);
}
