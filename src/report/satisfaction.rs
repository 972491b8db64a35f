//! Satisfaction: reference NPS from the references' ratings, the prospects' ratings, and the
//! ask-to-yes rate, in the period.

use anyhow::Result;

use super::{Metrics, Period};
use crate::domain::metrics::{Rate, nps};
use crate::output::Out;
use crate::store::{self, Store};

pub fn run(store: &mut Store, out: &mut Out, period: Period) -> Result<()> {
    let (reference, prospect) = store::reports::ratings(store.db(), period.since, period.until)?;
    let answers = store::reports::ask_answers(store.db(), period.since, period.until)?;
    print(out, &reference, &prospect, answers)
}

/// The report from a period's ratings (reference's, prospect's) and its asks' answers (yes,
/// answered), read by the caller: the review reads a year of months' ratings in one pass
/// and prints each month with this.
pub fn print(
    out: &mut Out,
    reference: &[i64],
    prospect: &[i64],
    answers: (u64, u64),
) -> Result<()> {
    let mut m = Metrics::default();
    let show = |ratings: &[i64]| {
        nps(ratings).map_or("n/a".to_string(), |(score, _)| format!("{score:.0}"))
    };
    m.add(
        "references",
        "reference NPS (their ratings of the experience)",
        show(reference),
        Some(reference.len() as u64),
        None,
        None,
    );
    m.add(
        "prospects",
        "prospect NPS (their ratings of the call)",
        show(prospect),
        Some(prospect.len() as u64),
        None,
        None,
    );
    let average = if prospect.is_empty() {
        "n/a".to_string()
    } else {
        format!(
            "{:.1}",
            prospect.iter().sum::<i64>() as f64 / prospect.len() as f64
        )
    };
    m.add(
        "prospects",
        "average prospect rating (0-10)",
        average,
        Some(prospect.len() as u64),
        None,
        None,
    );
    let (yes, answered) = answers;
    let rate = Rate::new(yes, answered);
    m.add(
        "asks",
        "ask-to-yes rate",
        rate.describe(),
        Some(rate.n),
        None,
        None,
    );
    m.print(out)
}
