//! From what a command touches to a verdict: the rules that depend only on paths and
//! on where we are (root, system paths, homes, protected paths, the working directory,
//! the environment), applied the same way to every program, then the policy's `[rules]`.

use std::path::Path;

use crate::context::Context;
use crate::interp::Finding;
use crate::model::{Effect, FileKind, Reason, Target, Verdict};
use crate::policy::{ConfirmStyle, Environment, Policy, Relation};
use crate::rules::Rule;

/// Where a command runs, as far as judging goes.
pub struct Scene<'a> {
    pub ctx: &'a Context,
    pub policy: &'a Policy,
    /// The environment of the local host (`SHELLGUARD_ENV` or the policy's globs).
    pub environment: Option<Environment>,
    pub forced_env: Option<String>,
}

impl Scene<'_> {
    /// The environment a finding's host belongs to (another host for `ssh HOST ...`).
    pub fn environment_of(&self, host: &str) -> Option<Environment> {
        if host == self.ctx.host {
            self.environment.clone()
        } else {
            self.policy.environment_for(host, None)
        }
    }
}

/// Rules whose findings are refused outright where destructive commands need confirming.
const BLOCK_IN_PRODUCTION: &[Rule] = &[Rule::DatabaseDestructive];

/// Adds the path and environment reasons to a finding and returns its verdict.
pub fn judge(finding: &mut Finding, scene: &Scene) -> Verdict {
    let environment = finding
        .analysis
        .acts_on
        .as_deref()
        .and_then(|other| scene.policy.environment_for(other, None))
        .or_else(|| scene.environment_of(&finding.host));
    let env_name = environment.as_ref().map(|e| e.name.as_str());
    let mut extra = Vec::new();
    for target in &finding.analysis.targets {
        judge_target(target, finding.cwd.as_deref(), scene, env_name, &mut extra);
    }
    finding.analysis.reasons.extend(extra);
    if let Some(env) = environment.filter(|e| e.confirm != ConfirmStyle::None)
        && is_destructive(finding)
    {
        // A kube context, database server or workspace, rather than this host.
        let other = finding.analysis.acts_on.as_deref();
        let how = match (env.confirm, other) {
            (ConfirmStyle::Hostname, None) => "the host name must be typed to go on",
            (ConfirmStyle::Hostname, Some(_)) => "its name must be typed to go on",
            _ => "it needs a confirmation",
        };
        let message = match other {
            Some(name) => format!("{name} belongs to the {} environment: {how}", env.name),
            None => format!("{} is a {} host: {how}", finding.host, env.name),
        };
        finding
            .analysis
            .reasons
            .push(Reason::new(Rule::Production, Verdict::Confirm, message));
        for reason in &mut finding.analysis.reasons {
            if BLOCK_IN_PRODUCTION.contains(&reason.rule) {
                reason.severity = Verdict::Block;
                reason
                    .message
                    .push_str(&format!(" (blocked on {})", env.name));
            }
        }
    }
    for reason in &mut finding.analysis.reasons {
        reason.severity = scene.policy.severity(reason.rule, reason.severity);
    }
    finding.analysis.verdict()
}

/// A command that destroys or changes something that exists, or reboots the machine.
pub fn is_destructive(finding: &Finding) -> bool {
    finding
        .analysis
        .reasons
        .iter()
        .any(|r| r.severity > Verdict::Allow)
        || finding.analysis.targets.iter().any(|t| match t.effect {
            // On another host (ssh) what exists is unknown: it may.
            Effect::Delete | Effect::Overwrite => {
                t.exists || !t.exact || t.kind == FileKind::Unknown
            }
            Effect::Modify => t.exists && t.recursive,
            Effect::Reboot | Effect::Schedule => true,
            Effect::Remote => false,
        })
}

fn judge_target(
    target: &Target,
    cwd: Option<&Path>,
    scene: &Scene,
    env: Option<&str>,
    out: &mut Vec<Reason>,
) {
    if matches!(
        target.effect,
        Effect::Remote | Effect::Reboot | Effect::Schedule
    ) {
        return;
    }
    let path = target.path.as_path();
    let operand = &target.operand;
    // Built only for a reason: most targets get none.
    let shown = || {
        if operand.as_str() == path.to_string_lossy() {
            format!("'{}'", path.display())
        } else {
            format!("'{operand}' resolves to '{}', which", path.display())
        }
    };
    let heavy =
        target.effect == Effect::Delete || target.recursive && target.effect == Effect::Modify;
    let verb = match target.effect {
        Effect::Delete => "deleted",
        Effect::Overwrite => "overwritten",
        _ => "changed",
    };

    if path == Path::new("/") {
        let severity = if heavy || target.effect == Effect::Overwrite {
            Verdict::Block
        } else {
            Verdict::Confirm
        };
        out.push(Reason::new(
            Rule::RootTarget,
            severity,
            format!(
                "{} is the root filesystem: everything on the machine would be {verb}",
                shown()
            ),
        ));
    } else if scene.policy.is_system_path(path) {
        // Writing into a system directory (cp/rsync into /usr/local) can be ordinary
        // administration; replacing a system file (> /etc/passwd) is not.
        let replaces_file = target.effect == Effect::Overwrite && target.kind == FileKind::File;
        let severity = if heavy || replaces_file {
            Verdict::Block
        } else {
            Verdict::Confirm
        };
        out.push(Reason::new(
            Rule::SystemPath,
            severity,
            format!("{} is a system directory and would be {verb}", shown()),
        ));
    } else if scene.ctx.home_dirs().iter().any(|h| h == path) {
        let severity = if target.effect == Effect::Delete {
            Verdict::Block
        } else {
            Verdict::Confirm
        };
        out.push(Reason::new(
            Rule::HomeDir,
            severity,
            format!("{} is a home directory and would be {verb}", shown()),
        ));
    }

    if let Some((protection, pattern, relation)) = scene.policy.protection_for(path, env) {
        let how = match relation {
            Relation::Is => "is",
            Relation::Contains => "contains",
            Relation::Inside => "lies inside",
        };
        let why = protection
            .reason
            .as_deref()
            .unwrap_or("protected by the policy");
        let place = env.map_or(String::new(), |e| format!(" on {e}"));
        out.push(Reason::new(
            Rule::ProtectedPath,
            protection.verdict,
            format!(
                "'{}' {how} the protected path {} ({why}){place}",
                path.display(),
                pattern.text
            ),
        ));
    }

    let relative = !operand.starts_with('/') && !operand.starts_with('~') && target.exact;
    if relative && (heavy || target.effect.loses_data()) {
        match cwd {
            None => out.push(Reason::new(
                Rule::CwdSensitive,
                Verdict::Confirm,
                format!("'{operand}' is relative and the working directory is unknown here (after a cd that cannot be followed)"),
            )),
            Some(dir) if dir == Path::new("/") || scene.policy.is_system_path(dir) => {
                let mut reason = Reason::new(
                    Rule::CwdSensitive,
                    Verdict::Confirm,
                    format!("'{operand}' is relative and the working directory is {}", dir.display()),
                );
                reason.instead(format!("check pwd, or write the absolute path '{}'", path.display()));
                out.push(reason);
            }
            _ => {}
        }
    }
}
