//! `find` (GNU findutils): `-delete`, and guarded programs run by `-exec`, `-execdir`,
//! `-ok` and `-okdir`.
//!
//! Which files match the tests is unknown before the command runs, so every start path
//! becomes a recursive target with the effect of the action (`-delete` → delete,
//! `-exec rm {}` → delete, `-exec chmod ... {}` → modify), and `find-delete` (allow) says
//! that the tests decide. An embedded command is analysed by its own analyzer with `{}`
//! standing for "something below the start path", so its program-specific reasons
//! (`recursive-permissions`, ...) carry over; its operands that do not involve `{}` are
//! ordinary targets. `-fprint FILE` and friends truncate FILE.

use std::collections::HashSet;

use super::{Analysis, Arg, Invocation, analyzer_for, program_name};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

/// Tests and actions that take one argument, which must not be read as an action
/// (`-name -delete` looks for files named "-delete").
const ONE_ARG: &[&str] = &[
    "-amin",
    "-anewer",
    "-atime",
    "-cmin",
    "-cnewer",
    "-context",
    "-ctime",
    "-files0-from",
    "-fls",
    "-fprint",
    "-fprint0",
    "-fstype",
    "-gid",
    "-group",
    "-ilname",
    "-iname",
    "-inum",
    "-ipath",
    "-iregex",
    "-iwholename",
    "-links",
    "-lname",
    "-maxdepth",
    "-mindepth",
    "-mmin",
    "-mtime",
    "-name",
    "-newer",
    "-path",
    "-perm",
    "-printf",
    "-regex",
    "-regextype",
    "-samefile",
    "-size",
    "-type",
    "-uid",
    "-used",
    "-user",
    "-wholename",
    "-xtype",
];

/// What the placeholder `{}` becomes when an embedded command is analysed.
const PLACEHOLDER: &str = "{}";

/// A find command line taken apart.
struct FindLine<'a> {
    starts: Vec<&'a Arg>,
    /// The last of `-H`, `-L`, `-P`.
    follow: Option<char>,
    delete: bool,
    execs: Vec<Vec<Arg>>,
    /// Files that `-fprint`, `-fprint0`, `-fls`, `-fprintf` create or truncate.
    outputs: Vec<&'a Arg>,
    /// find refuses the whole command line (an `-exec` without its `;`): nothing runs.
    refused: bool,
    help: bool,
}

fn parse(args: &[Arg]) -> FindLine<'_> {
    let mut line = FindLine {
        starts: Vec::new(),
        follow: None,
        delete: false,
        execs: Vec::new(),
        outputs: Vec::new(),
        refused: false,
        help: false,
    };
    let mut i = 0;
    // Options before the start paths: -H -L -P -D debugopts -Olevel, and `--`.
    while let Some(arg) = args.get(i).filter(|a| a.exact) {
        match arg.text().as_ref() {
            "-H" => line.follow = Some('H'),
            "-L" => line.follow = Some('L'),
            "-P" => line.follow = Some('P'),
            "-D" => i += 1,
            "--" => {
                i += 1;
                break;
            }
            t if t.starts_with("-D") || t.starts_with("-O") => {}
            _ => break,
        }
        i += 1;
    }
    while let Some(arg) = args.get(i) {
        let text = arg.text();
        if arg.exact && (text.starts_with('-') || text == "(" || text == "!") {
            break;
        }
        line.starts.push(arg);
        i += 1;
    }
    while let Some(arg) = args.get(i) {
        i += 1;
        if !arg.exact {
            continue;
        }
        let text = arg.text();
        match text.as_ref() {
            "-delete" => line.delete = true,
            "-help" | "--help" | "-version" | "--version" => line.help = true,
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let plus_allowed = text.starts_with("-exec");
                let mut command = Vec::new();
                let mut terminated = false;
                while let Some(word) = args.get(i) {
                    i += 1;
                    let w = word.text();
                    if word.exact && w == ";" {
                        terminated = true;
                        break;
                    }
                    if word.exact
                        && w == "+"
                        && plus_allowed
                        && command.last().is_some_and(|p: &Arg| p.text() == "{}")
                    {
                        terminated = true;
                        break;
                    }
                    command.push(word.clone());
                }
                if !terminated || command.is_empty() {
                    line.refused = true;
                    return line;
                }
                line.execs.push(command);
            }
            "-fprint" | "-fprint0" | "-fls" | "-fprintf" => {
                if let Some(file) = args.get(i) {
                    line.outputs.push(file);
                }
                i += if text == "-fprintf" { 2 } else { 1 };
            }
            t if ONE_ARG.contains(&t) => i += 1,
            // -newerXY (e.g. -newermt DATE) takes one argument.
            t if t.starts_with("-newer") && t.len() == 8 => i += 1,
            _ => {}
        }
    }
    line
}

/// The commands that `-exec`, `-execdir`, `-ok` and `-okdir` would run, with `{}` left
/// in place (the review engine analyses them as commands of their own). `args` is find's
/// argv without the program name. Empty when find would refuse the command line.
pub fn exec_commands(args: &[Arg]) -> Vec<Vec<Arg>> {
    let line = parse(args);
    if line.refused { Vec::new() } else { line.execs }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let line = parse(inv.args);
    if line.refused || line.help {
        return analysis;
    }
    let dot = Arg::exact(".");
    let starts: Vec<&Arg> = if line.starts.is_empty() {
        vec![&dot]
    } else {
        line.starts.clone()
    };
    let mut seen = HashSet::new();
    let mut push = |analysis: &mut Analysis, target: Target| {
        if seen.insert((target.path.clone(), target.effect)) {
            if target.effect.loses_data() && target.exists {
                analysis.snapshot = true;
            }
            analysis.targets.push(target);
        }
    };

    if line.delete {
        for start in &starts {
            let target = start_target(inv, &line, start, Effect::Delete, &mut analysis);
            push(&mut analysis, target);
        }
        analysis.reason(
            Rule::FindDelete,
            Verdict::Allow,
            format!(
                "-delete removes whatever the tests match below {}: the tests decide which files",
                quoted(&starts)
            ),
        );
    }

    for command in &line.execs {
        let Some(first) = command.first().filter(|a| a.exact) else {
            continue;
        };
        let program = program_name(first.os()).into_owned();
        let Some(analyzer) = analyzer_for(&program) else {
            continue;
        };
        for start in &starts {
            let placeholder = format!("{}/{PLACEHOLDER}", start.text().trim_end_matches('/'));
            let embedded_args: Vec<Arg> = command[1..]
                .iter()
                .map(|a| {
                    if a.exact && a.text().contains(PLACEHOLDER) {
                        Arg::exact(a.text().replace(PLACEHOLDER, &placeholder))
                    } else {
                        a.clone()
                    }
                })
                .collect();
            let embedded = analyzer(&Invocation {
                name: &program,
                args: &embedded_args,
                cwd: inv.cwd,
                ctx: inv.ctx,
                stdin: super::Stdin::Unknown,
                shell: super::ShellVars::default(),
            });
            for target in embedded.targets {
                if target.operand.contains(PLACEHOLDER) {
                    let t = start_target(inv, &line, start, target.effect, &mut analysis);
                    push(&mut analysis, t);
                } else {
                    push(&mut analysis, target);
                }
            }
            for mut reason in embedded.reasons {
                if reason.rule == Rule::UnknownTarget && reason.message.contains(PLACEHOLDER) {
                    continue;
                }
                let below = format!("/{PLACEHOLDER}");
                reason.message =
                    format!("-exec {program}: {}", reason.message.replace(&below, "/…"));
                reason.instead = reason.instead.map(|i| i.replace(&below, ""));
                if !analysis.reasons.contains(&reason) {
                    analysis.reasons.push(reason);
                }
            }
        }
        if analysis
            .targets
            .iter()
            .any(|t| t.effect.loses_data() && starts.iter().any(|s| s.text() == t.operand))
        {
            let message = format!(
                "-exec {program} runs on whatever the tests match below {}: the tests decide \
                 which files",
                quoted(&starts)
            );
            if !analysis.reasons.iter().any(|r| r.message == message) {
                analysis.reason(Rule::FindDelete, Verdict::Allow, message);
            }
        }
    }

    for file in &line.outputs {
        let target = inv.target(file, Effect::Overwrite, false);
        if target.exists && !target.kind.is_dir() {
            analysis.reason(
                Rule::Overwrite,
                Verdict::Allow,
                format!(
                    "'{}' already exists and is truncated by find's output",
                    target.path.display()
                ),
            );
            push(&mut analysis, target);
        }
    }
    analysis
}

/// A start path as a recursive target: `link/` reaches the link's directory (and says
/// so); with `-H` or `-L` a symlinked start path is followed too.
fn start_target(
    inv: &Invocation,
    line: &FindLine,
    start: &Arg,
    effect: Effect,
    analysis: &mut Analysis,
) -> Target {
    if !start.exact {
        inv.unknown_operand(start, effect, analysis);
    }
    let mut target = inv.content_target(start, effect, analysis);
    if matches!(line.follow, Some('H' | 'L'))
        && target.kind == FileKind::Symlink
        && let Some((path, kind)) = inv.follow(&target.path)
    {
        target.path = path;
        target.kind = kind;
        target.exists = kind.exists();
    }
    target.recursive = target.kind.is_dir() || !target.kind.exists();
    target
}

fn quoted(starts: &[&Arg]) -> String {
    starts
        .iter()
        .map(|s| format!("'{}'", s.text()))
        .collect::<Vec<_>>()
        .join(", ")
}
