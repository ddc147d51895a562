//! `systemctl` beyond rebooting (that part is `reboot.rs`): timers whose service reboots
//! the machine, and stopping the way back in while connected over SSH.
//!
//! Incident 4: a daily timer with `Persistent=true` started a service running
//! `systemctl reboot`. A reboot job never completes, so at every boot the missed run fired
//! again: an endless reboot loop. Enabling or starting such a timer is `timer-reboot-loop`.

use std::path::{Path, PathBuf};

use super::opts;
use super::reboot::{self, SYSTEMCTL};
use super::{Analysis, Arg, Invocation, Stdin};
use crate::model::{Effect, Target, Verdict};
use crate::rules::Rule;
use crate::syntax::{self, Node};

/// Units whose loss cuts an SSH session and every way back in.
const LIFELINES: &[&str] = &[
    "ssh",
    "sshd",
    "ssh.socket",
    "networking",
    "network",
    "NetworkManager",
    "systemd-networkd",
    "systemd-resolved",
    "wpa_supplicant",
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = reboot::analyze(inv);
    let parsed = opts::parse(SYSTEMCTL, inv.args);
    if parsed.has("help") || parsed.has("version") || parsed.has("dry-run") {
        return analysis;
    }
    let Some((verb, units)) = parsed.operands.split_first() else {
        return analysis;
    };
    let user = parsed.has("user");
    match verb.text().as_ref() {
        "enable" | "reenable" | "start" | "restart" | "try-restart" | "reload-or-restart" => {
            for unit in units.iter().filter(|u| u.text().ends_with(".timer")) {
                timer(inv, unit, user, &mut analysis);
            }
        }
        "stop" | "disable" | "mask" | "kill" | "isolate" if inv.ctx.ssh && !user => {
            for unit in units {
                let name = unit.text();
                let base = name.trim_end_matches(".service");
                if LIFELINES.contains(&base) || LIFELINES.contains(&name.as_ref()) {
                    let when = if verb.text() == "disable" && !parsed.has("now") {
                        " from the next boot on"
                    } else {
                        ""
                    };
                    analysis.reason(
                        Rule::RemoteLockout,
                        Verdict::Confirm,
                        format!(
                            "you are connected over SSH: systemctl {} {name} cuts this session and every way back \
                             in{when} (console access needed to undo it)",
                            verb.text()
                        ),
                    );
                }
            }
        }
        _ => {}
    }
    analysis
}

/// The unit search path (`$SYSTEMD_UNIT_PATH` first, as systemd itself honours it).
fn search_path(inv: &Invocation, user: bool) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = inv
        .var("SYSTEMD_UNIT_PATH")
        .map(|p| {
            p.split(':')
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default();
    if user {
        dirs.extend(inv.ctx.home().map(|h| h.join(".config/systemd/user")));
        dirs.extend(["/etc/systemd/user", "/usr/lib/systemd/user"].map(PathBuf::from));
    } else {
        dirs.extend(
            [
                "/etc/systemd/system",
                "/run/systemd/system",
                "/usr/lib/systemd/system",
                "/lib/systemd/system",
            ]
            .map(PathBuf::from),
        );
    }
    dirs
}

fn find_unit(inv: &Invocation, name: &str, near: Option<&Path>, user: bool) -> Option<PathBuf> {
    if name.contains('/') {
        let path = inv.resolve(&Arg::exact(name)).path;
        return path.is_file().then_some(path);
    }
    near.into_iter()
        .map(Path::to_path_buf)
        .chain(search_path(inv, user))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// `Key=value` lines of one section, continuation lines joined, comments dropped.
fn section_values(text: &str, section: &str, key: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let mut current = String::new();
    let mut out = Vec::new();
    for line in joined.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_string();
        } else if current == section
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == key
        {
            out.push(v.trim().to_string());
        }
    }
    out
}

fn timer(inv: &Invocation, unit: &Arg, user: bool, analysis: &mut Analysis) {
    let name = unit.text();
    let Some(timer_path) = find_unit(inv, &name, None, user) else {
        return;
    };
    let Ok(timer_text) = std::fs::read_to_string(&timer_path) else {
        return;
    };
    let timer_name = timer_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let service_name = section_values(&timer_text, "Timer", "Unit")
        .pop()
        .unwrap_or_else(|| timer_name.trim_end_matches(".timer").to_string() + ".service");
    let Some(service_path) = find_unit(inv, &service_name, timer_path.parent(), user) else {
        return;
    };
    let Ok(service_text) = std::fs::read_to_string(&service_path) else {
        return;
    };
    let execs: Vec<String> = ["ExecStartPre", "ExecStart", "ExecStartPost"]
        .iter()
        .flat_map(|k| section_values(&service_text, "Service", k))
        .collect();
    let Some(rebooting) = execs
        .iter()
        .find(|line| reboots(inv, strip_exec_prefixes(line), 0))
    else {
        return;
    };
    let persistent = section_values(&timer_text, "Timer", "Persistent")
        .last()
        .is_some_and(|v| matches!(v.to_lowercase().as_str(), "1" | "yes" | "true" | "on"));
    let when = section_values(&timer_text, "Timer", "OnCalendar").join(", ");
    analysis.targets.push(Target {
        path: timer_path.clone(),
        effect: Effect::Schedule,
        exists: true,
        kind: crate::model::FileKind::File,
        recursive: false,
        operand: name.to_string(),
        exact: unit.exact,
    });
    if persistent {
        analysis
            .reason(
                Rule::TimerRebootLoop,
                Verdict::Confirm,
                format!(
                    "{timer_name} runs {service_name}, whose '{rebooting}' reboots the machine, with Persistent=true: \
                     a reboot job never completes, so at every boot the missed run fires again — an endless reboot loop"
                ),
            )
            .instead("drop Persistent=true (a missed reboot need not be caught up), or schedule the reboot with `shutdown -r TIME`");
    } else {
        analysis.reason(
            Rule::Reboot,
            Verdict::Confirm,
            format!(
                "{timer_name} schedules a reboot of {} ({service_name} runs '{rebooting}'{})",
                inv.ctx.host,
                if when.is_empty() {
                    String::new()
                } else {
                    format!(", OnCalendar={when}")
                }
            ),
        );
    }
}

/// systemd's `-@:+!` prefixes on Exec lines say how to run the command, not what it is.
fn strip_exec_prefixes(line: &str) -> &str {
    line.trim_start_matches(['-', '@', ':', '+', '!'])
}

/// True when the command text reboots, powers off or halts the machine (looking into
/// `sh -c '…'` once or twice).
fn reboots(inv: &Invocation, text: &str, depth: usize) -> bool {
    let Ok(node) = syntax::parse(text) else {
        return false;
    };
    let mut commands = Vec::new();
    collect(&node, &mut commands);
    commands.iter().any(|words| {
        let Some((program, args)) = words.split_first() else {
            return false;
        };
        let name = super::program_name(program.os()).into_owned();
        if ["sh", "bash", "dash"].contains(&name.as_str())
            && depth < 2
            && let Some(pos) = args.iter().position(|a| a.text() == "-c")
        {
            return args
                .get(pos + 1)
                .is_some_and(|inner| reboots(inv, &inner.text(), depth + 1));
        }
        if ![
            "reboot",
            "poweroff",
            "halt",
            "shutdown",
            "init",
            "telinit",
            "systemctl",
        ]
        .contains(&name.as_str())
        {
            return false;
        }
        let nested = Invocation {
            name: &name,
            args,
            cwd: Some(Path::new("/")),
            ctx: inv.ctx,
            stdin: Stdin::Unknown,
            shell: super::ShellVars::default(),
        };
        reboot::analyze(&nested)
            .targets
            .iter()
            .any(|t| t.effect == Effect::Reboot)
    })
}

fn collect(node: &Node, out: &mut Vec<Vec<Arg>>) {
    match node {
        Node::Command(c) => out.push(
            c.words
                .iter()
                .map(|w| Arg::exact(w.literal().unwrap_or_else(|| w.raw.clone())))
                .collect(),
        ),
        Node::Pipeline(v) | Node::Sequence(v) => v.iter().for_each(|n| collect(n, out)),
        Node::Subshell(n)
        | Node::Redirected(n, _)
        | Node::Function { body: n, .. }
        | Node::For { body: n, .. } => collect(n, out),
    }
}
