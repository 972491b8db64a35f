//! Property: export -> import into an empty database -> export gives identical bytes,
//! for arbitrary text (quotes, delimiters, line breaks, formula characters, Unicode),
//! numbers, money, percentages, dates and lists.

mod util;

use proptest::prelude::*;
use util::Workdir;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        "[=+@\\-'\"a-z,;\\n\\r\\t ]{0,10}",
        "\\PC{0,8}",
    ]
}

fn account_row() -> impl Strategy<Value = Vec<String>> {
    (
        text(),
        text(),
        proptest::option::of(0u32..1_000_000),
        proptest::option::of(0i64..10_000_000_000),
        proptest::option::of(0u32..=100),
        proptest::option::of(0.0f64..=100.0),
        proptest::option::of((2000i32..2030, 1u32..=12, 1u32..=28)),
        proptest::collection::vec("[a-z ]{1,6}", 0..3),
        any::<Option<bool>>(),
    )
        .prop_map(
            |(name, industry, employees, cents, health, adoption, since, products, escalation)| {
                vec![
                    format!("X{name}"),
                    industry,
                    employees.map(|e| e.to_string()).unwrap_or_default(),
                    cents
                        .map(|c| format!("{}.{:02}", c / 100, c % 100))
                        .unwrap_or_default(),
                    health.map(|h| h.to_string()).unwrap_or_default(),
                    adoption.map(|a| format!("{a:.3}")).unwrap_or_default(),
                    since
                        .map(|(y, m, d)| format!("{m}/{d}/{y}"))
                        .unwrap_or_default(),
                    products.join(";"),
                    escalation.map(|e| e.to_string()).unwrap_or_default(),
                ]
            },
        )
}

fn import_export(work: &Workdir, csv: &str) -> String {
    let file = work.write("in.csv", csv);
    let run = work.run(&["import", "accounts", file.to_str().expect("path")]);
    assert_eq!(run.code, 0, "import failed: {}\n{csv}", run.stderr);
    work.run(&["export", "accounts"]).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn export_import_export_is_identical(rows in proptest::collection::vec(account_row(), 1..6)) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["account_id", "name", "industry", "employees", "annual_revenue", "health", "adoption",
            "customer_since", "products", "escalation"]).expect("header");
        for (i, row) in rows.iter().enumerate() {
            let mut record = vec![format!("P-{i}")];
            record.extend(row.iter().cloned());
            writer.write_record(&record).expect("row");
        }
        let input = String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8");
        let first = import_export(&Workdir::new(), &input);
        let second = import_export(&Workdir::new(), &first);
        prop_assert_eq!(&first, &second);
        let third = import_export(&Workdir::new(), &second);
        prop_assert_eq!(second, third);
    }
}
