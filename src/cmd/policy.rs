use std::fmt::Write;

use super::ExitCode;
use super::review::write_stdout;
use crate::cli::{PolicyAction, PolicyArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::{self, Layer, Policy};
use crate::rules::Rule;

pub fn run(args: PolicyArgs, ctx: &Context) -> Result<ExitCode> {
    match args.action {
        PolicyAction::Show => show(ctx),
        PolicyAction::Check { file } => {
            let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
                path: file.clone(),
                source,
            })?;
            let layers = [
                policy::builtin_layer(),
                Layer {
                    path: file.clone(),
                    text,
                    system: false,
                },
            ];
            let checked = Policy::from_layers(&layers)?;
            let mut out = format!("{}: ok\n", file.display());
            for w in &checked.warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            write_stdout(&out)?;
            Ok(ExitCode::Success)
        }
        PolicyAction::Explain { rule: Some(id) } => match Rule::from_id(&id) {
            Some(rule) => {
                write_stdout(&format!(
                    "{}  (default: {})\n\n{}\n",
                    rule.id(),
                    rule.default_severity(),
                    wrap(rule.explanation(), 88)
                ))?;
                Ok(ExitCode::Success)
            }
            None => Err(Error::Usage(format!(
                "unknown rule id '{id}'; known ids: {}",
                Rule::ALL
                    .iter()
                    .map(|r| r.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        },
        PolicyAction::Explain { rule: None } => {
            let mut out = String::new();
            for rule in Rule::ALL {
                let first = rule.explanation().split(". ").next().unwrap_or("");
                let _ = writeln!(
                    out,
                    "{:<24} {:<8} {first}.",
                    rule.id(),
                    rule.default_severity().as_str()
                );
            }
            write_stdout(&out)?;
            Ok(ExitCode::Success)
        }
    }
}

fn show(ctx: &Context) -> Result<ExitCode> {
    let policy = Policy::load(ctx)?;
    let forced = ctx.var("SHELLGUARD_ENV");
    let env = policy.environment_for(&ctx.host, forced);
    let mut out = String::new();
    let _ = writeln!(out, "# layers: {}", policy.sources.join(", "));
    let _ = writeln!(
        out,
        "# this host: {} → environment {}",
        ctx.host,
        env.as_ref().map_or("(none)".to_string(), |e| format!(
            "{} ({}, confirm = {})",
            e.name,
            e.color,
            e.confirm.as_str()
        ))
    );
    for w in &policy.warnings {
        let _ = writeln!(out, "# warning: {w}");
    }
    for e in &policy.environments {
        let _ = writeln!(out, "\n[[environment]]  # from {}", e.source);
        let _ = writeln!(
            out,
            "name = {:?}\nhosts = {:?}\ncolor = {:?}\nconfirm = {:?}",
            e.name,
            e.hosts,
            e.color,
            e.confirm.as_str()
        );
    }
    for p in &policy.protections {
        let _ = writeln!(out, "\n[[protect]]  # from {}", p.source);
        let paths: Vec<&str> = p.patterns.iter().map(|x| x.text.as_str()).collect();
        let _ = writeln!(out, "paths = {paths:?}\nverdict = {:?}", p.verdict.as_str());
        if !p.environments.is_empty() {
            let _ = writeln!(out, "environments = {:?}", p.environments);
        }
        if let Some(r) = &p.reason {
            let _ = writeln!(out, "reason = {r:?}");
        }
    }
    let _ = writeln!(out, "\n[paths]\nsystem = {:?}", policy.system_paths);
    let settings = policy.rule_settings();
    if !settings.is_empty() {
        let _ = writeln!(out, "\n[rules]");
        for (rule, severity) in settings {
            let _ = writeln!(out, "{} = {:?}", rule.id(), severity.as_str());
        }
    }
    let _ = writeln!(out, "\n[snapshots]");
    if let Some(s) = &policy.max_snapshot_size {
        let _ = writeln!(out, "max_size = {s:?}");
    }
    if let Some(k) = &policy.keep_snapshots {
        let _ = writeln!(out, "keep = {k:?}");
    }
    let _ = writeln!(out, "\n[guard]\nprograms = {:?}", policy.guarded_programs);
    write_stdout(&out)?;
    Ok(ExitCode::Success)
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}
