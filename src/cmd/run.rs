//! `shellguard run` and the multi-call form: decide from argv (no shell parsing), put
//! aside what would be destroyed, run the real program, exit with its status.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use super::ExitCode;
use crate::analyze::{self, Analysis, Arg, Invocation, Stdin};
use crate::audit::{self, AuditEntry, AuditReason};
use crate::confirm::{self, Challenge};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exec::{self, Ended};
use crate::freeze;
use crate::guard::{self, After, Plan};
use crate::interp::Finding;
use crate::judge::{self, Scene};
use crate::model::{Effect, Reason, Verdict};
use crate::policy::{ConfirmStyle, Policy};
use crate::rules::Rule;
use crate::snapshot::{self, Store, TransactionMeta};
use crate::{report, review, state};

/// One guarded call.
#[derive(Debug, Default)]
pub struct Request {
    pub argv: Vec<OsString>,
    /// `--confirm HOST`: confirmation given in advance, valid only on that host (or, for a
    /// command acting on a production kube context or database server, that name).
    pub confirm_host: Option<String>,
    pub no_snapshot: bool,
    pub dry_run: bool,
}

/// How a guarded call ends.
pub enum Outcome {
    /// shellguard's own exit code (refusals, dry runs, errors).
    Code(ExitCode),
    /// The program ran: end as it ended.
    Program(Ended),
}

/// The fast path: nothing that exists would be touched, so there is nothing to decide.
fn touches_nothing(analysis: &Analysis) -> bool {
    analysis
        .reasons
        .iter()
        .all(|r| r.severity == Verdict::Allow)
        && !analysis.snapshot
        && analysis
            .targets
            .iter()
            .all(|t| t.exact && !t.exists && !matches!(t.effect, Effect::Reboot | Effect::Schedule))
}

pub fn run(ctx: Context, request: Request) -> Result<Outcome> {
    let Some(argv0) = request.argv.first() else {
        return Err(Error::Usage(
            "run: no program given (shellguard run -- PROGRAM ARG...)".into(),
        ));
    };
    let name = analyze::program_name(argv0).into_owned();
    let path_var = std::env::var_os("PATH");
    let Some(real) = exec::find_real(argv0, path_var.as_deref()) else {
        eprintln!("shellguard: {name}: command not found");
        return Ok(Outcome::Program(Ended::Exited(127)));
    };
    let args: Vec<Arg> = request.argv[1..]
        .iter()
        .map(|a| Arg::exact(a.clone()))
        .collect();
    let stdin = if std::io::stdin().is_terminal() {
        Stdin::Terminal
    } else {
        Stdin::Data(None)
    };
    let inv = Invocation {
        name: &name,
        args: &args,
        cwd: ctx.cwd.as_deref(),
        ctx: &ctx,
        stdin,
        shell: crate::analyze::ShellVars::default(),
    };
    let analysis = analyze::analyze(&inv).unwrap_or_default();
    if touches_nothing(&analysis) && !request.dry_run {
        return Err(exec::exec(&real, &request.argv).into());
    }

    let policy = Policy::load(&ctx)?;
    let forced_env = ctx.var("SHELLGUARD_ENV").map(str::to_string);
    let environment = policy.environment_for(&ctx.host, forced_env.as_deref());
    let scene = Scene {
        ctx: &ctx,
        policy: &policy,
        environment: environment.clone(),
        forced_env,
    };
    let mut finding = Finding {
        text: shell_words(&request.argv),
        line: 1,
        argv: std::iter::once(Arg::exact(argv0.clone()))
            .chain(args.iter().cloned())
            .collect(),
        program: name.clone(),
        cwd: ctx.cwd.clone(),
        host: ctx.host.clone(),
        via: Vec::new(),
        analysis,
    };
    let mut verdict = judge::judge(&mut finding, &scene);
    if !judge::is_destructive(&finding) && !finding.analysis.snapshot && !request.dry_run {
        return Err(exec::exec(&real, &request.argv).into());
    }
    let home = state::state_home(&ctx);
    if let Some(frozen) = freeze::current(&home, &ctx.host)? {
        finding.analysis.reasons.push(Reason::new(
            Rule::Frozen,
            Verdict::Block,
            format!(
                "{} is frozen since {} by {}: {}",
                ctx.host, frozen.at, frozen.by, frozen.reason
            ),
        ));
        verdict = Verdict::Block;
    }
    let record = Record {
        home: &home,
        ctx: &ctx,
        environment: environment.as_ref().map(|e| e.name.clone()),
        argv: &request.argv,
        program: &name,
        verdict,
        reasons: finding.analysis.reasons.clone(),
    };
    let wants_snapshot = finding.analysis.snapshot && !request.no_snapshot;
    let reboots = finding
        .analysis
        .targets
        .iter()
        .any(|t| t.effect == Effect::Reboot);
    // A command acting on another system (a kube context, a database server) whose
    // environment requires it is confirmed by typing that system's name, not this host's.
    let (place, place_env) = match finding.analysis.acts_on.as_deref().and_then(|other| {
        policy
            .environment_for(other, None)
            .map(|env| (other.to_string(), Some(env)))
    }) {
        Some(other) => other,
        None => (ctx.host.clone(), environment.clone()),
    };
    let command = review::command_report(finding, verdict, &ctx.host);
    let header = report::context_line(
        &ctx.host,
        environment
            .as_ref()
            .map(|e| (e.name.as_str(), e.color.as_str())),
        ctx.user(),
        ctx.sudo_user.as_deref(),
        ctx.cwd.as_deref(),
    );
    let full = verdict > Verdict::Allow || request.dry_run;
    if full {
        eprint!("{}", report::banner(&header, &command));
    }

    if request.dry_run {
        eprintln!("shellguard │ dry run: {verdict} (nothing was run)");
        record.write("dry-run", None, None);
        return Ok(Outcome::Code(ExitCode::for_verdict(verdict)));
    }
    match verdict {
        Verdict::Block => {
            eprintln!("shellguard │ refused: blocked by the rules above; nothing was run");
            record.write("refused", None, None);
            return Ok(Outcome::Code(ExitCode::Blocked));
        }
        Verdict::Confirm => {
            let hostname_style = place_env
                .as_ref()
                .is_some_and(|e| e.confirm == ConfirmStyle::Hostname)
                || (reboots && ctx.ssh);
            let given = request.confirm_host.as_deref();
            if !confirmed(&place, given, hostname_style, &name)? {
                record.write("not-confirmed", None, None);
                return Ok(Outcome::Code(ExitCode::NeedsConfirmation));
            }
        }
        Verdict::Allow => {}
    }

    let mut after = After::default();
    let mut transaction = None;
    let mut argv = request.argv.clone();
    if wants_snapshot {
        let store = Store::open(&state::state_home(&ctx))?;
        let max = policy
            .max_snapshot_size
            .as_deref()
            .map(snapshot::parse_size)
            .transpose()?
            .unwrap_or(10 << 30);
        let meta = TransactionMeta {
            host: ctx.host.clone(),
            user: ctx.user().to_string(),
            sudo_user: ctx.sudo_user.clone(),
            cwd: ctx.cwd.clone().unwrap_or_else(|| PathBuf::from("/")),
            argv: request.argv.clone(),
        };
        let mut txn = store.begin(meta, max)?;
        match guard::prepare(
            &ctx,
            &real,
            &request.argv,
            &name,
            &command.targets,
            &mut txn,
            &mut after,
        ) {
            Ok(Plan::Run(new_argv)) => argv = new_argv,
            Ok(Plan::Done) => argv.clear(),
            Err(e) => {
                let _ = txn.abort();
                record.write("snapshot-failed", None, None);
                eprintln!("shellguard │ refused: the snapshot could not be taken: {e}");
                eprintln!(
                    "shellguard │ nothing was run; to go on without a snapshot: shellguard run --no-snapshot -- {}",
                    command.text
                );
                return Ok(Outcome::Code(ExitCode::NeedsConfirmation));
            }
        }
        if full {
            eprintln!(
                "shellguard │ snapshot {}: `shellguard undo` brings back what this command destroys",
                txn.id()
            );
        } else {
            eprint!(
                "{}",
                report::short_banner(&header, &command, Some(&txn.id().to_string()))
            );
        }
        transaction = Some(txn);
    } else if !full {
        eprint!("{}", report::short_banner(&header, &command, None));
    }

    let ended = if argv.is_empty() {
        Ended::Exited(0)
    } else {
        exec::run(&real, &argv)?
    };
    let mut snapshot_id = None;
    if let Some(mut txn) = transaction {
        guard::finish(&after, &mut txn)?;
        snapshot_id = Some(txn.commit()?.to_string());
    }
    record.write("ran", snapshot_id, Some(ended.code()));
    Ok(Outcome::Program(ended))
}

/// Confirmation to run `name` on `place` (this host, or the system the command acts on):
/// given in advance with `--confirm PLACE`, else asked on the terminal.
fn confirmed(place: &str, given: Option<&str>, hostname_style: bool, name: &str) -> Result<bool> {
    if let Some(named) = given {
        if named == place {
            return Ok(true);
        }
        eprintln!("shellguard │ refused: --confirm names '{named}', but this acts on '{place}'");
        return Ok(false);
    }
    let challenge = if hostname_style {
        Challenge::HostName(place.to_string())
    } else {
        Challenge::YesNo
    };
    match confirm::ask(&format!("shellguard │ run {name} on {place}?"), &challenge) {
        Ok(true) => Ok(true),
        Ok(false) => {
            eprintln!("shellguard │ not confirmed; nothing was run");
            Ok(false)
        }
        Err(_) => {
            eprintln!(
                "shellguard │ refused: this needs confirmation and there is no terminal; \
                 to confirm in advance: shellguard run --confirm {place} -- ..."
            );
            Ok(false)
        }
    }
}

/// argv as a shell would need it typed, for messages.
fn shell_words(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
            {
                s.into_owned()
            } else {
                format!("'{}'", s.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the audit log needs to know of this call, whatever its outcome.
struct Record<'a> {
    home: &'a std::path::Path,
    ctx: &'a Context,
    environment: Option<String>,
    argv: &'a [OsString],
    program: &'a str,
    verdict: Verdict,
    reasons: Vec<Reason>,
}

impl Record<'_> {
    /// Appends to the audit log; a log that cannot be written is said, never fatal.
    fn write(&self, outcome: &str, snapshot: Option<String>, exit: Option<i32>) {
        let entry = AuditEntry {
            time: audit::now_rfc3339(),
            host: self.ctx.host.clone(),
            environment: self.environment.clone(),
            user: self.ctx.user().to_string(),
            sudo_user: self.ctx.sudo_user.clone(),
            cwd: self.ctx.cwd.as_ref().map(|c| c.display().to_string()),
            argv: self
                .argv
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            program: self.program.to_string(),
            verdict: self.verdict.as_str().to_string(),
            reasons: self
                .reasons
                .iter()
                .map(|r| AuditReason {
                    rule: r.rule.id().to_string(),
                    severity: r.severity.as_str().to_string(),
                    message: r.message.clone(),
                })
                .collect(),
            outcome: outcome.to_string(),
            snapshot,
            exit,
        };
        if let Err(e) = audit::append(self.home, &entry) {
            eprintln!("shellguard │ warning: the audit log could not be written: {e}");
        }
    }
}
