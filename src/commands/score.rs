//! `refprog score`: scores every account (or explains one) with `report::score`, which
//! the review page's score lists also print from.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::ScoreArgs;
use crate::output::Out;
use crate::report::score::{Filter, explain, gather, gather_one, list};
use crate::store::{self, Store};

pub fn run(args: &ScoreArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let horizon = args.horizon.unwrap_or(policy.horizon_days);
    if let Some(id) = &args.explain {
        let Some(one) = gather_one(store, &policy, today, horizon, id)? else {
            bail!("no account '{id}' in the database (see 'refprog export accounts')");
        };
        return explain(&one.scored(&policy, today), &policy, out);
    }
    let gathered = gather(store, &policy, today, horizon)?;
    let ranking = gathered.rank(&policy, today)?;
    list(&Filter::from(args), &ranking, &policy, today, out)?;
    drop(ranking);
    // The process ends next: freeing a hundred thousand accounts one by one would only
    // add a tenth of a second at exit.
    std::mem::forget(gathered);
    Ok(())
}
