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
    /// Guarded execution: decide, snapshot what would be destroyed, run the real program.
    Run(RunArgs),
    /// Review the shell command of an AI coding agent's pre-tool-use hook (JSON on stdin).
    Hook {
        #[command(subcommand)]
        agent: HookAgent,
    },
    /// Show the effective policy, check a policy file, or explain a rule id.
    Policy(PolicyArgs),
    /// Put back what a guarded command destroyed (the newest snapshot, or ID).
    Undo(UndoArgs),
    /// The snapshot store: list, show, verify and prune snapshots.
    Snapshots(SnapshotsArgs),
    /// The audit trail of guarded commands.
    Log(LogArgs),
    /// Kill switch: refuse every destructive command on this host until `unfreeze`.
    Freeze(FreezeArgs),
    /// Lift this host's freeze.
    Unfreeze,
    /// Print the shell integration: `eval "$(shellguard init bash)"` in ~/.bashrc.
    Init(InitArgs),
    /// Print the prompt badge (environment, host) for PS1 or a prompt framework.
    Prompt(PromptArgs),
    /// Print the full host/environment banner (for a login message).
    Banner,
    /// Create multi-call symlinks DIR/NAME -> shellguard for every guarded program.
    Shims(ShimsArgs),
    /// Print a completion script for a shell.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), generated from these definitions.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    pub shell: Shell,
    /// Leave the prompt alone (no badge).
    #[arg(long)]
    pub no_prompt: bool,
    /// Leave sudo alone (`sudo rm ...` is then not guarded).
    #[arg(long)]
    pub no_sudo: bool,
    /// Bind no key (the review key, and zsh's paste review).
    #[arg(long)]
    pub no_keys: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PromptShell {
    Bash,
    Zsh,
    Fish,
    /// Raw ANSI colours (none with NO_COLOR), for starship and other frameworks.
    Plain,
}

#[derive(Debug, Args)]
pub struct PromptArgs {
    /// Whose prompt escapes to use around the colours.
    #[arg(long, value_enum, default_value = "plain")]
    pub shell: PromptShell,
    /// Show the badge on every host, not only in an environment or as root.
    #[arg(long)]
    pub always: bool,
}

#[derive(Debug, Args)]
pub struct ShimsArgs {
    /// Where to create the links (created if missing); put it first on PATH.
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Confirm in advance (no terminal needed); only valid on the host named, or on the
    /// production kube context / database server the command acts on.
    #[arg(long, value_name = "HOST")]
    pub confirm: Option<String>,
    /// Run without taking a snapshot (also goes on when a snapshot cannot be taken).
    #[arg(long)]
    pub no_snapshot: bool,
    /// Show the decision and what would be put aside; run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The program and its arguments, passed byte for byte.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "PROGRAM"
    )]
    pub argv: Vec<std::ffi::OsString>,
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

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The snapshot to restore (default: the newest one with something left to restore).
    pub id: Option<String>,
    /// Restore under DIR instead (`/srv/a` becomes `DIR/srv/a`), beside what is there now.
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    #[command(subcommand)]
    pub action: Option<SnapshotsAction>,
    #[arg(long, value_enum, default_value = "text", global = true)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotsAction {
    /// One line per snapshot, oldest first (the default). SIZE counts regular files and trees
    /// already checksummed by `verify` ('?' when nothing is measured yet); --du measures the disk.
    List {
        /// Measure the space each snapshot takes on disk (walks the stored trees).
        #[arg(long)]
        du: bool,
    },
    /// Everything a snapshot holds: each entry's original path, type, mode, size, method.
    Show { id: String },
    /// Check that every entry is present and unchanged (checksums); exit 1 naming each that is not.
    Verify { id: Option<String> },
    /// Drop old snapshots. Without options: those older than the policy's `[snapshots] keep`.
    Prune {
        /// Drop snapshots older than this (e.g. 12h, 7d); overrides `keep`.
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
        /// Then drop the oldest until the store fits in SIZE (e.g. 10GiB), never one younger
        /// than `keep` (or than --older-than, when given).
        #[arg(long, value_name = "SIZE")]
        max_size: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Print the entries as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// Only the last N entries.
    #[arg(short = 'n', value_name = "N")]
    pub last: Option<usize>,
}

#[derive(Debug, Args)]
pub struct FreezeArgs {
    /// Why the host is frozen; shown with every refusal.
    #[arg(long, value_name = "TEXT", required = true)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum HookAgent {
    /// Claude Code's PreToolUse hook: block → deny, confirm → ask, allow → no opinion.
    ClaudeCode,
}
