//! The text form of a review: coloured by verdict (unless NO_COLOR or not a terminal),
//! the context line first, then each command with what it resolves to and why.

use std::fmt::Write;

use colored::{Color, Colorize};

use crate::model::{FileKind, Verdict};
use crate::review::{CommandReport, Report};

pub fn verdict_color(v: Verdict) -> Color {
    match v {
        Verdict::Allow => Color::Green,
        Verdict::Confirm => Color::Yellow,
        Verdict::Block => Color::Red,
    }
}

pub fn env_color(name: &str) -> Color {
    name.parse().unwrap_or(Color::Yellow)
}

/// Renders the report; `verbose` also lists harmless commands' details.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let c = &report.context;
    let env = match (&c.environment, &c.color) {
        (Some(name), color) => name
            .color(env_color(color.as_deref().unwrap_or("yellow")))
            .bold()
            .to_string(),
        (None, _) => "no environment".dimmed().to_string(),
    };
    let user = if c.user == "root" {
        c.user.red().bold().to_string()
    } else {
        c.user.clone()
    };
    let sudo = c
        .sudo_user
        .as_ref()
        .map_or(String::new(), |s| format!(" (sudo from {s})"));
    let _ = writeln!(
        out,
        "{} {} · {env} · user {user}{sudo} · cwd {}",
        "shellguard review".bold(),
        c.host.bold(),
        c.cwd.display()
    );
    for cmd in &report.commands {
        render_command(&mut out, cmd);
    }
    let summary = match report.verdict {
        Verdict::Allow => "allow: nothing here destroys anything shellguard knows of".to_string(),
        Verdict::Confirm => {
            "confirm: run it only after checking the above (guarded execution will ask)".to_string()
        }
        Verdict::Block => "block: do not run this".to_string(),
    };
    let _ = writeln!(
        out,
        "{}",
        summary.color(verdict_color(report.verdict)).bold()
    );
    out
}

fn render_command(out: &mut String, cmd: &CommandReport) {
    let label = format!("{:<7}", cmd.verdict.as_str().to_uppercase())
        .color(verdict_color(cmd.verdict))
        .bold();
    let mut where_ = format!("line {}", cmd.line);
    if let Some(host) = &cmd.host {
        let _ = write!(where_, ", on {host}");
    }
    if !cmd.via.is_empty() {
        let _ = write!(where_, ", via {}", cmd.via.join(" → "));
    }
    let text = cmd.text.lines().next().unwrap_or("");
    let _ = writeln!(out, "{label} {text}  {}", format!("({where_})").dimmed());
    if cmd.verdict == Verdict::Allow && cmd.targets.is_empty() {
        return;
    }
    match &cmd.cwd {
        Some(dir) => {
            let _ = writeln!(out, "        {} {}", "in".dimmed(), dir.display());
        }
        None => {
            let _ = writeln!(
                out,
                "        {} {}",
                "in".dimmed(),
                "an unknown directory".yellow()
            );
        }
    }
    const SHOWN: usize = 8;
    for t in cmd.targets.iter().take(SHOWN) {
        let kind = match t.kind {
            FileKind::Missing => "missing".to_string(),
            FileKind::Unknown => "unknown".to_string(),
            k => format!("{k:?}")
                .to_lowercase()
                .replace("point", " point")
                .replace("device", " device"),
        };
        let recursive = if t.recursive { ", recursive" } else { "" };
        let from = if t.operand != t.path.to_string_lossy() {
            format!("  ← '{}'", t.operand)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "        {:<9} {} ({kind}{recursive}){}",
            t.effect.as_str(),
            t.path.display(),
            from.dimmed()
        );
    }
    if cmd.targets.len() > SHOWN {
        let _ = writeln!(
            out,
            "        {}",
            format!("… and {} more targets", cmd.targets.len() - SHOWN).dimmed()
        );
    }
    // Reasons of one rule repeat for every target a glob produced: show a few per rule.
    let mut per_rule: Vec<(crate::rules::Rule, usize)> = Vec::new();
    for r in &cmd.reasons {
        let count = match per_rule.iter_mut().find(|(rule, _)| *rule == r.rule) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                per_rule.push((r.rule, 1));
                1
            }
        };
        if count > 3 {
            continue;
        }
        let mark = match r.severity {
            Verdict::Block => "✗",
            Verdict::Confirm => "!",
            Verdict::Allow => "·",
        };
        let _ = writeln!(
            out,
            "        {} {}: {}",
            mark.color(verdict_color(r.severity)).bold(),
            r.rule.id().bold(),
            r.message
        );
        if let Some(instead) = &r.instead {
            let _ = writeln!(out, "          {} {instead}", "instead:".dimmed());
        }
    }
    for (rule, n) in per_rule.iter().filter(|(_, n)| *n > 3) {
        let _ = writeln!(
            out,
            "          {}",
            format!("… and {} more {rule} reasons", n - 3).dimmed()
        );
    }
    if cmd.snapshot && cmd.verdict != Verdict::Block {
        let _ = writeln!(
            out,
            "        {}",
            "guarded execution snapshots what this destroys (shellguard undo)".dimmed()
        );
    }
}
