//! Requests, their time-stamped lifecycle, and the asks put to references.

use anyhow::{Context, Result, bail};
use rusqlite::{OptionalExtension, params};

use super::Db;
use crate::domain::model::{Answer, RequestStatus, RoleLevel};
use chrono::NaiveDate;

use super::stored_date;

/// A request as stored (money in cents).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RequestRow {
    pub request_id: String,
    pub opportunity_id: Option<String>,
    pub prospect: String,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub deal_size_cents: Option<i64>,
    pub stage: Option<String>,
    pub close_date: Option<NaiveDate>,
    pub rep: Option<String>,
    pub role_level: Option<RoleLevel>,
    pub use_case: Option<String>,
    pub kind: String,
    pub questions: Option<String>,
    pub needed_by: Option<NaiveDate>,
    pub justification: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    pub status: RequestStatus,
    pub decline_reason: Option<String>,
}

impl RequestRow {
    /// What the request needs, as matching reads it.
    pub fn need(&self) -> crate::domain::matching::Need {
        use crate::domain::model::ActivityKind;
        crate::domain::matching::Need {
            prospect: self.prospect.clone(),
            industry: self.industry.clone(),
            employees: self.employees,
            country: self.country.clone(),
            region: self.region.clone(),
            role_level: self.role_level,
            use_case: self.use_case.clone(),
            kind: ActivityKind::parse(&self.kind),
            deal_size_cents: self.deal_size_cents,
        }
    }
}

const COLUMNS: &str = "request_id, opportunity_id, prospect, industry, employees, country, region, deal_size_cents, \
    stage, close_date, rep, role_level, use_case, kind, questions, needed_by, justification, submitted_on, status, \
    decline_reason";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        request_id: r.get(0)?,
        opportunity_id: r.get(1)?,
        prospect: r.get(2)?,
        industry: r.get(3)?,
        employees: r.get(4)?,
        country: r.get(5)?,
        region: r.get(6)?,
        deal_size_cents: r.get(7)?,
        stage: r.get(8)?,
        close_date: stored_date(r.get_ref(9)?),
        rep: r.get(10)?,
        role_level: r.get(11)?,
        use_case: r.get(12)?,
        kind: r.get(13)?,
        questions: r.get(14)?,
        needed_by: stored_date(r.get_ref(15)?),
        justification: r.get(16)?,
        submitted_on: stored_date(r.get_ref(17)?),
        status: r.get(18)?,
        decline_reason: r.get(19)?,
    })
}

/// A date as stored: ISO text.
fn day(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

/// The next free id of the form REQ-00042.
pub fn next_id(Db { conn }: Db<'_>) -> Result<String> {
    let mut n: i64 = conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM requests", [], |r| {
        r.get(0)
    })?;
    loop {
        let id = format!("REQ-{n:05}");
        if get(Db { conn }, &id)?.is_none() {
            return Ok(id);
        }
        n += 1;
    }
}

pub fn insert(Db { conn }: Db<'_>, r: &RequestRow) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO requests ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"),
        params![
            r.request_id, r.opportunity_id, r.prospect, r.industry, r.employees, r.country, r.region,
            r.deal_size_cents, r.stage, day(r.close_date), r.rep, r.role_level, r.use_case, r.kind, r.questions,
            day(r.needed_by), r.justification, day(r.submitted_on), r.status, r.decline_reason
        ],
    )
    .context("saving the request")?;
    Ok(())
}

/// Writes every field `request edit` may change (id, status and history stay).
pub fn update(Db { conn }: Db<'_>, r: &RequestRow) -> Result<()> {
    conn.execute(
        "UPDATE requests SET opportunity_id = ?2, prospect = ?3, industry = ?4, employees = ?5, country = ?6,
            region = ?7, deal_size_cents = ?8, stage = ?9, close_date = ?10, rep = ?11, role_level = ?12,
            use_case = ?13, kind = ?14, questions = ?15, needed_by = ?16, justification = ?17
         WHERE request_id = ?1",
        params![
            r.request_id, r.opportunity_id, r.prospect, r.industry, r.employees, r.country, r.region,
            r.deal_size_cents, r.stage, day(r.close_date), r.rep, r.role_level, r.use_case, r.kind, r.questions,
            day(r.needed_by), r.justification
        ],
    )
    .context("saving the request")?;
    Ok(())
}

/// The requests for this prospect (in any case) submitted on `day`.
pub fn same_day(Db { conn }: Db<'_>, prospect: &str, day: NaiveDate) -> Result<Vec<RequestRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM requests WHERE submitted_on = ?2 AND lower(trim(prospect)) = lower(trim(?1))
         ORDER BY id"
    ))?;
    let rows = statement.query_map(params![prospect, day.to_string()], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The status of one request; None when there is no such request.
pub fn status(Db { conn }: Db<'_>, id: &str) -> Result<Option<RequestStatus>> {
    Ok(conn
        .query_row(
            "SELECT status FROM requests WHERE request_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn get(Db { conn }: Db<'_>, id: &str) -> Result<Option<RequestRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM requests WHERE request_id = ?1"),
            [id],
            row,
        )
        .optional()?)
}

pub fn list(Db { conn }: Db<'_>, status: Option<RequestStatus>) -> Result<Vec<RequestRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM requests WHERE ?1 IS NULL OR status = ?1 ORDER BY submitted_on DESC, request_id"
    ))?;
    let rows = statement.query_map([status], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves a request to `status` and records the step.
pub fn set_status(
    Db { conn }: Db<'_>,
    id: &str,
    status: RequestStatus,
    at: &str,
    contact_id: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE requests SET status = ?2 WHERE request_id = ?1",
        params![id, status],
    )?;
    record(Db { conn }, id, status, at, contact_id, note)
}

/// Records a step without changing the status.
pub fn record(
    Db { conn }: Db<'_>,
    id: &str,
    status: RequestStatus,
    at: &str,
    contact_id: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO request_events (request_id, at, status, contact_id, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, at, status, contact_id, note],
    )?;
    Ok(())
}

pub fn set_decline_reason(Db { conn }: Db<'_>, id: &str, reason: &str) -> Result<()> {
    conn.execute(
        "UPDATE requests SET decline_reason = ?2 WHERE request_id = ?1",
        params![id, reason],
    )?;
    Ok(())
}

/// One step of a request's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    pub at: String,
    pub status: RequestStatus,
    pub contact_id: Option<String>,
    pub note: Option<String>,
}

pub fn events(Db { conn }: Db<'_>, id: &str) -> Result<Vec<Event>> {
    let mut statement =
        conn.prepare("SELECT at, status, contact_id, note FROM request_events WHERE request_id = ?1 ORDER BY at, id")?;
    let rows = statement.query_map([id], |r| {
        Ok(Event {
            at: r.get(0)?,
            status: r.get(1)?,
            contact_id: r.get(2)?,
            note: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One ask of a request.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ask {
    pub contact_id: String,
    pub asked_on: Option<NaiveDate>,
    pub answer: Option<Answer>,
    pub answered_on: Option<NaiveDate>,
    pub scheduled_on: Option<NaiveDate>,
}

pub fn asks(Db { conn }: Db<'_>, request_id: &str) -> Result<Vec<Ask>> {
    let mut statement = conn.prepare(
        "SELECT contact_id, asked_on, answer, answered_on, scheduled_on FROM asks WHERE request_id = ?1 ORDER BY asked_on, id",
    )?;
    let rows = statement.query_map([request_id], |r| {
        Ok(Ask {
            contact_id: r.get(0)?,
            asked_on: stored_date(r.get_ref(1)?),
            answer: r.get(2)?,
            answered_on: stored_date(r.get_ref(3)?),
            scheduled_on: stored_date(r.get_ref(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_ask(
    Db { conn }: Db<'_>,
    request_id: &str,
    contact_id: &str,
    asked_on: NaiveDate,
) -> Result<()> {
    conn.execute(
        "INSERT INTO asks (request_id, contact_id, asked_on) VALUES (?1, ?2, ?3)",
        params![request_id, contact_id, asked_on.to_string()],
    )?;
    Ok(())
}

pub fn answer_ask(
    Db { conn }: Db<'_>,
    request_id: &str,
    contact_id: &str,
    answer: Answer,
    on: NaiveDate,
    scheduled_on: Option<NaiveDate>,
) -> Result<()> {
    conn.execute(
        "UPDATE asks SET answer = ?3, answered_on = ?4, scheduled_on = ?5 WHERE request_id = ?1 AND contact_id = ?2",
        params![request_id, contact_id, answer, on.to_string(), day(scheduled_on)],
    )?;
    Ok(())
}

/// How many different references this prospect has heard from (a yes answer or an
/// activity on any of its requests), leaving out `except` (a request's own).
pub fn references_heard(Db { conn }: Db<'_>, prospect: &str, except: Option<&str>) -> Result<u32> {
    Ok(conn.query_row(
        "WITH theirs AS (SELECT request_id FROM requests
                          WHERE lower(trim(prospect)) = lower(trim(?1)) AND request_id IS NOT ?2)
         SELECT count(DISTINCT contact_id) FROM (
            SELECT contact_id FROM asks WHERE answer = 'yes' AND request_id IN theirs
            UNION
            SELECT contact_id FROM activities WHERE request_id IN theirs)",
        params![prospect, except],
        |r| r.get(0),
    )?)
}

/// True when the request was ever approved (it went through `qualified`).
pub fn was_approved(Db { conn }: Db<'_>, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM request_events WHERE request_id = ?1 AND status = 'qualified')",
        [id],
        |r| r.get(0),
    )?)
}

/// The status of request `id`, if the lifecycle ([`RequestStatus::can_become`]) lets it
/// take the step to `next`; otherwise the error that says why not. Read inside the
/// transaction that takes the step (`request` and `match --ask` both do).
pub fn status_for_step(
    db: Db<'_>,
    id: &str,
    next: RequestStatus,
    verb: &str,
) -> Result<RequestStatus> {
    let Some(request) = get(db, id)? else {
        bail!("no request '{id}' (see 'refprog request list')");
    };
    let current = request.status;
    if !current.can_become(next) {
        if current.is_closed() {
            bail!("cannot {verb} request {id}: it is {current} (closed)");
        }
        // Say where it can go from here, so the step to take first is plain.
        let steps: Vec<&str> = RequestStatus::ALL
            .iter()
            .filter(|s| current.can_become(**s))
            .map(|s| s.as_str())
            .collect();
        bail!(
            "cannot {verb} request {id}: it is {current}, and from {current} it can become {} \
             (see 'refprog request --help' for the lifecycle)",
            steps.join(", ")
        );
    }
    Ok(current)
}
