//! `review`: shell text in, one verdict per simple command out (SPEC §4).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::context::Context;
use crate::interp::{self, Finding};
use crate::judge::{self, Scene};
use crate::model::{Reason, Target, Verdict};
use crate::policy::Policy;

/// The whole report, serialized as SPEC §4's JSON object.
#[derive(Debug, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub context: ReportContext,
    pub commands: Vec<CommandReport>,
}

#[derive(Debug, Serialize)]
pub struct ReportContext {
    pub host: String,
    pub environment: Option<String>,
    /// The environment's colour, for the text report.
    #[serde(skip)]
    pub color: Option<String>,
    pub user: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sudo_user: Option<String>,
    pub cwd: PathBuf,
    pub ssh: bool,
}

#[derive(Debug, Serialize)]
pub struct CommandReport {
    pub text: String,
    pub line: usize,
    pub argv: Vec<String>,
    pub program: String,
    /// None when a `cd` earlier in the text went somewhere that cannot be known.
    pub cwd: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub targets: Vec<Target>,
    pub snapshot: bool,
}

/// Reviews `text` as if run in `cwd` on the context's host.
pub fn review(
    ctx: &Context,
    policy: &Policy,
    text: &str,
    cwd: &Path,
    forced_env: Option<&str>,
) -> Report {
    // The filesystem as it is now: the interactive prompt reviews again and again.
    ctx.forget_paths();
    let environment = policy.environment_for(&ctx.host, forced_env);
    let scene = Scene {
        ctx,
        policy,
        environment: environment.clone(),
        forced_env: forced_env.map(str::to_string),
    };
    let commands: Vec<CommandReport> = interp::interpret(ctx, text, Some(cwd))
        .into_iter()
        .map(|mut finding| {
            let verdict = judge::judge(&mut finding, &scene);
            command_report(finding, verdict, &ctx.host)
        })
        .collect();
    let verdict = commands
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::Allow);
    Report {
        verdict,
        context: ReportContext {
            host: ctx.host.clone(),
            environment: environment.as_ref().map(|e| e.name.clone()),
            color: environment.map(|e| e.color),
            user: ctx.user().to_string(),
            sudo_user: ctx.sudo_user.clone(),
            cwd: cwd.to_path_buf(),
            ssh: ctx.ssh,
        },
        commands,
    }
}

/// A judged finding as the report shows it.
pub fn command_report(finding: Finding, verdict: Verdict, local_host: &str) -> CommandReport {
    let mut reasons = finding.analysis.reasons;
    // Strictest first, so the report leads with what matters.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.severity));
    CommandReport {
        argv: finding.argv.iter().map(|a| a.text().into_owned()).collect(),
        text: finding.text,
        line: finding.line,
        program: finding.program,
        cwd: finding.cwd,
        host: (finding.host != local_host).then_some(finding.host),
        via: finding.via,
        verdict,
        reasons,
        targets: finding.analysis.targets,
        snapshot: finding.analysis.snapshot,
    }
}
