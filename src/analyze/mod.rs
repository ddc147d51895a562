//! One analyzer per guarded program: each turns an argv (already expanded, as the shell
//! passes it) plus the context into the targets it would touch and the reasons to care.
//!
//! Adding a guarded program: a file here with `pub fn analyze(inv: &Invocation) -> Analysis`,
//! one line in [`analyzer_for`], and its table tests (fixtures in `tests/common/analyzer.rs`).

pub mod opts;

pub mod aws;
pub mod az;
pub mod chmod;
pub mod cloud;
pub mod cp;
pub mod crontab;
pub mod dd;
mod dest;
pub mod device;
pub mod docker;
pub mod doctl;
pub mod find;
pub mod gcloud;
pub mod git;
pub mod gsutil;
pub mod helm;
pub mod inline;
pub mod kubectl;
mod lexer;
pub mod ln;
pub mod mongo;
pub mod mv;
pub mod mysql;
pub mod openstack;
pub mod psql;
pub mod rclone;
pub mod reboot;
pub mod redis;
pub mod rm;
pub mod rmdir;
pub mod rsync;
pub mod s3cmd;
pub mod sql;
pub mod systemd;
pub mod tee;
pub mod terraform;
pub mod truncate;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::context::Context;
use crate::interp::expand::Value;
use crate::model::{Effect, FileKind, Reason, Target, Verdict};
use crate::resolve::{self, Resolved};
use crate::rules::Rule;

/// One argument as the program would receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub value: OsString,
    /// False when review could not expand the word statically (`$(...)`, an unknown
    /// variable): `value` is then the word as written.
    pub exact: bool,
}

impl Arg {
    pub fn exact(value: impl Into<OsString>) -> Arg {
        Arg {
            value: value.into(),
            exact: true,
        }
    }

    pub fn inexact(value: impl Into<OsString>) -> Arg {
        Arg {
            value: value.into(),
            exact: false,
        }
    }

    /// The argument as text, for option matching and messages.
    pub fn text(&self) -> Cow<'_, str> {
        self.value.to_string_lossy()
    }

    pub fn os(&self) -> &OsStr {
        &self.value
    }
}

/// What feeds the program's standard input (crontab reads a new table from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stdin {
    Terminal,
    /// A pipe, heredoc or redirection; the text when it is known statically.
    Data(Option<String>),
    Unknown,
}

/// One call of a guarded program.
pub struct Invocation<'a> {
    /// The program's base name (`rm`, `mkfs.ext4`, ...).
    pub name: &'a str,
    pub args: &'a [Arg],
    /// The working directory; None when it cannot be known (after `cd $UNKNOWN`).
    pub cwd: Option<&'a Path>,
    pub ctx: &'a Context,
    pub stdin: Stdin,
    /// Variables the reviewed text set before this command (`PGHOST=db1 psql`, or an
    /// assignment earlier in the script); they hide the process environment's.
    pub shell: ShellVars<'a>,
}

/// The variables a reviewed text sets: this command's prefix assignments, then the
/// script's. A value that cannot be known statically hides the environment's too.
#[derive(Clone, Copy, Default)]
pub struct ShellVars<'a> {
    pub prefix: &'a [(String, Value)],
    pub script: Option<&'a HashMap<String, Value>>,
}

/// What an analyzer found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub targets: Vec<Target>,
    pub reasons: Vec<Reason>,
    /// True when guarded execution would snapshot what this command destroys.
    pub snapshot: bool,
    /// Another system the command acts on (a kube context, a database host): when the
    /// policy's `[[environment]]` host globs match it, its environment is the one that
    /// counts (production), instead of the local host's.
    pub acts_on: Option<String>,
}

impl Analysis {
    pub fn reason(
        &mut self,
        rule: Rule,
        severity: Verdict,
        message: impl Into<String>,
    ) -> &mut Reason {
        self.reasons.push(Reason::new(rule, severity, message));
        self.reasons.last_mut().expect("just pushed")
    }

    pub fn verdict(&self) -> Verdict {
        self.reasons
            .iter()
            .map(|r| r.severity)
            .max()
            .unwrap_or(Verdict::Allow)
    }
}

/// The analyzer for a program name, or None when the program is not guarded.
pub fn analyzer_for(name: &str) -> Option<fn(&Invocation) -> Analysis> {
    let f: fn(&Invocation) -> Analysis = match name {
        "rm" | "unlink" => rm::analyze,
        "rmdir" => rmdir::analyze,
        "rsync" => rsync::analyze,
        "rclone" => rclone::analyze,
        "mv" => mv::analyze,
        "cp" => cp::analyze,
        "ln" => ln::analyze,
        "chmod" | "chown" | "chgrp" => chmod::analyze,
        "find" => find::analyze,
        "dd" => dd::analyze,
        "truncate" => truncate::analyze,
        "tee" => tee::analyze,
        "crontab" => crontab::analyze,
        "git" => git::analyze,
        "reboot" | "shutdown" | "poweroff" | "halt" | "init" | "telinit" => reboot::analyze,
        "systemctl" => systemd::analyze,
        "aws" => aws::analyze,
        "gsutil" => gsutil::analyze,
        "gcloud" => gcloud::analyze,
        "s3cmd" => s3cmd::analyze,
        "kubectl" => kubectl::analyze,
        "helm" => helm::analyze,
        "terraform" | "tofu" => terraform::analyze,
        "docker" | "podman" | "docker-compose" | "podman-compose" => docker::analyze,
        "openstack" => openstack::analyze,
        "az" => az::analyze,
        "doctl" => doctl::analyze,
        "psql" | "dropdb" => psql::analyze,
        "mysql" | "mariadb" | "mysqladmin" | "mariadb-admin" => mysql::analyze,
        "redis-cli" => redis::analyze,
        "mongosh" | "mongo" => mongo::analyze,
        name if device::handles(name) => device::analyze,
        name if inline::handles(name) => inline::analyze,
        _ => return None,
    };
    Some(f)
}

/// Runs the analyzer for the invocation's program, if it has one.
pub fn analyze(inv: &Invocation) -> Option<Analysis> {
    analyzer_for(inv.name).map(|f| f(inv))
}

impl<'a> Invocation<'a> {
    /// A variable as the program would see it: set by the reviewed text, else by the
    /// environment review runs in. None when unset or not known statically.
    pub fn var(&self, name: &str) -> Option<&'a str> {
        let shell = self.shell;
        let set = shell
            .prefix
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .or_else(|| shell.script.and_then(|vars| vars.get(name)));
        match set {
            Some(Value::Known(v)) => Some(v.as_str()),
            Some(Value::Unknown) => None,
            None => self.ctx.var(name),
        }
    }

    /// Resolves an operand to an absolute path and its type.
    pub fn resolve(&self, arg: &Arg) -> Resolved {
        if !arg.exact {
            return Resolved {
                path: PathBuf::from(arg.os()),
                kind: FileKind::Unknown,
                through_link: None,
            };
        }
        resolve::resolve(self.ctx, self.cwd, arg.os())
    }

    /// A target for `arg`, as the kernel would reach it.
    pub fn target(&self, arg: &Arg, effect: Effect, recursive: bool) -> Target {
        let resolved = self.resolve(arg);
        self.target_from(arg, resolved, effect, recursive)
    }

    pub fn target_from(
        &self,
        arg: &Arg,
        resolved: Resolved,
        effect: Effect,
        recursive: bool,
    ) -> Target {
        Target {
            exists: resolved.kind.exists(),
            path: resolved.path,
            effect,
            kind: resolved.kind,
            recursive,
            operand: arg.text().into_owned(),
            exact: arg.exact,
        }
    }

    /// A target for a command that acts on a directory's contents (rm -r, rsync's
    /// destination, chmod -R): `link/` then reaches the link's target, which is worth a
    /// `symlink-trailing-slash` reason naming the directory that would be emptied.
    pub fn content_target(&self, arg: &Arg, effect: Effect, analysis: &mut Analysis) -> Target {
        let resolved = self.resolve(arg);
        if let Some(link) = &resolved.through_link {
            let what = match effect {
                Effect::Delete => "emptied",
                Effect::Overwrite => "overwritten",
                _ => "changed",
            };
            analysis
                .reason(
                    Rule::SymlinkTrailingSlash,
                    Verdict::Block,
                    format!(
                        "'{}' is a symlink to a directory, and the trailing slash makes {} act on its \
                         target: '{}' would be {what} while the link '{}' stays",
                        arg.text(),
                        self.name,
                        resolved.path.display(),
                        link.display()
                    ),
                )
                .instead(format!(
                    "write '{}' without the slash to act on the link itself",
                    arg.text().trim_end_matches(['/', '.'])
                ));
        }
        self.target_from(arg, resolved, effect, true)
    }

    /// Where `path` leads once every symlink in it is followed, and what is there
    /// (`stat` rather than `lstat`); None when it leads nowhere (missing, dangling, a loop).
    pub fn follow(&self, path: &Path) -> Option<(PathBuf, FileKind)> {
        if self.ctx.remote {
            return None; // another machine's paths: the local filesystem says nothing
        }
        let real = std::fs::canonicalize(path).ok()?;
        let kind = self.ctx.kind_of(&real);
        Some((real, kind))
    }

    /// Like [`Invocation::resolve`], but a final symlink is followed too, as programs do
    /// that `stat` their operand (a destination directory, `of=` of dd, chmod's files).
    pub fn resolve_followed(&self, arg: &Arg) -> Resolved {
        let resolved = self.resolve(arg);
        if resolved.kind == FileKind::Symlink
            && let Some((path, kind)) = self.follow(&resolved.path)
        {
            return Resolved {
                path,
                kind,
                through_link: None,
            };
        }
        resolved
    }

    /// A reason for an operand that cannot be known before the command runs.
    pub fn unknown_operand(&self, arg: &Arg, effect: Effect, analysis: &mut Analysis) {
        let severity = if effect.loses_data() {
            Verdict::Confirm
        } else {
            Verdict::Allow
        };
        analysis.reason(
            Rule::UnknownTarget,
            severity,
            format!(
                "'{}' cannot be resolved before it runs; {} would {} whatever it names",
                arg.text(),
                self.name,
                effect.as_str()
            ),
        );
    }
}

/// A file written whole (`>`, `tee`) or appended to (`>>`, `tee -a`): an existing file
/// that is replaced is kept first; writing onto a block device destroys it. `how` names
/// the writer in messages.
pub fn written_file(
    ctx: &Context,
    cwd: Option<&Path>,
    arg: &Arg,
    append: bool,
    how: &str,
    analysis: &mut Analysis,
) {
    let text = arg.text();
    if ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"].contains(&text.as_ref())
        || text.starts_with("/dev/fd/")
        || !arg.exact
    {
        return;
    }
    let resolved = resolve::resolve(ctx, cwd, arg.os());
    let effect = if append {
        Effect::Modify
    } else {
        Effect::Overwrite
    };
    let kind = resolved.kind;
    let target = Target {
        exists: kind.exists(),
        path: resolved.path,
        effect,
        kind,
        recursive: false,
        operand: text.to_string(),
        exact: true,
    };
    match kind {
        FileKind::BlockDevice => {
            analysis.reason(
                Rule::DeviceWrite,
                Verdict::Block,
                format!(
                    "{how} writes straight onto the block device {}",
                    target.path.display()
                ),
            );
        }
        FileKind::File if !append => {
            analysis.reason(
                Rule::Overwrite,
                Verdict::Allow,
                format!(
                    "{how} replaces the contents of the existing file {}",
                    target.path.display()
                ),
            );
            analysis.snapshot = true;
        }
        FileKind::CharDevice | FileKind::Other => return,
        _ => {}
    }
    analysis.targets.push(target);
}

/// The base name of a program path (`/usr/bin/rm` → `rm`).
pub fn program_name(argv0: &OsStr) -> Cow<'_, str> {
    let name = Path::new(argv0).file_name().unwrap_or(argv0);
    name.to_string_lossy()
}
