//! Commands that run other commands: `sudo`, `env`, `nice`, `timeout`, shells with `-c`,
//! `eval`, `ssh HOST '...'`, `xargs`. Each is looked through to what really runs.

use std::ffi::OsString;

use crate::analyze::Arg;
use crate::analyze::opts::{self, OptDef, flag, optional, valued};

/// What a wrapper leads to.
#[derive(Debug)]
pub enum Step {
    /// Runs this argv (in another directory for `env -C`, `sudo -D`).
    Run {
        argv: Vec<Arg>,
        chdir: Option<OsString>,
        /// Variables set for it (`sudo PGHOST=db1 psql`, `env FOO=1 cmd`).
        env: Vec<(String, Arg)>,
    },
    /// A shell runs this text (`bash -c TEXT`, `su -c TEXT`, `watch 'cmd'`).
    Script(String),
    /// `eval ARGS`: the text runs in the current shell.
    Eval(String),
    /// A shell with no script reads commands from its standard input.
    ShellStdin,
    /// A shell runs a script file.
    ShellFile(Arg),
    /// `ssh HOST [COMMAND]`
    Remote {
        host: String,
        command: Option<String>,
    },
    /// `xargs CMD ARGS`: CMD runs with arguments read from standard input.
    Xargs(Vec<Arg>),
    /// The wrapper runs nothing here (`sudo -l`, `command -v rm`, `env` alone).
    Nothing,
}

const SUDO: &[OptDef] = &[
    flag("x", Some('A'), Some("askpass")),
    flag("x", Some('b'), Some("background")),
    flag("x", Some('E'), None),
    optional("x", "preserve-env"),
    flag("edit", Some('e'), Some("edit")),
    flag("x", Some('H'), Some("set-home")),
    flag("shell", Some('i'), Some("login")),
    flag("shell", Some('s'), Some("shell")),
    flag("nothing", Some('K'), Some("remove-timestamp")),
    flag("nothing", Some('k'), Some("reset-timestamp")),
    flag("nothing", Some('l'), Some("list")),
    flag("x", Some('n'), Some("non-interactive")),
    flag("x", Some('P'), Some("preserve-groups")),
    flag("x", Some('S'), Some("stdin")),
    flag("nothing", Some('v'), Some("validate")),
    flag("nothing", Some('V'), Some("version")),
    valued("x", Some('C'), Some("close-from")),
    valued("chdir", Some('D'), Some("chdir")),
    valued("x", Some('g'), Some("group")),
    valued("x", Some('h'), Some("host")),
    valued("x", Some('p'), Some("prompt")),
    valued("x", Some('R'), Some("chroot")),
    valued("x", Some('r'), Some("role")),
    valued("x", Some('T'), Some("command-timeout")),
    valued("x", Some('t'), Some("type")),
    valued("x", Some('U'), Some("other-user")),
    valued("x", Some('u'), Some("user")),
];

const DOAS: &[OptDef] = &[
    flag("x", Some('n'), None),
    flag("shell", Some('s'), None),
    valued("x", Some('u'), None),
    valued("x", Some('C'), None),
];

const ENV: &[OptDef] = &[
    flag("x", Some('i'), Some("ignore-environment")),
    flag("x", Some('0'), Some("null")),
    valued("x", Some('u'), Some("unset")),
    valued("chdir", Some('C'), Some("chdir")),
    valued("split", Some('S'), Some("split-string")),
    flag("x", Some('v'), Some("debug")),
];

const NICE: &[OptDef] = &[valued("x", Some('n'), Some("adjustment"))];
const TIME: &[OptDef] = &[
    flag("x", Some('p'), Some("portability")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('a'), Some("append")),
    valued("x", Some('f'), Some("format")),
    valued("x", Some('o'), Some("output")),
];
const COMMAND: &[OptDef] = &[
    flag("x", Some('p'), None),
    flag("nothing", Some('v'), None),
    flag("nothing", Some('V'), None),
];
const EXEC: &[OptDef] = &[
    flag("x", Some('c'), None),
    flag("x", Some('l'), None),
    valued("x", Some('a'), None),
];
const TIMEOUT: &[OptDef] = &[
    flag("x", None, Some("preserve-status")),
    flag("x", None, Some("foreground")),
    flag("x", Some('v'), Some("verbose")),
    valued("x", Some('k'), Some("kill-after")),
    valued("x", Some('s'), Some("signal")),
];
const IONICE: &[OptDef] = &[
    valued("x", Some('c'), Some("class")),
    valued("x", Some('n'), Some("classdata")),
    flag("x", Some('t'), Some("ignore")),
];
const STDBUF: &[OptDef] = &[
    valued("x", Some('i'), Some("input")),
    valued("x", Some('o'), Some("output")),
    valued("x", Some('e'), Some("error")),
];
const SETSID: &[OptDef] = &[
    flag("x", Some('c'), Some("ctty")),
    flag("x", Some('f'), Some("fork")),
    flag("x", Some('w'), Some("wait")),
];
const FLOCK: &[OptDef] = &[
    flag("x", Some('s'), Some("shared")),
    flag("x", Some('x'), Some("exclusive")),
    flag("x", Some('u'), Some("unlock")),
    flag("x", Some('n'), Some("nonblock")),
    flag("x", Some('o'), Some("close")),
    valued("x", Some('w'), Some("timeout")),
    valued("x", Some('E'), Some("conflict-exit-code")),
    valued("command", Some('c'), Some("command")),
];
const WATCH: &[OptDef] = &[
    valued("x", Some('n'), Some("interval")),
    flag("x", Some('d'), None),
    optional("x", "differences"),
    flag("x", Some('t'), Some("no-title")),
    flag("x", Some('b'), Some("beep")),
    flag("x", Some('e'), Some("errexit")),
    flag("x", Some('g'), Some("chgexit")),
    flag("x", Some('c'), Some("color")),
    flag("exec", Some('x'), Some("exec")),
    flag("x", Some('p'), Some("precise")),
];
const SU: &[OptDef] = &[
    flag("x", Some('l'), Some("login")),
    flag("x", Some('m'), Some("preserve-environment")),
    flag("x", Some('p'), None),
    valued("command", Some('c'), Some("command")),
    valued("x", Some('s'), Some("shell")),
    valued("x", Some('g'), Some("group")),
    valued("x", Some('G'), Some("supp-group")),
];
const SHELL: &[OptDef] = &[
    flag("command", Some('c'), None),
    flag("stdin", Some('s'), None),
    flag("x", Some('i'), None),
    flag("x", Some('l'), Some("login")),
    flag("x", Some('e'), None),
    flag("x", Some('u'), None),
    flag("x", Some('x'), None),
    flag("x", Some('v'), None),
    flag("x", Some('f'), None),
    flag("x", Some('r'), Some("restricted")),
    flag("x", None, Some("norc")),
    flag("x", None, Some("noprofile")),
    flag("x", None, Some("posix")),
    flag("x", None, Some("noediting")),
    valued("x", Some('o'), None),
    valued("x", Some('O'), None),
    valued("x", None, Some("rcfile")),
    valued("x", None, Some("init-file")),
];
const SSH: &[OptDef] = &[
    valued("x", Some('B'), None),
    valued("x", Some('b'), None),
    valued("x", Some('c'), None),
    valued("x", Some('D'), None),
    valued("x", Some('E'), None),
    valued("x", Some('e'), None),
    valued("x", Some('F'), None),
    valued("x", Some('I'), None),
    valued("x", Some('i'), None),
    valued("x", Some('J'), None),
    valued("x", Some('L'), None),
    valued("x", Some('l'), None),
    valued("x", Some('m'), None),
    valued("x", Some('O'), None),
    valued("x", Some('o'), None),
    valued("x", Some('p'), None),
    valued("x", Some('Q'), None),
    valued("x", Some('R'), None),
    valued("x", Some('S'), None),
    valued("x", Some('W'), None),
    valued("x", Some('w'), None),
    flag("x", Some('4'), None),
    flag("x", Some('6'), None),
    flag("x", Some('A'), None),
    flag("x", Some('a'), None),
    flag("x", Some('C'), None),
    flag("x", Some('f'), None),
    flag("x", Some('G'), None),
    flag("x", Some('g'), None),
    flag("x", Some('K'), None),
    flag("x", Some('k'), None),
    flag("x", Some('M'), None),
    flag("x", Some('N'), None),
    flag("x", Some('n'), None),
    flag("x", Some('q'), None),
    flag("x", Some('s'), None),
    flag("x", Some('T'), None),
    flag("x", Some('t'), None),
    flag("x", Some('V'), None),
    flag("x", Some('v'), None),
    flag("x", Some('X'), None),
    flag("x", Some('x'), None),
    flag("x", Some('Y'), None),
    flag("x", Some('y'), None),
];
const XARGS: &[OptDef] = &[
    flag("x", Some('0'), Some("null")),
    flag("x", Some('r'), Some("no-run-if-empty")),
    flag("x", Some('t'), Some("verbose")),
    flag("x", Some('p'), Some("interactive")),
    flag("x", Some('x'), Some("exit")),
    valued("x", Some('a'), Some("arg-file")),
    valued("x", Some('d'), Some("delimiter")),
    valued("x", Some('E'), None),
    valued("x", Some('I'), None),
    valued("x", Some('L'), Some("max-lines")),
    valued("x", Some('n'), Some("max-args")),
    valued("x", Some('P'), Some("max-procs")),
    valued("x", Some('s'), Some("max-chars")),
    valued("x", None, Some("process-slot-var")),
    optional("x", "eof"),
    optional("x", "replace"),
];

const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "busybox",
];

/// `NAME=value` as an environment setting: the name and the value.
fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then_some((name, value))
}

/// The step a wrapper program leads to, or None when `name` is not a wrapper.
pub fn unwrap(name: &str, rest: &[Arg]) -> Option<Step> {
    let run = |operands: &[&Arg], chdir: Option<OsString>| -> Step {
        if operands.is_empty() {
            Step::Nothing
        } else {
            Step::Run {
                argv: operands.iter().map(|a| (*a).clone()).collect(),
                chdir,
                env: Vec::new(),
            }
        }
    };
    // sudo, doas and env take `NAME=value` words before the command as its environment.
    let run_with_env = |operands: &[&Arg], chdir: Option<OsString>| -> Step {
        let assignments = operands
            .iter()
            .take_while(|a| assignment(&a.text()).is_some())
            .count();
        match run(&operands[assignments..], chdir) {
            Step::Run { argv, chdir, .. } => Step::Run {
                argv,
                chdir,
                env: operands[..assignments]
                    .iter()
                    .filter_map(|a| {
                        let text = a.text();
                        let (name, value) = assignment(&text)?;
                        let value = Arg {
                            value: value.into(),
                            exact: a.exact,
                        };
                        Some((name.to_string(), value))
                    })
                    .collect(),
            },
            other => other,
        }
    };
    let step = match name {
        "sudo" | "doas" => {
            let p = opts::parse_until_operand(if name == "sudo" { SUDO } else { DOAS }, rest);
            if p.has("nothing") || p.has("edit") {
                Step::Nothing
            } else if p.has("shell") && !p.operands.is_empty() {
                Step::Script(
                    p.operands
                        .iter()
                        .map(|a| a.text().into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            } else {
                run_with_env(&p.operands, p.value("chdir").cloned())
            }
        }
        "env" => {
            let p = opts::parse_until_operand(ENV, rest);
            if let Some(split) = p.value("split") {
                let mut argv: Vec<Arg> = split
                    .to_string_lossy()
                    .split_whitespace()
                    .map(Arg::exact)
                    .collect();
                argv.extend(p.operands.iter().map(|a| (*a).clone()));
                return Some(Step::Run {
                    argv,
                    chdir: p.value("chdir").cloned(),
                    env: Vec::new(),
                });
            }
            run_with_env(&p.operands, p.value("chdir").cloned())
        }
        "nice" => run(&opts::parse_until_operand(NICE, rest).operands, None),
        "nohup" | "builtin" => run(&rest.iter().collect::<Vec<_>>(), None),
        "time" => run(&opts::parse_until_operand(TIME, rest).operands, None),
        "command" => {
            let p = opts::parse_until_operand(COMMAND, rest);
            if p.has("nothing") {
                Step::Nothing
            } else {
                run(&p.operands, None)
            }
        }
        "exec" => run(&opts::parse_until_operand(EXEC, rest).operands, None),
        "timeout" => {
            let p = opts::parse_until_operand(TIMEOUT, rest);
            run(p.operands.get(1..).unwrap_or(&[]), None)
        }
        "ionice" => run(&opts::parse_until_operand(IONICE, rest).operands, None),
        "stdbuf" => run(&opts::parse_until_operand(STDBUF, rest).operands, None),
        "setsid" => run(&opts::parse_until_operand(SETSID, rest).operands, None),
        "flock" => {
            let p = opts::parse_until_operand(FLOCK, rest);
            match p.value("command") {
                Some(text) => Step::Script(text.to_string_lossy().into_owned()),
                None => run(p.operands.get(1..).unwrap_or(&[]), None),
            }
        }
        "watch" => {
            let p = opts::parse_until_operand(WATCH, rest);
            if p.has("exec") {
                run(&p.operands, None)
            } else {
                Step::Script(
                    p.operands
                        .iter()
                        .map(|a| a.text().into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
        }
        "su" => {
            let p = opts::parse(SU, rest);
            match p.value("command") {
                Some(text) => Step::Script(text.to_string_lossy().into_owned()),
                None => Step::Nothing,
            }
        }
        "eval" => Step::Eval(
            rest.iter()
                .map(|a| a.text().into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "ssh" => {
            let p = opts::parse_until_operand(SSH, rest);
            let (host, command) = p.operands.split_first()?;
            let host = host.text();
            let host = host.rsplit('@').next().unwrap_or(&host).to_string();
            let command = (!command.is_empty()).then(|| {
                command
                    .iter()
                    .map(|a| a.text().into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            Step::Remote { host, command }
        }
        "xargs" => {
            let p = opts::parse_until_operand(XARGS, rest);
            if p.operands.is_empty() {
                Step::Nothing
            } else {
                Step::Xargs(p.operands.iter().map(|a| (*a).clone()).collect())
            }
        }
        shell if SHELLS.contains(&shell) => {
            let rest = if shell == "busybox" {
                match rest.split_first() {
                    Some((applet, tail)) if ["sh", "ash"].contains(&applet.text().as_ref()) => tail,
                    _ => return None,
                }
            } else {
                rest
            };
            let p = opts::parse_until_operand(SHELL, rest);
            if p.has("command") {
                match p.operands.first() {
                    Some(text) if text.exact => Step::Script(text.text().into_owned()),
                    Some(_) => Step::ShellStdin,
                    None => Step::Nothing,
                }
            } else if p.has("stdin") {
                Step::ShellStdin
            } else {
                match p.operands.first() {
                    Some(file) => Step::ShellFile((*file).clone()),
                    None => Step::ShellStdin,
                }
            }
        }
        _ => return None,
    };
    Some(step)
}
