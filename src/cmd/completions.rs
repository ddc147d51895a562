//! `shellguard completions SHELL` and `shellguard man`: generated from the clap definitions
//! in `cli.rs`, so they never drift from the real options.

use clap::CommandFactory;

use super::ExitCode;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn completions(args: CompletionsArgs) -> Result<ExitCode> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "shellguard", &mut out);
    super::review::write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::Success)
}

pub fn man() -> Result<ExitCode> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    super::review::write_stdout(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::Success)
}
