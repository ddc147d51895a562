//! The reboot family: `reboot`, `poweroff`, `halt`, `shutdown`, `init`/`telinit` with a
//! runlevel, and `systemctl reboot|poweroff|halt|kexec|soft-reboot|rescue|emergency`
//! (also `systemctl isolate|start reboot.target` and the like).
//!
//! The target is the machine, not a file: its path is the pseudo path `host:NAME`
//! (`NAME` from the context, or the `-H` host of systemctl), kind `Unknown`, effect
//! `reboot`. It must never be `/`, which the judge would read as the root filesystem.
//! The reason is `reboot` (confirm); over SSH or on production the judge and `run` make
//! it a typed host name. Cancelling (`shutdown -c`), warning only (`shutdown -k`),
//! `--help`, `--wtmp-only` and `systemctl --dry-run` touch nothing; other systemctl verbs
//! are not this file's business.

use std::path::PathBuf;

use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

pub fn analyze(inv: &Invocation) -> Analysis {
    match inv.name {
        "shutdown" => shutdown(inv),
        "init" | "telinit" => init(inv),
        "systemctl" => systemctl(inv),
        _ => reboot(inv),
    }
}

/// The machine as a target: `host:NAME`, so that no path rule can mistake it for `/`.
fn machine(host: &str) -> Target {
    let path = format!("host:{host}");
    Target {
        path: PathBuf::from(&path),
        effect: Effect::Reboot,
        exists: true,
        kind: FileKind::Unknown,
        recursive: false,
        operand: path,
        exact: true,
    }
}

fn reboot_reason(inv: &Invocation, host: &str, what: &str, when: &str, analysis: &mut Analysis) {
    let ssh = if inv.ctx.ssh && host == inv.ctx.host {
        " — you are connected over SSH, and the session goes with it"
    } else {
        ""
    };
    analysis
        .reason(
            Rule::Reboot,
            Verdict::Confirm,
            format!("{what} '{host}'{when}{ssh}"),
        )
        .instead("check the host name in the prompt: is this the machine you mean?");
    analysis.targets.push(machine(host));
}

const REBOOT: &[OptDef] = &[
    flag("help", None, Some("help")),
    flag("halt", None, Some("halt")),
    flag("poweroff", Some('p'), Some("poweroff")),
    flag("reboot", None, Some("reboot")),
    flag("force", Some('f'), Some("force")),
    flag("wtmp-only", Some('w'), Some("wtmp-only")),
    flag("no-wtmp", Some('d'), Some("no-wtmp")),
    flag("no-sync", Some('n'), Some("no-sync")),
    flag("no-wall", None, Some("no-wall")),
    flag("ifdown", Some('i'), None),
    valued("when", None, Some("when")),
];

fn reboot(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(REBOOT, inv.args);
    if parsed.has("help") || parsed.has("wtmp-only") {
        return analysis;
    }
    if parsed.value("when").is_some_and(|w| w == "cancel") {
        return analysis;
    }
    let action = parsed
        .last_of(&["halt", "poweroff", "reboot"])
        .unwrap_or(match inv.name {
            "poweroff" => "poweroff",
            "halt" => "halt",
            _ => "reboot",
        });
    let what = match action {
        "poweroff" => format!("{} powers off", inv.name),
        "halt" => format!("{} halts", inv.name),
        _ => format!("{} reboots", inv.name),
    };
    let how = if parsed.has("force") {
        " at once (-f), without stopping services cleanly"
    } else {
        ""
    };
    reboot_reason(inv, &inv.ctx.host, &what, how, &mut analysis);
    analysis
}

const SHUTDOWN: &[OptDef] = &[
    flag("help", None, Some("help")),
    flag("halt", Some('H'), Some("halt")),
    flag("poweroff", Some('P'), Some("poweroff")),
    flag("reboot", Some('r'), Some("reboot")),
    flag("poweroff-or-halt", Some('h'), None),
    flag("warn-only", Some('k'), None),
    flag("no-wall", None, Some("no-wall")),
    flag("cancel", Some('c'), None),
    flag("show", None, Some("show")),
    flag("access", Some('a'), None),
    flag("force", Some('f'), None),
    flag("force-fsck", Some('F'), None),
    flag("no-init", Some('n'), None),
    valued("delay", Some('t'), None),
];

fn shutdown(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(SHUTDOWN, inv.args);
    if ["help", "cancel", "warn-only", "show"]
        .iter()
        .any(|k| parsed.has(k))
    {
        return analysis;
    }
    let action = match parsed.last_of(&["halt", "poweroff", "reboot", "poweroff-or-halt"]) {
        Some("reboot") => "reboots",
        Some("halt") => "halts",
        _ => "powers off",
    };
    let when = match parsed.operands.first().map(|t| t.text().into_owned()) {
        None => " in one minute".to_string(),
        Some(t) if t == "now" || t == "+0" => " now".to_string(),
        Some(t) if t.starts_with('+') => format!(" in {} minute(s)", &t[1..]),
        Some(t) if t.contains(':') => format!(" at {t}"),
        Some(_) => " in one minute".to_string(),
    };
    let what = format!("shutdown {action}");
    reboot_reason(inv, &inv.ctx.host, &what, &when, &mut analysis);
    analysis
}

fn init(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let Some(level) = inv.args.iter().find(|a| !a.text().starts_with('-')) else {
        return analysis;
    };
    let what = match level.text().as_ref() {
        "0" => format!("{} 0 halts and powers off", inv.name),
        "6" => format!("{} 6 reboots", inv.name),
        "1" | "s" | "S" | "single" | "emergency" => format!(
            "{} {} switches to single-user mode: every service stops and remote users are cut \
             off on",
            inv.name,
            level.text()
        ),
        _ => return analysis, // runlevels 2-5, q (reload), u (re-exec)
    };
    reboot_reason(inv, &inv.ctx.host, &what, "", &mut analysis);
    analysis
}

pub(crate) const SYSTEMCTL: &[OptDef] = &[
    valued("type", Some('t'), Some("type")),
    valued("state", None, Some("state")),
    valued("property", Some('p'), Some("property")),
    valued("value-property", Some('P'), None),
    flag("all", Some('a'), Some("all")),
    flag("recursive", Some('r'), Some("recursive")),
    flag("reverse", None, Some("reverse")),
    flag("after", None, Some("after")),
    flag("before", None, Some("before")),
    flag("with-dependencies", None, Some("with-dependencies")),
    flag("full", Some('l'), Some("full")),
    flag("value", None, Some("value")),
    flag("show-types", None, Some("show-types")),
    valued("job-mode", None, Some("job-mode")),
    flag("show-transaction", Some('T'), Some("show-transaction")),
    flag("fail", None, Some("fail")),
    flag("ignore-dependencies", None, Some("ignore-dependencies")),
    valued("check-inhibitors", None, Some("check-inhibitors")),
    flag("ignore-inhibitors", Some('i'), None),
    flag("dry-run", None, Some("dry-run")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("no-warn", None, Some("no-warn")),
    flag("no-block", None, Some("no-block")),
    flag("wait", None, Some("wait")),
    flag("user", None, Some("user")),
    flag("system", None, Some("system")),
    flag("global", None, Some("global")),
    flag("failed", None, Some("failed")),
    flag("no-wall", None, Some("no-wall")),
    flag("no-reload", None, Some("no-reload")),
    flag("no-ask-password", None, Some("no-ask-password")),
    valued("kill-whom", None, Some("kill-whom")),
    valued("kill-value", None, Some("kill-value")),
    valued("signal", Some('s'), Some("signal")),
    valued("what", None, Some("what")),
    flag("force", Some('f'), Some("force")),
    valued("message", None, Some("message")),
    flag("now", None, Some("now")),
    flag("runtime", None, Some("runtime")),
    valued("preset-mode", None, Some("preset-mode")),
    valued("root", None, Some("root")),
    valued("image", None, Some("image")),
    valued("image-policy", None, Some("image-policy")),
    valued("reboot-argument", None, Some("reboot-argument")),
    valued("host", Some('H'), Some("host")),
    valued("machine", Some('M'), Some("machine")),
    valued("lines", Some('n'), Some("lines")),
    valued("output", Some('o'), Some("output")),
    flag("firmware-setup", None, Some("firmware-setup")),
    optional("boot-loader-menu", "boot-loader-menu"),
    valued("boot-loader-entry", None, Some("boot-loader-entry")),
    flag("plain", None, Some("plain")),
    valued("timestamp", None, Some("timestamp")),
    flag("read-only", None, Some("read-only")),
    flag("mkdir", None, Some("mkdir")),
    flag("marked", None, Some("marked")),
    valued("drop-in", None, Some("drop-in")),
    valued("when", None, Some("when")),
    flag("no-pager", None, Some("no-pager")),
    flag("no-legend", None, Some("no-legend")),
    optional("legend", "legend"),
    flag("help", Some('h'), Some("help")),
    flag("version", None, Some("version")),
];

/// Units that take the machine down (or to single-user mode) when started.
const DOWN_UNITS: &[&str] = &[
    "reboot.target",
    "poweroff.target",
    "halt.target",
    "kexec.target",
    "soft-reboot.target",
    "ctrl-alt-del.target",
    "runlevel0.target",
    "runlevel6.target",
    "runlevel1.target",
    "rescue.target",
    "emergency.target",
    "systemd-reboot.service",
    "systemd-poweroff.service",
    "systemd-halt.service",
    "systemd-kexec.service",
    "systemd-soft-reboot.service",
    "rescue.service",
    "emergency.service",
];

fn systemctl(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(SYSTEMCTL, inv.args);
    if parsed.has("help") || parsed.has("version") || parsed.has("dry-run") {
        return analysis;
    }
    if parsed.value("when").is_some_and(|w| w == "cancel") {
        return analysis;
    }
    let Some((verb, units)) = parsed.operands.split_first() else {
        return analysis;
    };
    let verb = verb.text();
    let what = match verb.as_ref() {
        "reboot" => "systemctl reboot reboots".to_string(),
        "poweroff" => "systemctl poweroff powers off".to_string(),
        "halt" => "systemctl halt halts".to_string(),
        "kexec" => "systemctl kexec boots a new kernel on".to_string(),
        "soft-reboot" => "systemctl soft-reboot restarts all of userspace on".to_string(),
        "rescue" | "emergency" => format!(
            "systemctl {verb} switches to {verb} mode (services stop, remote users are cut off) on"
        ),
        "isolate"
        | "start"
        | "restart"
        | "try-restart"
        | "reload-or-restart"
        | "try-reload-or-restart" => {
            let default_suffix = if verb == "isolate" {
                ".target"
            } else {
                ".service"
            };
            let Some(unit) = units
                .iter()
                .map(|u| {
                    let u = u.text().into_owned();
                    if u.contains('.') {
                        u
                    } else {
                        format!("{u}{default_suffix}")
                    }
                })
                .find(|u| DOWN_UNITS.contains(&u.as_str()))
            else {
                return analysis;
            };
            format!("systemctl {verb} {unit} takes down")
        }
        _ => return analysis, // status, restart nginx, ...: not a reboot
    };
    if parsed.has("user") || parsed.has("global") {
        return analysis; // a user manager's targets do not reboot the machine
    }
    let host = match (parsed.value("host"), parsed.value("machine")) {
        (Some(h), _) => {
            let h = h.to_string_lossy();
            h.rsplit_once('@')
                .map(|(_, host)| host.to_string())
                .unwrap_or_else(|| h.into_owned())
        }
        (None, Some(m)) => m.to_string_lossy().into_owned(),
        (None, None) => inv.ctx.host.clone(),
    };
    let when = parsed
        .value("when")
        .map(|w| format!(" (--when={})", w.to_string_lossy()))
        .unwrap_or_default();
    reboot_reason(inv, &host, &what, &when, &mut analysis);
    analysis
}
