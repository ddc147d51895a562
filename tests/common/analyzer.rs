//! Fixtures for analyzer table tests: argv + a chosen world → targets and program
//! reasons, with the analyzer called directly (no binary, no policy).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use shellguard::analyze::{self, Analysis, Arg, Invocation, Stdin};
use shellguard::context::Context;
use shellguard::model::{Effect, Target, Verdict};

pub fn context(home: Option<&Path>) -> Context {
    match home {
        Some(home) => context_with(&[("HOME", &home.display().to_string())]),
        None => context_with(&[]),
    }
}

/// A context whose environment holds exactly `vars`.
pub fn context_with(vars: &[(&str, &str)]) -> Context {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Context::new(
        "testhost".to_string(),
        "alice".to_string(),
        1000,
        None,
        false,
        vars,
        None,
    )
}

pub fn args(argv: &[&str]) -> Vec<Arg> {
    argv.iter().map(|a| Arg::exact(*a)).collect()
}

pub fn analyze_in(ctx: &Context, cwd: Option<&Path>, argv: &[Arg], stdin: Stdin) -> Analysis {
    let name = argv[0].text().into_owned();
    let inv = Invocation {
        name: &name,
        args: &argv[1..],
        cwd,
        ctx,
        stdin,
        shell: shellguard::analyze::ShellVars::default(),
    };
    analyze::analyze(&inv).unwrap_or_else(|| panic!("{name} has no analyzer"))
}

pub fn run(cwd: &Path, argv: &[&str]) -> Analysis {
    run_with_stdin(cwd, argv, Stdin::Terminal)
}

pub fn run_with_stdin(cwd: &Path, argv: &[&str], stdin: Stdin) -> Analysis {
    analyze_in(&context(None), Some(cwd), &args(argv), stdin)
}

/// `argv` with some words not known exactly (`Arg::inexact("$DISK")`), in /tmp.
pub fn run_args(argv: &[Arg]) -> Analysis {
    analyze_in(
        &context(None),
        Some(Path::new("/tmp")),
        argv,
        Stdin::Terminal,
    )
}

pub fn analyze_with(ctx: &Context, cwd: &Path, argv: &[&str]) -> Analysis {
    analyze_in(ctx, Some(cwd), &args(argv), Stdin::Terminal)
}

/// Every reason's message, one per line.
pub fn messages(analysis: &Analysis) -> String {
    analysis
        .reasons
        .iter()
        .map(|r| r.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn rule_ids(analysis: &Analysis) -> Vec<&'static str> {
    let mut ids: Vec<&str> = analysis.reasons.iter().map(|r| r.rule.id()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Asserts the set of rule ids and the highest severity; returns the analysis for more.
pub fn case(cwd: &Path, argv: &[&str], rules: &[&str], max: Verdict) -> Analysis {
    let analysis = run(cwd, argv);
    check(&analysis, argv, rules, max);
    analysis
}

pub fn check(analysis: &Analysis, argv: &[&str], rules: &[&str], max: Verdict) {
    let mut want: Vec<&str> = rules.to_vec();
    want.sort();
    want.dedup();
    assert_eq!(
        rule_ids(analysis),
        want,
        "rules of {argv:?}: {:#?}",
        analysis.reasons
    );
    assert_eq!(
        analysis.verdict(),
        max,
        "verdict of {argv:?}: {:#?}",
        analysis.reasons
    );
}

pub fn target<'a>(analysis: &'a Analysis, path: &Path) -> &'a Target {
    analysis
        .targets
        .iter()
        .find(|t| t.path == path)
        .unwrap_or_else(|| panic!("no target {}: {:#?}", path.display(), analysis.targets))
}

pub fn assert_target(
    analysis: &Analysis,
    path: &Path,
    effect: Effect,
    recursive: bool,
    exists: bool,
) {
    let t = target(analysis, path);
    assert_eq!(
        (t.effect, t.recursive, t.exists),
        (effect, recursive, exists),
        "target {}: {t:#?}",
        path.display()
    );
}

pub fn no_target(analysis: &Analysis, path: &Path) {
    assert!(
        analysis.targets.iter().all(|t| t.path != path),
        "unexpected target {}: {:#?}",
        path.display(),
        analysis.targets
    );
}

/// A temp dir with a canonical path (so targets compare equal to paths built here).
pub struct World {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

impl World {
    pub fn new() -> World {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = std::fs::canonicalize(tmp.path()).expect("canonical temp dir");
        World { _tmp: tmp, root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    pub fn dir(&self, rel: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    pub fn file(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn link(&self, rel: &str, to: &Path) -> PathBuf {
        let p = self.path(rel);
        std::os::unix::fs::symlink(to, &p).unwrap();
        p
    }

    /// A block device node (major 7 = loop): creating the node writes to no device.
    pub fn block_device(&self, rel: &str, major: u64, minor: u64) -> PathBuf {
        use nix::sys::stat::{Mode, SFlag, makedev, mknod};
        let p = self.path(rel);
        mknod(
            &p,
            SFlag::S_IFBLK,
            Mode::from_bits_truncate(0o600),
            makedev(major, minor),
        )
        .expect("mknod (tests run as root)");
        p
    }

    pub fn run_tool(&self, cwd: &str, argv: &[&str]) -> std::process::Output {
        Command::new(argv[0])
            .args(&argv[1..])
            .current_dir(self.path(cwd))
            .output()
            .unwrap_or_else(|e| panic!("{argv:?}: {e}"))
    }
}

pub fn root() -> &'static Path {
    Path::new("/")
}
