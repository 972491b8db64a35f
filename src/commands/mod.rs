//! One module per subcommand, each with the same shape: `run(args, &mut Store, &mut Out)`.

pub mod export;
pub mod import;
