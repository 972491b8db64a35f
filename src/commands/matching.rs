//! `refprog match`: the references that fit a request, graded, ranked and explained;
//! `--show-excluded` says who was left out and why; `--ask` records the ask.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{MatchArgs, RequestFields};
use crate::domain::matching::RankKey;
use crate::domain::matching::{self, Candidate, Exclusion, Grade, Graded, Need};
use crate::domain::model::{ActivityKind, RequestStatus, RoleLevel};
use crate::domain::policy::Policy;
use crate::domain::segments::{IndustryMatch, SectorMap};
use crate::output::{Cell, Column, Format, Out};
use crate::store::matching::{History, Scope};
use crate::store::requests::{self, RequestRow};
use crate::store::{self, Store};
use crate::{UsageError, stamp};

/// The outcome of matching one request.
pub struct Matched {
    pub ranked: Vec<(Graded, Candidate)>,
    pub excluded: Vec<(Candidate, Exclusion)>,
}

/// The best `top` candidates for `need` (all of them, with the excluded, when
/// `show_excluded`); poor ones only with `include_poor`.
///
/// Without poor matches or exclusions to show, only accounts in the request's sector and
/// within the size factor of a good match can matter, and of those first the ones that
/// could be excellent on every criterion a query can bound (the same industry, the size
/// within the excellent factor, the role level asked for or higher): when the best `top`
/// of them are excellent and not saved for bigger deals, no one else can rank above them
/// (anyone else is at best good on one criterion), and the wider read is skipped.
pub fn find(
    store: &Store,
    need: &Need,
    policy: &Policy,
    today: NaiveDate,
    top: usize,
    include_poor: bool,
    show_excluded: bool,
) -> Result<Matched> {
    let sectors = SectorMap::new(&policy.sectors);
    let everyone = include_poor || show_excluded;
    if everyone {
        return judge_all(
            store,
            need,
            policy,
            today,
            &sectors,
            Scope::Enrolled,
            include_poor,
            show_excluded,
        );
    }
    let matched = |ranked| Matched {
        ranked,
        excluded: Vec::new(),
    };
    let Some(wanted) = need.industry.as_deref() else {
        let best = best_of(store, need, policy, today, &sectors, Scope::Enrolled, top)?;
        return Ok(matched(best));
    };
    let industries = store::matching::industries(store.db())?;
    let near = |sector_too: bool| -> Vec<String> {
        industries
            .iter()
            .filter(|theirs| match sectors.industry_match(wanted, theirs) {
                IndustryMatch::Same => true,
                IndustryMatch::SameSector => sector_too,
                IndustryMatch::Different => false,
            })
            .cloned()
            .collect()
    };
    let same = near(false);
    if !same.is_empty() {
        let not_roles: Vec<RoleLevel> = match need.role_level {
            Some(asked) => RoleLevel::ALL
                .iter()
                .copied()
                .filter(|theirs| matching::role_grade(asked, *theirs) != Grade::Excellent)
                .collect(),
            None => Vec::new(),
        };
        let excellent = Scope::Near {
            industries: &same,
            employees: need
                .employees
                .map(|e| matching::employees_within(e, policy.size_excellent)),
            not_roles: &not_roles,
        };
        let best = best_of(store, need, policy, today, &sectors, excellent, top)?;
        if best.len() >= top
            && best[..top]
                .iter()
                .all(|(g, _)| g.grade == Grade::Excellent && !g.saved_for_bigger_deals)
        {
            return Ok(matched(best));
        }
    }
    let near = near(true);
    let scope = Scope::Near {
        industries: &near,
        employees: need
            .employees
            .map(|e| matching::employees_within(e, policy.size_good)),
        not_roles: &[],
    };
    let best = best_of(store, need, policy, today, &sectors, scope, top)?;
    Ok(matched(best))
}

/// Every candidate in `scope` judged: the ones that may be offered (poor ones only with
/// `include_poor`) best first, and with `show_excluded` the ones left out with the reason.
#[allow(clippy::too_many_arguments)]
fn judge_all(
    store: &Store,
    need: &Need,
    policy: &Policy,
    today: NaiveDate,
    sectors: &SectorMap,
    scope: Scope<'_>,
    include_poor: bool,
    show_excluded: bool,
) -> Result<Matched> {
    let mut candidates = store::matching::candidates(store.db(), scope)?;
    let mut history = History::new(store.db(), &need.prospect, policy, today)?;
    let mut excluded = Vec::new();
    let mut ranked: Vec<(RankKey, Graded, usize)> = Vec::new();
    for (i, c) in candidates.iter_mut().enumerate() {
        history.fill(c)?;
        match matching::exclusion(need, c, policy, today) {
            Some(reason) if show_excluded => excluded.push((c.clone(), reason)),
            Some(_) => {}
            None => {
                let g = matching::grade(need, c, sectors, policy, today);
                if include_poor || g.grade != Grade::Poor {
                    ranked.push((matching::rank_key(&g, c, today), g, i));
                }
            }
        }
    }
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    let ranked = ranked
        .into_iter()
        .map(|(_, g, i)| (g, candidates[i].clone()))
        .collect();
    Ok(Matched { ranked, excluded })
}

/// The best `top` candidates in `scope` that may be offered and are not poor, best first.
///
/// Everything but a candidate's history (load, last use, the prospect) is known from its
/// row, and history can only lower its rank; and before its contacts are read, an account
/// tells the best rank any of them could reach ([`matching::account_sketch`]). So accounts
/// and candidates are taken in order of the rank they could reach: an account's contacts
/// are read when it comes up, a candidate's history when it comes up, until no one left
/// could enter the top. At a million accounts, a request's few hundred promising accounts
/// are read out of the ten thousand in its industry and size.
fn best_of(
    store: &Store,
    need: &Need,
    policy: &Policy,
    today: NaiveDate,
    sectors: &SectorMap,
    scope: Scope<'_>,
    top: usize,
) -> Result<Vec<(Graded, Candidate)>> {
    // What is still to be read, with the best rank it could reach (smallest first).
    enum Pending {
        Account(String),
        Candidate(usize),
    }
    struct Queued(RankKey, Pending);
    impl PartialEq for Queued {
        fn eq(&self, other: &Self) -> bool {
            self.0 == other.0
        }
    }
    impl Eq for Queued {}
    impl PartialOrd for Queued {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Queued {
        // Reversed: the heap gives the best bound first.
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            other.0.cmp(&self.0)
        }
    }
    let mut queue = std::collections::BinaryHeap::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    // A candidate read goes in the queue by the best rank it could reach, unless the rules
    // leave it out before its history is read, or it is poor.
    let queue_candidates =
        |read: Vec<Candidate>,
         candidates: &mut Vec<Candidate>,
         queue: &mut std::collections::BinaryHeap<Queued>| {
            for c in read {
                if matching::exclusion(need, &c, policy, today).is_none() {
                    let bound = matching::rank_bound(need, &c, sectors, policy, today);
                    if bound.grade() != Grade::Poor {
                        queue.push(Queued(bound, Pending::Candidate(candidates.len())));
                    }
                }
                candidates.push(c);
            }
        };
    // Every enrolled contact, or those of the accounts in some industries and of a size.
    // Ranking every account first pays when the need names something an account decides
    // besides its industry (its size, use case or place): else nearly every account could
    // reach the top, and reading their contacts in one pass costs less (at 1M accounts, a
    // need of only a role level and a kind: 5 s at once, 6 s account by account).
    let named = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
    let accounts_decide = need.employees.is_some() || named(&need.use_case) || named(&need.country);
    let accounts = match scope {
        Scope::Enrolled if accounts_decide => Some((None, None, &[][..])),
        Scope::Near {
            industries,
            employees,
            not_roles,
        } => Some((Some(industries), employees, not_roles)),
        _ => None,
    };
    let not_roles: &[RoleLevel] = match accounts {
        Some((industries, employees, not_roles)) => {
            let mut sketch = matching::account_sketch();
            let set = |slot: &mut Option<String>, value: Option<&str>| match value {
                Some(v) => {
                    let s = slot.get_or_insert_with(String::new);
                    s.clear();
                    s.push_str(v);
                }
                None => *slot = None,
            };
            store::matching::each_account(store.db(), industries, employees, |a| {
                set(&mut sketch.industry, a.industry);
                set(&mut sketch.use_case, a.use_case);
                sketch.secondary_use_cases.clear();
                sketch
                    .secondary_use_cases
                    .extend(a.secondary_use_cases().map(str::to_string));
                set(&mut sketch.country, a.country);
                set(&mut sketch.region, a.region);
                sketch.employees = a.employees;
                sketch.health = a.health;
                sketch.nps = a.nps;
                let bound = matching::rank_bound(need, &sketch, sectors, policy, today);
                if bound.grade() != Grade::Poor {
                    queue.push(Queued(bound, Pending::Account(a.account_id.to_string())));
                }
            })?;
            not_roles
        }
        None => {
            let read = store::matching::candidates(store.db(), scope)?;
            queue_candidates(read, &mut candidates, &mut queue);
            &[]
        }
    };
    let mut history = History::new(store.db(), &need.prospect, policy, today)?;
    let mut ranked: Vec<(RankKey, Graded, usize)> = Vec::new();
    while let Some(Queued(bound, pending)) = queue.pop() {
        if top == 0 || ranked.len() >= top && ranked[top - 1].0 <= bound {
            break;
        }
        let i = match pending {
            Pending::Account(account_id) => {
                let read = store::matching::candidates(
                    store.db(),
                    Scope::Account {
                        account_id: &account_id,
                        not_roles,
                    },
                )?;
                queue_candidates(read, &mut candidates, &mut queue);
                continue;
            }
            Pending::Candidate(i) => i,
        };
        let c = &mut candidates[i];
        history.fill(c)?;
        if matching::exclusion(need, c, policy, today).is_some() {
            continue;
        }
        let g = matching::grade(need, c, sectors, policy, today);
        if g.grade != Grade::Poor {
            let key = matching::rank_key(&g, c, today);
            let at = ranked.partition_point(|(k, _, _)| *k < key);
            ranked.insert(at, (key, g, i));
        }
    }
    ranked.truncate(top);
    Ok(ranked
        .into_iter()
        .map(|(_, g, i)| (g, candidates[i].clone()))
        .collect())
}

pub fn run(args: &MatchArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    // The same queries run per account and per candidate with other ids.
    store.plan_once()?;
    let policy = store::policy::load(store.db())?;
    let stored = match &args.request_id {
        Some(id) => match requests::get(store.db(), id)? {
            Some(r) => Some(r),
            None => bail!("no request '{id}' (see 'refprog request list')"),
        },
        None => None,
    };
    let need = match &stored {
        Some(r) => r.need(),
        None => {
            let a = &args.adhoc;
            if a.industry.is_none()
                && a.use_case.is_none()
                && a.employees.is_none()
                && a.role_level.is_none()
            {
                return Err(UsageError(
                    "match needs a REQUEST_ID, or the request's flags (--industry, --employees, --use-case, ...)".to_string(),
                )
                .into());
            }
            adhoc_need(a)
        }
    };
    if let (Some(contact), Some(r)) = (&args.ask, &stored) {
        return ask(
            store,
            out,
            &policy,
            today,
            r,
            &need,
            contact,
            args.override_reason.as_deref(),
        );
    }
    if let Some(r) = &stored {
        let heard = requests::references_heard(store.db(), &r.prospect, Some(&r.request_id))?;
        let needed_by = r.needed_by;
        let approved = r.status == RequestStatus::Qualified
            || requests::was_approved(store.db(), &r.request_id)?;
        for warning in matching::warnings(
            r.deal_size_cents,
            approved,
            r.stage.as_deref(),
            heard,
            needed_by,
            &policy,
            today,
        ) {
            out.warn(warning);
        }
    }
    let found = find(
        store,
        &need,
        &policy,
        today,
        args.top,
        args.include_poor,
        args.show_excluded,
    )?;
    let shown: Vec<&(Graded, Candidate)> = found.ranked.iter().take(args.top).collect();
    // The why of each shown candidate, with a fatigue warning where the signals fire.
    let mut whys = Vec::new();
    for (g, c) in &shown {
        let mut why = matching::why(g);
        for pending in store::roster::pending_asks(store.db(), Some(&c.contact_id), today)?
            .remove(&c.contact_id)
            .unwrap_or_default()
        {
            why.push_str(&format!("; {pending}"));
        }
        let done = store::roster::done(
            store.db(),
            Some(&c.contact_id),
            today - chrono::Duration::days(120),
            today,
        )?;
        let dates: Vec<NaiveDate> = done
            .iter()
            .filter(|d| d.kind.counts_against_limit())
            .map(|d| d.date)
            .collect();
        let answers = store::roster::answers(store.db(), &c.contact_id, today)?;
        let signals = crate::domain::policy::fatigue_signals(&answers, &dates, &policy, today);
        if !signals.is_empty() {
            why.push_str(&format!(
                "; fatigue: {} (suggest a break of one quarter)",
                signals.join(", ")
            ));
        }
        whys.push(why);
    }
    // A qualified request that found candidates is matched.
    if let (Some(r), Some((_, best))) = (&stored, shown.first())
        && r.status == RequestStatus::Qualified
    {
        let note = format!("best candidate {}", best.contact_id);
        store.in_transaction(|tx| {
            requests::set_status(
                tx,
                &r.request_id,
                RequestStatus::Matched,
                &stamp(today),
                None,
                Some(&note),
            )?;
            Ok(((), true))
        })?;
    }
    if out.format == Format::Json {
        let candidates: Vec<serde_json::Value> = shown
            .iter()
            .enumerate()
            .map(|(i, (g, c))| {
                serde_json::json!({
                    "rank": i + 1, "contact_id": c.contact_id, "name": c.name, "account": c.account,
                    "tier": c.tier.map(|t| t.as_str()), "grade": g.grade, "score": g.score, "criteria": g.criteria,
                    "load_90d": c.load, "limit": g.limit, "next_eligible": g.next_eligible,
                    "renewal_caution": g.renewal_caution, "why": whys[i],
                })
            })
            .collect();
        let request = stored.as_ref().map_or("ad hoc", |r| r.request_id.as_str());
        let mut value = serde_json::json!({ "request": request, "candidates": candidates });
        if args.show_excluded {
            value["excluded"] = found
                .excluded
                .iter()
                .map(|(c, reason)| serde_json::json!({ "contact_id": c.contact_id, "name": c.name, "account": c.account, "reason": reason.to_string() }))
                .collect();
        }
        return out.json(&value);
    }
    let criterion = |g: &Graded, name: &str| {
        Cell::from(
            g.criteria
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.grade.as_str())
                .unwrap_or("n/a"),
        )
    };
    let columns = [
        Column::number("rank"),
        Column::id("contact_id"),
        Column::text("name"),
        Column::text("account"),
        Column::id("tier").wide(),
        Column::id("grade"),
        Column::number("score"),
        Column::id("industry").wide(),
        Column::id("size").wide(),
        Column::id("use_case").wide(),
        Column::id("role").wide(),
        Column::id("geography").wide(),
        Column::id("availability").wide(),
        Column::id("recency").wide(),
        Column::number("load_90d"),
        Column::number("limit"),
        Column::date("next_eligible").wide(),
        Column::long("why").below(),
    ];
    let mut table = if args.show_excluded {
        out.section("candidates", &columns)?
    } else {
        out.rows(&columns)?
    };
    for (i, (g, c)) in shown.iter().enumerate() {
        table.row(vec![
            Cell::Int(i as i64 + 1),
            Cell::from(c.contact_id.as_str()),
            Cell::from(c.name.as_str()),
            Cell::from(c.account.as_str()),
            Cell::from(c.tier.map(|t| t.as_str())),
            Cell::from(g.grade.as_str()),
            Cell::Real(g.score),
            criterion(g, "industry"),
            criterion(g, "size"),
            criterion(g, "use_case"),
            criterion(g, "role"),
            criterion(g, "geography"),
            criterion(g, "availability"),
            criterion(g, "recency"),
            Cell::Int(i64::from(c.load)),
            Cell::Int(g.limit),
            Cell::from(g.next_eligible.to_string()),
            Cell::from(whys[i].as_str()),
        ])?;
    }
    table.finish()?;
    if let (Format::Table, Some(r), Some((_, best))) = (out.format, &stored, shown.first()) {
        let wide = if out.view.wide {
            ""
        } else {
            " (all reasons: --wide)"
        };
        out.note(format!(
            "next: refprog match {} --ask {}{wide}",
            r.request_id, best.contact_id
        ));
    }
    if shown.is_empty() {
        out.note(if args.include_poor {
            "no reference can be offered for this request (see --show-excluded)"
        } else {
            "no good or excellent match (try --include-poor or --show-excluded)"
        });
    }
    if args.show_excluded {
        let mut table = out.section(
            "excluded",
            &[
                Column::id("contact_id"),
                Column::text("name"),
                Column::text("account"),
                Column::id("tier"),
                Column::long("excluded_because"),
            ],
        )?;
        for (c, reason) in &found.excluded {
            table.row(vec![
                Cell::from(c.contact_id.as_str()),
                Cell::from(c.name.as_str()),
                Cell::from(c.account.as_str()),
                Cell::from(c.tier.map(|t| t.as_str())),
                Cell::from(reason.to_string()),
            ])?;
        }
        table.finish()?;
    }
    Ok(())
}

/// What an ad-hoc request (its flags, nothing stored) needs; the kind is a call unless
/// given.
fn adhoc_need(fields: &RequestFields) -> Need {
    Need {
        prospect: fields
            .prospect
            .clone()
            .unwrap_or_else(|| "the prospect".to_string()),
        industry: fields.industry.clone(),
        employees: fields.employees,
        country: fields.country.clone(),
        region: fields.region.clone(),
        role_level: fields.role_level,
        use_case: fields.use_case.clone(),
        kind: Some(fields.kind.unwrap_or(ActivityKind::Call)),
        deal_size_cents: fields.deal_size,
    }
}

/// Records that `contact` was asked for `request`. A request that needs approval (a deal
/// under `request.min_deal_size` not yet approved) and a contact the rule book refuses are
/// asked only with `--override "reason"`, which is kept with the ask.
#[allow(clippy::too_many_arguments)]
fn ask(
    store: &mut Store,
    out: &mut Out,
    policy: &Policy,
    today: NaiveDate,
    request: &RequestRow,
    need: &Need,
    contact: &str,
    override_reason: Option<&str>,
) -> Result<()> {
    let Some(candidate) = store::matching::one(store.db(), contact, &need.prospect, policy, today)?
    else {
        bail!("no contact '{contact}' (see 'refprog export contacts')");
    };
    if requests::asks(store.db(), &request.request_id)?
        .iter()
        .any(|a| a.contact_id == contact)
    {
        bail!(
            "cannot ask {contact} for {}: already asked",
            request.request_id
        );
    }
    let mut overridden = Vec::new();
    let status = request.status;
    let approved = requests::was_approved(store.db(), &request.request_id)?;
    if let Some(warning) = approval_needed(request, approved, status, policy) {
        match override_reason {
            Some(_) => overridden.push(warning),
            None => bail!(
                "cannot ask {contact} for {}: {warning}. Approve it with 'refprog request approve {}', or ask anyway with --override \"reason\"",
                request.request_id,
                request.request_id
            ),
        }
    }
    match matching::exclusion(need, &candidate, policy, today) {
        None => {}
        Some(reason @ Exclusion::Rule(_)) if override_reason.is_some() => {
            overridden.push(reason.to_string())
        }
        Some(reason) => bail!(
            "cannot ask {contact} ({}) for {}: {reason}{}",
            candidate.name,
            request.request_id,
            if matches!(reason, Exclusion::Rule(_)) {
                ". Nothing was written; ask anyway with --override \"reason\""
            } else {
                ""
            }
        ),
    }
    let sectors = SectorMap::new(&policy.sectors);
    let graded = matching::grade(need, &candidate, &sectors, policy, today);
    let id = request.request_id.clone();
    let override_note = override_reason
        .filter(|_| !overridden.is_empty())
        .map(|reason| format!("override ({reason}) for: {}", overridden.join("; ")));
    store.in_transaction(|tx| {
        requests::status_for_step(tx, &id, RequestStatus::Asked, "ask for")?;
        if requests::asks(tx, &id)?
            .iter()
            .any(|a| a.contact_id == contact)
        {
            bail!("cannot ask {contact} for {id}: already asked");
        }
        requests::insert_ask(tx, &id, contact, today)?;
        let note = match &override_note {
            Some(why) => format!("{}; {why}", graded.grade.as_str()),
            None => graded.grade.as_str().to_string(),
        };
        requests::set_status(
            tx,
            &id,
            RequestStatus::Asked,
            &stamp(today),
            Some(contact),
            Some(&note),
        )?;
        Ok(((), true))
    })?;
    out.note(format!(
        "{id}: asked {contact} ({}, {} match: {})",
        candidate.name,
        graded.grade.as_str(),
        matching::why(&graded)
    ));
    if let Some(why) = &override_note {
        out.warn(format!("{why} (kept in the request's history)"));
    }
    out.note(format!(
        "record the answer with: refprog request answer {id} {contact} --yes|--pass"
    ));
    Ok(())
}

/// The approval warning of a request that needs approval and has none, or None.
fn approval_needed(
    request: &RequestRow,
    approved: bool,
    status: RequestStatus,
    policy: &Policy,
) -> Option<String> {
    if approved || status == RequestStatus::Qualified {
        return None;
    }
    matching::needs_approval(request.deal_size_cents, policy)
}
