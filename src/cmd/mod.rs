//! One file per subcommand; each turns parsed arguments into an exit code.

mod policy;
mod review;
pub mod run;

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
pub fn run(cli: Cli) -> Result<run::Outcome> {
    let ctx = Context::from_process();
    let code = match cli.command {
        Command::Review(args) => review::run(args, ctx)?,
        Command::Policy(args) => policy::run(args, &ctx)?,
        Command::Run(args) => {
            let request = run::Request {
                argv: args.argv,
                confirm_host: args.confirm,
                no_snapshot: args.no_snapshot,
                dry_run: args.dry_run,
            };
            return run::run(ctx, request);
        }
    };
    Ok(run::Outcome::Code(code))
}

/// The name the binary was invoked under, when it is not `shellguard` itself: a shim
/// (symlink named `rm`, `rsync`, ...) that makes it behave as `shellguard run -- NAME`.
pub fn multicall_name(argv0: &std::ffi::OsStr) -> Option<String> {
    let name = crate::analyze::program_name(argv0);
    (!name.starts_with("shellguard")).then(|| name.into_owned())
}
