//! One file per subcommand; each turns parsed arguments into an exit code.

mod policy;
mod review;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;

/// The exit codes of SPEC §3, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Error = 1,
    Usage = 2,
    NeedsConfirmation = 10,
    Blocked = 20,
}

impl ExitCode {
    pub fn for_verdict(v: crate::model::Verdict) -> ExitCode {
        match v {
            crate::model::Verdict::Allow => ExitCode::Success,
            crate::model::Verdict::Confirm => ExitCode::NeedsConfirmation,
            crate::model::Verdict::Block => ExitCode::Blocked,
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context::from_process();
    match cli.command {
        Command::Review(args) => review::run(args, ctx),
        Command::Policy(args) => policy::run(args, &ctx),
    }
}
