//! `refprog man`: the manual in roff. Without `--dir`, the top page on stdout (for
//! `refprog man | man -l -`); with `--dir`, one page per subcommand (`refprog-import.1`,
//! ...) written into the folder, as the top page's SEE ALSO names them.

use anyhow::{Context, Result};

use crate::cli::{Cli, ManArgs};

pub fn run(args: &ManArgs) -> Result<()> {
    let command = <Cli as clap::CommandFactory>::command();
    match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot make the folder '{}'", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("cannot write the pages into '{}'", dir.display()))?;
            eprintln!(
                "wrote refprog.1 and a page per subcommand into {}; read one with: man -l {}/refprog-score.1",
                dir.display(),
                dir.display()
            );
        }
        None => {
            // Written to a buffer first: a closed pipe must not panic inside the renderer.
            let mut text = Vec::new();
            clap_mangen::Man::new(command).render(&mut text)?;
            std::io::Write::write_all(&mut std::io::stdout(), &text)?;
        }
    }
    Ok(())
}
