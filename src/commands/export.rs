//! `refprog export KIND`: every row with the canonical columns, sorted by id.

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::ExportArgs;
use crate::import::spec::Type;
use crate::import::values::format_money_cents;
use crate::output::{Cell, Out};
use crate::store::{Store, Value};

/// Exports every row; with `--as-of D` (`as_of`), what existed as of D: activities dated
/// and requests submitted after D are left out, and a note says how many. Without it the
/// export is whole, so a record logged ahead with `log-call --future` is never lost.
pub fn run(
    args: &ExportArgs,
    store: &mut Store,
    out: &mut Out,
    as_of: Option<NaiveDate>,
) -> Result<()> {
    let spec = args.kind.spec();
    let types: Vec<Type> = spec.stored().map(|(_, f)| f.ty).collect();
    let headers: Vec<&str> = spec.stored().map(|(_, f)| f.name).collect();
    let as_of = as_of.map(|d| d.to_string());
    let after = match &as_of {
        Some(day) => crate::store::export::count_after(store.db(), spec, day)?,
        None => 0,
    };
    let mut rows = out.rows(&headers)?;
    crate::store::export::each_row(store.db(), spec, as_of.as_deref(), |values| {
        let cells = values
            .iter()
            .zip(&types)
            .map(|(value, ty)| cell(value, *ty))
            .collect();
        rows.row(cells)
    })?;
    rows.finish()?;
    if let (Some(day), true) = (&as_of, after > 0) {
        out.note(format!(
            "left out {after} {} dated after {day} (as of {day}; leave out --as-of to export every row)",
            spec.table
        ));
    }
    Ok(())
}

/// The canonical written form of a stored value.
fn cell(value: &Value<'_>, ty: Type) -> Cell {
    match (value, ty) {
        (Value::Null, _) => Cell::Null,
        (Value::Int(cents), Type::Money) => Cell::Decimal(format_money_cents(*cents)),
        (Value::Int(flag), Type::Bool) => {
            Cell::Text(if *flag != 0 { "yes" } else { "no" }.to_string())
        }
        (Value::Int(i), _) => Cell::Int(*i),
        // Under 1 %, a bare "0.5" would read back as a share (50 %): say it is a percentage.
        (Value::Real(r), Type::Percent) if *r > 0.0 && *r < 1.0 => Cell::Text(format!("{r}%")),
        (Value::Real(r), _) => Cell::Real(*r),
        (Value::Text(t), _) => Cell::Text(t.to_string()),
    }
}
