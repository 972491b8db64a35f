//! One module per subcommand, each with the same shape:
//! `run(args, &mut Store, &mut Out, today)`, where today is `--as-of` or the clock's date.

pub mod activity;
pub mod backup;
pub mod brief;
pub mod demo;
pub mod digest;
pub mod export;
pub mod followups;
pub mod import;
pub mod import_many;
pub mod log_call;
pub mod man;
pub mod matching;
pub mod policy;
pub mod request;
pub mod review;
pub mod roster;
pub mod score;
pub mod status;
pub mod undo;
