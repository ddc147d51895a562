//! The command line, as clap-derive types. Each subcommand's behaviour lives in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "shellguard",
    version,
    about = "A safety net for the shell: see where you are, \
    know what a command will really touch, stop the classic disasters."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Dry run: report what each command of a text would touch, and the verdict.
    Review(ReviewArgs),
    /// Show the effective policy, check a policy file, or explain a rule id.
    Policy(PolicyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The command line to review.
    #[arg(short = 'c', value_name = "STRING", conflicts_with = "file")]
    pub command: Option<String>,
    /// A script to review ('-' for standard input).
    pub file: Option<PathBuf>,
    /// The directory the text would run in (default: the current one).
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
    /// Pretend to be this host.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// Pretend to be in this environment.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub action: PolicyAction,
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// The effective policy after all layers, and this host's environment.
    Show,
    /// Validate a policy file (errors name file, line and column).
    Check { file: PathBuf },
    /// Explain a rule id (all of them without an argument).
    Explain { rule: Option<String> },
}
