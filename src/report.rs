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
    let env = c
        .environment
        .as_deref()
        .map(|name| (name, c.color.as_deref().unwrap_or("yellow")));
    let header = context_line(&c.host, env, &c.user, c.sudo_user.as_deref(), Some(&c.cwd));
    let _ = writeln!(out, "{} {header}", "shellguard review".bold());
    // A long script's harmless commands would bury the ones that matter: past a screenful,
    // only commands that touch something that exists (or have a reason) are shown.
    const ALWAYS_SHOWN: usize = 20;
    let terse = report.commands.len() > ALWAYS_SHOWN;
    let mut hidden = 0;
    for cmd in &report.commands {
        let touches = cmd.targets.iter().any(|t| t.exists) || !cmd.reasons.is_empty();
        if terse && cmd.verdict == Verdict::Allow && !touches {
            hidden += 1;
            continue;
        }
        render_command(&mut out, cmd);
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{}",
            format!("… and {hidden} harmless commands (--format json lists every command)")
                .dimmed()
        );
    }
    let summary = match report.verdict {
        Verdict::Allow if report.commands.iter().any(|c| c.snapshot) => {
            "allow: what this destroys is snapshotted first when run guarded (shellguard undo)"
                .to_string()
        }
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

/// Host · environment (in its colour) · user (loud when root) · working directory.
pub fn context_line(
    host: &str,
    environment: Option<(&str, &str)>,
    user: &str,
    sudo_user: Option<&str>,
    cwd: Option<&std::path::Path>,
) -> String {
    let env = match environment {
        Some((name, color)) => name
            .to_uppercase()
            .color(env_color(color))
            .bold()
            .to_string(),
        None => "no environment".dimmed().to_string(),
    };
    let user = if user == "root" {
        user.red().bold().to_string()
    } else {
        user.to_string()
    };
    let sudo = sudo_user.map_or(String::new(), |s| format!(" (sudo from {s})"));
    let cwd = cwd.map_or_else(
        || "an unknown directory".to_string(),
        |c| c.display().to_string(),
    );
    format!("{} · {env} · user {user}{sudo} · cwd {cwd}", host.bold())
}

/// The banner guarded execution prints on stderr: every line starts with `shellguard │`
/// so it stands apart from the program's own output. This full form (targets, reasons,
/// advice) comes before a question or a refusal.
pub fn banner(header: &str, cmd: &CommandReport) -> String {
    let mark = "shellguard │".dimmed();
    let mut out = format!("{mark} {header}\n");
    let mut body = String::new();
    render_command(&mut body, cmd);
    for line in body.lines() {
        let _ = writeln!(out, "{mark} {line}");
    }
    out
}

/// The two-line banner of an allowed destructive command: where, what it destroys, and
/// the snapshot that holds it.
pub fn short_banner(header: &str, cmd: &CommandReport, snapshot: Option<&str>) -> String {
    const SHOWN: usize = 4;
    let mark = "shellguard │".dimmed();
    let existing: Vec<String> = cmd
        .targets
        .iter()
        .filter(|t| t.exists)
        .map(|t| t.path.display().to_string())
        .collect();
    let mut what = existing
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if existing.len() > SHOWN {
        let _ = write!(what, " … and {} more", existing.len() - SHOWN);
    }
    let kept = snapshot.map_or(String::new(), |id| {
        format!("  {}", format!("(snapshot {id}: shellguard undo)").dimmed())
    });
    format!("{mark} {header}\n{mark} {} {what}{kept}\n", cmd.program)
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
