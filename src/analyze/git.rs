//! `git`: the subcommands that throw away work git cannot give back on its own, and the
//! ones that rewrite or replace history others share.
//!
//! Covered: `reset --hard`; `checkout -- PATHS`, `checkout REV [--] PATHS`, `checkout -f`,
//! `switch -f|--discard-changes`; `restore` of the worktree (`--staged` alone only unstages);
//! `clean -f` (not `-n`); `stash drop|clear`; `branch -D` (and `-d --force`); `push --force`,
//! `+refspec`, `--mirror`, `--delete`, `:branch`, `--prune` (`--force-with-lease` alone is
//! allowed); `filter-branch`, `filter-repo`. Git's global options before the subcommand
//! (`-C DIR`, `-c K=V`, `--git-dir`, `--work-tree`, ...) are followed: `-C` moves the
//! directory that paths resolve against.
//!
//! Not covered: aliases (`git co -- .` is whatever the alias says; config is not read for
//! them), `clean.requireForce=false`, `remote.NAME.mirror`, `branch -M` over an existing
//! branch, `reflog expire`/`gc --prune=now`, `worktree remove --force`, `rebase`/`commit
//! --amend` (the reflog keeps what they replace). The analyzer never runs git: whether a
//! word after `checkout` is a branch or a file is decided from the refs on disk, as git
//! would, and what `clean` would delete is only known when guarded execution asks `git
//! clean -n`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::opts::{self, OptDef, Parsed, flag, optional, valued};
use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::resolve;
use crate::rules::Rule;

/// A git command line split at the subcommand.
#[derive(Debug)]
pub struct GitCall<'a> {
    /// The global options as written, for git calls that must see the same repository.
    pub globals: &'a [Arg],
    /// Where the subcommand runs: the working directory after every `-C`; None when unknown.
    pub dir: Option<PathBuf>,
    /// `--work-tree` (or `$GIT_WORK_TREE`), resolved.
    pub work_tree: Option<PathBuf>,
    /// `--git-dir` (or `$GIT_DIR`, `--bare`), resolved.
    pub git_dir: Option<PathBuf>,
    pub subcommand: Option<&'a Arg>,
    /// The subcommand's own arguments.
    pub args: &'a [Arg],
}

/// Splits git's argv (without `git`) into global options, subcommand and its arguments.
pub fn split<'a>(inv: &Invocation, args: &'a [Arg]) -> GitCall<'a> {
    let resolve_in = |dir: &Option<PathBuf>, arg: &OsStr, exact: bool| -> Option<PathBuf> {
        if !exact {
            return None;
        }
        let path = Path::new(arg);
        if path.is_absolute() {
            Some(resolve::normalize(path))
        } else {
            dir.as_ref().map(|d| resolve::normalize(&d.join(path)))
        }
    };
    let mut dir = inv.cwd.map(Path::to_path_buf);
    let mut work_tree = inv.var("GIT_WORK_TREE").map(PathBuf::from);
    let mut git_dir = inv.var("GIT_DIR").map(PathBuf::from);
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let text = arg.text();
        if !arg.exact || !text.starts_with('-') {
            break;
        }
        let value = |i: &mut usize| -> Option<&'a Arg> {
            *i += 1;
            args.get(*i)
        };
        match text.as_ref() {
            "-C" => {
                if let Some(v) = value(&mut i) {
                    // `-C ""` leaves the directory as it is.
                    if !v.value.is_empty() {
                        dir = resolve_in(&dir, v.os(), v.exact);
                    }
                }
            }
            "--git-dir" => git_dir = value(&mut i).and_then(|v| resolve_in(&dir, v.os(), v.exact)),
            "--work-tree" => {
                work_tree = value(&mut i).and_then(|v| resolve_in(&dir, v.os(), v.exact));
            }
            "-c" | "--namespace" | "--config-env" | "--attr-source" | "--super-prefix" => {
                value(&mut i);
            }
            "--bare" => git_dir.clone_from(&dir),
            _ => {
                if let Some(v) = text.strip_prefix("--git-dir=") {
                    git_dir = resolve_in(&dir, OsStr::new(v), true);
                } else if let Some(v) = text.strip_prefix("--work-tree=") {
                    work_tree = resolve_in(&dir, OsStr::new(v), true);
                }
                // Everything else (-p, -P, --no-pager, --exec-path=, --namespace=, ...)
                // takes no separate value.
            }
        }
        i += 1;
    }
    let rest = args.get(i..).unwrap_or(&[]);
    let git_dir = git_dir.map(|g| match &dir {
        Some(d) if g.is_relative() => resolve::normalize(&d.join(g)),
        _ => g,
    });
    let work_tree = work_tree.map(|w| match &dir {
        Some(d) if w.is_relative() => resolve::normalize(&d.join(w)),
        _ => w,
    });
    GitCall {
        globals: &args[..i.min(args.len())],
        dir,
        work_tree,
        git_dir,
        subcommand: rest.first(),
        args: rest.get(1..).unwrap_or(&[]),
    }
}

/// What a git command does that is worth knowing before it runs.
#[derive(Debug)]
pub enum Action<'a> {
    /// `reset --hard [REV]`.
    ResetHard { rev: Option<&'a Arg> },
    /// `checkout [REV] -- PATHS`, `restore PATHS`: tracked files under PATHS get the
    /// version of the index or of `source`; `staged` when the index is rewritten too.
    DiscardPaths {
        command: &'static str,
        source: Option<String>,
        staged: bool,
        /// Empty with `pathspec_from_file` or `-p` over the whole tree.
        paths: Vec<&'a Arg>,
        whole_tree: bool,
    },
    /// `checkout -f [BRANCH]`, `switch --discard-changes BRANCH`.
    ForceSwitch {
        command: &'static str,
        to: Option<&'a Arg>,
    },
    /// `clean -f`.
    Clean(CleanOptions<'a>),
    /// `stash drop [STASH]`.
    StashDrop { stash: Option<&'a Arg> },
    /// `stash clear`.
    StashClear,
    /// `branch -D NAMES` (`remote`: `-r`, remote-tracking branches).
    BranchDelete { names: Vec<&'a Arg>, remote: bool },
    /// `push` that replaces or deletes refs on the remote.
    Push(PushDanger<'a>),
    /// `filter-branch`, `filter-repo`.
    Rewrite { tool: &'static str },
}

impl Action<'_> {
    /// Whether guarded execution keeps the work first (the `git-discard` family).
    pub fn snapshots(&self) -> bool {
        !matches!(self, Action::Push(_) | Action::Rewrite { .. })
    }
}

/// The options of `git clean` that decide what it deletes.
#[derive(Debug)]
pub struct CleanOptions<'a> {
    /// `-d`: untracked directories too.
    pub dirs: bool,
    /// `-x`: ignored files too.
    pub ignored_too: bool,
    /// `-X`: only ignored files.
    pub only_ignored: bool,
    /// `-ff`: also nested repositories.
    pub nested_repos: bool,
    pub interactive: bool,
    pub quiet: bool,
    /// `-e PATTERN` values.
    pub excludes: Vec<std::ffi::OsString>,
    pub paths: Vec<&'a Arg>,
}

/// What a destructive push does to the remote.
#[derive(Debug)]
pub struct PushDanger<'a> {
    /// The remote as written (None: the branch's configured remote, or origin).
    pub remote: Option<&'a Arg>,
    /// Every ref the push updates, as written (for messages).
    pub pushed: Vec<String>,
    pub forced: Vec<String>,
    pub deleted: Vec<String>,
    pub force_all: bool,
    pub mirror: bool,
    pub prune: bool,
    pub delete_flag: bool,
    /// `--force-with-lease` given together with `--force`.
    pub lease_overridden: bool,
}

const CHECKOUT: &[OptDef] = &[
    flag("quiet", Some('q'), Some("quiet")),
    flag("force", Some('f'), Some("force")),
    flag("no-force", None, Some("no-force")),
    flag("ours", Some('2'), Some("ours")),
    flag("theirs", Some('3'), Some("theirs")),
    valued("new-branch", Some('b'), None),
    valued("new-branch", Some('B'), None),
    valued("new-branch", None, Some("orphan")),
    optional("track", "track"),
    flag("track", Some('t'), None),
    flag("x", None, Some("no-track")),
    flag("x", None, Some("guess")),
    flag("x", None, Some("no-guess")),
    flag("x", Some('l'), None),
    flag("detach", Some('d'), Some("detach")),
    flag("x", None, Some("ignore-skip-worktree-bits")),
    flag("merge", Some('m'), Some("merge")),
    valued("x", None, Some("conflict")),
    flag("patch", Some('p'), Some("patch")),
    flag("x", None, Some("ignore-other-worktrees")),
    flag("x", None, Some("overwrite-ignore")),
    flag("x", None, Some("no-overwrite-ignore")),
    flag("x", None, Some("recurse-submodules")),
    flag("x", None, Some("no-recurse-submodules")),
    flag("x", None, Some("overlay")),
    flag("x", None, Some("no-overlay")),
    valued("pathspec-from-file", None, Some("pathspec-from-file")),
    flag("x", None, Some("pathspec-file-nul")),
    flag("x", None, Some("progress")),
    flag("x", None, Some("no-progress")),
];

const SWITCH: &[OptDef] = &[
    valued("new-branch", Some('c'), Some("create")),
    valued("new-branch", Some('C'), Some("force-create")),
    valued("new-branch", None, Some("orphan")),
    flag("detach", Some('d'), Some("detach")),
    flag("force", Some('f'), Some("force")),
    flag("force", None, Some("discard-changes")),
    flag("no-force", None, Some("no-force")),
    flag("merge", Some('m'), Some("merge")),
    valued("x", None, Some("conflict")),
    optional("track", "track"),
    flag("track", Some('t'), None),
    flag("x", None, Some("no-track")),
    flag("x", None, Some("guess")),
    flag("x", None, Some("no-guess")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("x", None, Some("recurse-submodules")),
    flag("x", None, Some("no-recurse-submodules")),
    flag("x", None, Some("progress")),
    flag("x", None, Some("no-progress")),
    flag("x", None, Some("ignore-other-worktrees")),
];

const RESTORE: &[OptDef] = &[
    valued("source", Some('s'), Some("source")),
    flag("patch", Some('p'), Some("patch")),
    flag("worktree", Some('W'), Some("worktree")),
    flag("staged", Some('S'), Some("staged")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("x", None, Some("progress")),
    flag("x", None, Some("no-progress")),
    flag("ours", None, Some("ours")),
    flag("theirs", None, Some("theirs")),
    flag("merge", Some('m'), Some("merge")),
    valued("x", None, Some("conflict")),
    flag("x", None, Some("ignore-unmerged")),
    flag("x", None, Some("ignore-skip-worktree-bits")),
    flag("x", None, Some("recurse-submodules")),
    flag("x", None, Some("no-recurse-submodules")),
    flag("x", None, Some("overlay")),
    flag("x", None, Some("no-overlay")),
    valued("pathspec-from-file", None, Some("pathspec-from-file")),
    flag("x", None, Some("pathspec-file-nul")),
];

const RESET: &[OptDef] = &[
    flag("hard", None, Some("hard")),
    flag("soft", None, Some("soft")),
    flag("mixed", None, Some("mixed")),
    flag("merge", None, Some("merge")),
    flag("keep", None, Some("keep")),
    flag("quiet", Some('q'), Some("quiet")),
    flag("patch", Some('p'), Some("patch")),
    flag("x", Some('N'), Some("intent-to-add")),
    flag("x", None, Some("recurse-submodules")),
    flag("x", None, Some("no-recurse-submodules")),
    flag("x", None, Some("refresh")),
    flag("x", None, Some("no-refresh")),
    valued("pathspec-from-file", None, Some("pathspec-from-file")),
    flag("x", None, Some("pathspec-file-nul")),
];

/// `git clean`'s options (shared with guarded execution, which asks `clean -n` first).
pub const CLEAN: &[OptDef] = &[
    flag("dirs", Some('d'), None),
    flag("force", Some('f'), Some("force")),
    flag("interactive", Some('i'), Some("interactive")),
    flag("dry-run", Some('n'), Some("dry-run")),
    flag("quiet", Some('q'), Some("quiet")),
    valued("exclude", Some('e'), Some("exclude")),
    flag("ignored-too", Some('x'), None),
    flag("only-ignored", Some('X'), None),
];

const STASH_DROP: &[OptDef] = &[flag("quiet", Some('q'), Some("quiet"))];

const BRANCH: &[OptDef] = &[
    flag("delete", Some('d'), Some("delete")),
    flag("delete-force", Some('D'), None),
    flag("force", Some('f'), Some("force")),
    flag("remotes", Some('r'), Some("remotes")),
    flag("all", Some('a'), Some("all")),
    flag("move", Some('m'), Some("move")),
    flag("move", Some('M'), None),
    flag("copy", Some('c'), Some("copy")),
    flag("copy", Some('C'), None),
    flag("list", Some('l'), Some("list")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", Some('q'), Some("quiet")),
    flag("x", Some('t'), Some("track")),
    flag("x", None, Some("no-track")),
    valued("x", Some('u'), Some("set-upstream-to")),
    flag("x", None, Some("unset-upstream")),
    valued("x", None, Some("contains")),
    valued("x", None, Some("no-contains")),
    valued("x", None, Some("merged")),
    valued("x", None, Some("no-merged")),
    valued("x", None, Some("points-at")),
    valued("x", None, Some("sort")),
    valued("x", None, Some("format")),
    optional("x", "color"),
    flag("x", None, Some("no-color")),
    optional("x", "column"),
    flag("x", None, Some("no-column")),
    optional("x", "abbrev"),
    flag("x", None, Some("no-abbrev")),
    flag("x", None, Some("edit-description")),
    flag("x", None, Some("show-current")),
    flag("x", None, Some("create-reflog")),
    flag("x", Some('i'), Some("ignore-case")),
    flag("x", None, Some("omit-empty")),
    flag("x", None, Some("recurse-submodules")),
];

const PUSH: &[OptDef] = &[
    flag("force", Some('f'), Some("force")),
    flag("no-force", None, Some("no-force")),
    optional("force-with-lease", "force-with-lease"),
    flag("no-force-with-lease", None, Some("no-force-with-lease")),
    flag("force-if-includes", None, Some("force-if-includes")),
    flag("mirror", None, Some("mirror")),
    flag("delete", Some('d'), Some("delete")),
    flag("prune", None, Some("prune")),
    flag("dry-run", Some('n'), Some("dry-run")),
    flag("x", None, Some("all")),
    flag("x", None, Some("branches")),
    flag("x", None, Some("tags")),
    flag("x", None, Some("follow-tags")),
    flag("x", Some('u'), Some("set-upstream")),
    flag("x", Some('q'), Some("quiet")),
    flag("x", Some('v'), Some("verbose")),
    flag("x", None, Some("progress")),
    flag("x", None, Some("porcelain")),
    flag("x", None, Some("atomic")),
    valued("x", Some('o'), Some("push-option")),
    valued("x", None, Some("receive-pack")),
    valued("x", None, Some("exec")),
    valued("repo", None, Some("repo")),
    optional("x", "signed"),
    flag("x", None, Some("no-verify")),
    flag("x", None, Some("verify")),
    valued("x", None, Some("recurse-submodules")),
    flag("x", None, Some("thin")),
    flag("x", None, Some("no-thin")),
    flag("x", Some('4'), Some("ipv4")),
    flag("x", Some('6'), Some("ipv6")),
];

/// The operands before and after the first `--`.
fn around_dashdash<'a>(args: &'a [Arg], parsed: &Parsed<'a>) -> (Vec<&'a Arg>, Vec<&'a Arg>) {
    let Some(dd) = args.iter().position(|a| a.exact && a.value == "--") else {
        return (parsed.operands.clone(), Vec::new());
    };
    parsed.operands.iter().partition(|op| {
        args.iter()
            .position(|a| std::ptr::eq(a, **op))
            .is_some_and(|i| i < dd)
    })
}

fn forced(parsed: &Parsed) -> bool {
    parsed.last_of(&["force", "no-force"]) == Some("force")
}

/// What the git command in `call` does, when it is one of the covered ones.
pub fn action<'a>(inv: &Invocation, call: &GitCall<'a>) -> Option<Action<'a>> {
    let sub = call.subcommand?;
    if !sub.exact {
        return None;
    }
    let args = call.args;
    match sub.text().as_ref() {
        "reset" => {
            let p = opts::parse(RESET, args);
            if p.last_of(&["hard", "soft", "mixed", "merge", "keep"]) != Some("hard") {
                return None;
            }
            Some(Action::ResetHard {
                rev: p.operands.first().copied(),
            })
        }
        "checkout" => checkout(inv, call, args),
        "switch" => {
            let p = opts::parse(SWITCH, args);
            forced(&p).then(|| Action::ForceSwitch {
                command: "switch --discard-changes",
                to: p.operands.first().copied(),
            })
        }
        "restore" => {
            let p = opts::parse(RESTORE, args);
            let staged = p.has("staged");
            if staged && !p.has("worktree") {
                return None; // only unstages: the worktree keeps every change
            }
            let from_file = p.has("pathspec-from-file");
            if p.operands.is_empty() && !from_file && !p.has("patch") {
                return None; // git refuses: "you must specify path(s) to restore"
            }
            Some(Action::DiscardPaths {
                command: "restore",
                source: p.value("source").map(|s| s.to_string_lossy().into_owned()),
                staged,
                whole_tree: p.operands.is_empty(),
                paths: p.operands,
            })
        }
        "clean" => {
            let p = opts::parse(CLEAN, args);
            let forces = p.options.iter().filter(|(k, _)| *k == "force").count();
            if p.has("dry-run") || (forces == 0 && !p.has("interactive")) {
                return None; // refused without -f (clean.requireForce), or only lists
            }
            Some(Action::Clean(CleanOptions {
                dirs: p.has("dirs"),
                ignored_too: p.has("ignored-too"),
                only_ignored: p.has("only-ignored"),
                nested_repos: forces > 1,
                interactive: p.has("interactive"),
                quiet: p.has("quiet"),
                excludes: p.values("exclude").cloned().collect(),
                paths: p.operands,
            }))
        }
        "stash" => {
            let (verb, rest) = args.split_first()?;
            match verb.text().as_ref() {
                "drop" => {
                    let p = opts::parse(STASH_DROP, rest);
                    Some(Action::StashDrop {
                        stash: p.operands.first().copied(),
                    })
                }
                "clear" => Some(Action::StashClear),
                _ => None,
            }
        }
        "branch" => {
            let p = opts::parse(BRANCH, args);
            let force_delete = p.has("delete-force") || p.has("delete") && p.has("force");
            if !force_delete || p.operands.is_empty() {
                return None;
            }
            let remote = p.has("remotes");
            Some(Action::BranchDelete {
                names: p.operands,
                remote,
            })
        }
        "push" => push(args),
        "filter-branch" => Some(Action::Rewrite {
            tool: "filter-branch",
        }),
        "filter-repo" => {
            let read_only = args.iter().any(|a| {
                a.exact
                    && ["--analyze", "--dry-run", "-h", "--help", "--version"]
                        .contains(&a.text().as_ref())
            });
            (!read_only).then_some(Action::Rewrite {
                tool: "filter-repo",
            })
        }
        _ => None,
    }
}

fn checkout<'a>(inv: &Invocation, call: &GitCall<'a>, args: &'a [Arg]) -> Option<Action<'a>> {
    let p = opts::parse(CHECKOUT, args);
    let (before, after) = around_dashdash(args, &p);
    let has_dashdash = args.iter().any(|a| a.exact && a.value == "--");
    let creates_branch = p.has("new-branch");
    let paths_action = |source: Option<&'a Arg>, paths: Vec<&'a Arg>| Action::DiscardPaths {
        command: "checkout",
        source: source.map(|s| s.text().into_owned()),
        staged: source.is_some(),
        whole_tree: paths.is_empty(),
        paths,
    };
    if p.has("pathspec-from-file") {
        return Some(paths_action(before.first().copied(), Vec::new()));
    }
    if has_dashdash {
        let source = before.first().copied();
        if !after.is_empty() && !creates_branch {
            return Some(paths_action(source, after));
        }
        if after.is_empty() && p.has("patch") {
            return Some(paths_action(source, Vec::new()));
        }
    } else if !creates_branch {
        // Without `--`, git takes the first word as a commit when it names one, else
        // as a path (it complains when it is neither).
        match before.split_first() {
            Some((first, rest)) if names_revision(inv, call, first) => {
                if !rest.is_empty() {
                    return Some(paths_action(Some(first), rest.to_vec()));
                }
                if p.has("patch") {
                    return Some(paths_action(Some(first), Vec::new()));
                }
            }
            Some(_) if looks_like_paths(inv, call, &before) => {
                return Some(paths_action(None, before));
            }
            None if p.has("patch") => return Some(paths_action(None, Vec::new())),
            _ => {}
        }
    }
    forced(&p).then(|| Action::ForceSwitch {
        command: "checkout --force",
        to: before.first().copied(),
    })
}

/// Whether every operand names something in the worktree (so `checkout` treats them as paths).
fn looks_like_paths(inv: &Invocation, call: &GitCall, operands: &[&Arg]) -> bool {
    let Some(dir) = &call.dir else {
        return false;
    };
    operands.iter().all(|op| {
        op.exact
            && (op.text().starts_with(':')
                || has_glob(&op.text())
                || inv.ctx.kind_of(&dir.join(op.os())).exists())
    })
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// Whether `arg` names a commit: revision syntax, a hex object name, or a ref on disk
/// (loose or packed, branch, tag or remote-tracking branch git would create one from).
fn names_revision(inv: &Invocation, call: &GitCall, arg: &Arg) -> bool {
    let text = arg.text();
    if !arg.exact
        || text == "-"
        || text == "HEAD"
        || text.starts_with('@')
        || text.contains(['~', '^'])
        || text.contains("@{")
    {
        return true;
    }
    if text.len() >= 7 && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    let Some(Repo { git_dir, .. }) = discover(inv, call) else {
        return false;
    };
    let common = common_dir(&git_dir);
    let candidates = [
        format!("refs/heads/{text}"),
        format!("refs/tags/{text}"),
        format!("refs/remotes/{text}"),
        text.to_string(),
    ];
    if candidates
        .iter()
        .any(|r| common.join(r).is_file() || git_dir.join(r).is_file())
    {
        return true;
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).unwrap_or_default();
    let packed_names: Vec<&str> = packed
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, name)| name))
        .collect();
    if candidates
        .iter()
        .any(|c| packed_names.contains(&c.as_str()))
    {
        return true;
    }
    // `git checkout topic` creates topic from the one remote-tracking branch of that name.
    let suffix = format!("/{text}");
    let in_remotes = std::fs::read_dir(common.join("refs/remotes"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .any(|remote| remote.path().join(&*text).is_file());
    in_remotes
        || packed_names
            .iter()
            .any(|n| n.starts_with("refs/remotes/") && n.ends_with(&suffix))
}

/// A repository as found on disk from where the subcommand runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The repository directory (`.git`, what a `.git` file points to, or a bare repository).
    pub git_dir: PathBuf,
    /// The top of the worktree; None for a bare repository.
    pub top: Option<PathBuf>,
}

/// Finds the repository the way git does: `--git-dir`/`--work-tree` first, else the
/// nearest directory up from `dir` that holds `.git` or is a bare repository.
pub fn discover(inv: &Invocation, call: &GitCall) -> Option<Repo> {
    if inv.ctx.remote {
        return None;
    }
    let dir = call.dir.as_ref();
    if let Some(git_dir) = &call.git_dir {
        // GIT_DIR without a work tree: the current directory is the top.
        let top = call.work_tree.clone().or_else(|| dir.cloned());
        return Some(Repo {
            git_dir: git_dir.clone(),
            top,
        });
    }
    for d in dir?.ancestors() {
        let dot_git = d.join(".git");
        match inv.ctx.kind_of(&dot_git) {
            FileKind::Dir => {
                return Some(Repo {
                    git_dir: dot_git,
                    top: Some(call.work_tree.clone().unwrap_or_else(|| d.to_path_buf())),
                });
            }
            FileKind::File => {
                // A linked worktree or submodule: "gitdir: PATH".
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let target = Path::new(text.strip_prefix("gitdir:")?.trim());
                return Some(Repo {
                    git_dir: resolve::normalize(&d.join(target)),
                    top: Some(call.work_tree.clone().unwrap_or_else(|| d.to_path_buf())),
                });
            }
            _ => {}
        }
        if d.join("HEAD").is_file() && d.join("objects").is_dir() && d.join("refs").is_dir() {
            return Some(Repo {
                git_dir: d.to_path_buf(),
                top: call.work_tree.clone(),
            });
        }
    }
    None
}

/// Where refs live for a linked worktree's git dir (its `commondir` file), else itself.
fn common_dir(git_dir: &Path) -> PathBuf {
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => resolve::normalize(&git_dir.join(text.trim())),
        Err(_) => git_dir.to_path_buf(),
    }
}

fn push(args: &[Arg]) -> Option<Action<'_>> {
    let p = opts::parse(PUSH, args);
    if p.has("dry-run") {
        return None;
    }
    let force_flag = forced(&p);
    let lease = p.last_of(&["force-with-lease", "no-force-with-lease"]) == Some("force-with-lease");
    let (remote, refspecs) = match p.value("repo") {
        Some(_) => (None, &p.operands[..]),
        None => match p.operands.split_first() {
            Some((r, rest)) => (Some(*r), rest),
            None => (None, &[][..]),
        },
    };
    let delete_flag = p.has("delete");
    let mut pushed = Vec::new();
    let mut forced_refs = Vec::new();
    let mut deleted = Vec::new();
    for spec in refspecs {
        let text = spec.text();
        if delete_flag {
            deleted.push(text.into_owned());
        } else if let Some(dst) = text.strip_prefix(':').filter(|d| !d.is_empty()) {
            deleted.push(dst.to_string());
        } else {
            let plain = text.trim_start_matches('+');
            pushed.push(plain.to_string());
            if text.starts_with('+') && !lease {
                forced_refs.push(plain.to_string());
            }
        }
    }
    let danger = PushDanger {
        remote,
        pushed,
        forced: forced_refs,
        deleted,
        force_all: force_flag,
        mirror: p.has("mirror"),
        prune: p.has("prune"),
        delete_flag,
        lease_overridden: force_flag && lease,
    };
    let dangerous = danger.force_all
        || danger.mirror
        || danger.prune
        || !danger.forced.is_empty()
        || !danger.deleted.is_empty();
    dangerous.then_some(Action::Push(danger))
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let call = split(inv, inv.args);
    let Some(action) = action(inv, &call) else {
        return analysis;
    };
    let repo = discover(inv, &call);
    // Outside a repository git refuses and changes nothing, but only local work depends
    // on where review runs: a force push or a history rewrite reviewed from elsewhere (a
    // pasted command, an agent's) still says what it would do.
    if repo.is_none()
        && action.snapshots()
        && call
            .dir
            .as_ref()
            .is_some_and(|d| inv.ctx.kind_of(d).exists())
    {
        return analysis;
    }
    analysis.snapshot = action.snapshots();
    let top = repo.as_ref().and_then(|r| r.top.clone());
    let place = top.as_ref().or(call.dir.as_ref()).map_or_else(
        || "this repository".to_string(),
        |p| p.display().to_string(),
    );
    let keeps = "shellguard keeps them first (a stash-like commit under refs/shellguard/), so \
                 `shellguard undo` brings them back";
    match &action {
        Action::ResetHard { rev } => {
            worktree_target(inv, &call, top.as_ref(), &mut analysis);
            let moves = rev.map_or(String::new(), |r| {
                format!(" and moves the current branch to '{}'", r.text())
            });
            analysis
                .reason(
                    Rule::GitDiscard,
                    Verdict::Allow,
                    format!(
                        "git reset --hard throws away every uncommitted change to tracked files in {place} \
                         (staged and unstaged){moves}; {keeps}"
                    ),
                )
                .instead("`git stash` keeps the changes in the stash list; `git reset --keep` refuses to drop local changes");
        }
        Action::DiscardPaths {
            command,
            source,
            staged,
            paths,
            whole_tree,
        } => {
            if *whole_tree {
                worktree_target(inv, &call, top.as_ref(), &mut analysis);
            }
            for path in paths {
                path_target(
                    inv,
                    &call,
                    top.as_ref(),
                    path,
                    Effect::Overwrite,
                    &mut analysis,
                );
            }
            let shown = if *whole_tree {
                place.clone()
            } else {
                paths
                    .iter()
                    .map(|p| format!("'{}'", p.text()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let from = source
                .as_ref()
                .map_or("the index".to_string(), |s| format!("'{s}'"));
            let lost = if *staged {
                "staged and unstaged changes"
            } else {
                "unstaged changes"
            };
            analysis.reason(
                Rule::GitDiscard,
                Verdict::Allow,
                format!(
                    "git {command} overwrites the tracked files under {shown} with their version in {from}: \
                     {lost} there are lost; {keeps}"
                ),
            );
        }
        Action::ForceSwitch { command, to } => {
            worktree_target(inv, &call, top.as_ref(), &mut analysis);
            let to = to.map_or(String::new(), |t| format!(" to '{}'", t.text()));
            analysis
                .reason(
                    Rule::GitDiscard,
                    Verdict::Allow,
                    format!(
                        "git {command}{to} throws away every uncommitted change to tracked files in {place}; {keeps}"
                    ),
                )
                .instead("without --force, git carries the changes over or refuses to switch");
        }
        Action::Clean(clean) => {
            if clean.paths.is_empty() {
                match &call.dir {
                    Some(dir) => {
                        let arg = Arg::exact(dir.as_os_str());
                        path_target(
                            inv,
                            &call,
                            top.as_ref(),
                            &arg,
                            Effect::Delete,
                            &mut analysis,
                        );
                    }
                    None => unknown_dir_target(Effect::Delete, &mut analysis),
                }
            }
            for path in &clean.paths {
                path_target(
                    inv,
                    &call,
                    top.as_ref(),
                    path,
                    Effect::Delete,
                    &mut analysis,
                );
            }
            let under = if clean.paths.is_empty() {
                call.dir
                    .as_ref()
                    .map_or("the current directory".to_string(), |d| {
                        d.display().to_string()
                    })
            } else {
                clean
                    .paths
                    .iter()
                    .map(|p| format!("'{}'", p.text()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let what = match (clean.only_ignored, clean.ignored_too, clean.dirs) {
                (true, _, false) => "the ignored files (build outputs, .env files, local config)",
                (true, _, true) => {
                    "the ignored files and directories (build outputs, .env files, local config)"
                }
                (false, true, false) => {
                    "every untracked file, ignored ones too (build outputs, .env files, local config)"
                }
                (false, true, true) => {
                    "every untracked file and directory, ignored ones too (build outputs, .env files, local config)"
                }
                (false, false, false) => "the untracked files that are not ignored",
                (false, false, true) => "the untracked files and directories that are not ignored",
            };
            analysis
                .reason(
                    Rule::GitDiscard,
                    Verdict::Allow,
                    format!(
                        "git clean deletes {what} under {under}: git never had them, so nothing in git can \
                         bring them back; shellguard moves them into the snapshot store first, so \
                         `shellguard undo` brings them back"
                    ),
                )
                .instead("`git clean -n` with the same options lists what would go");
        }
        Action::StashDrop { stash } => {
            refs_target(inv, repo.as_ref(), &mut analysis);
            let which = stash.map_or("stash@{0}".to_string(), |s| s.text().into_owned());
            analysis
                .reason(
                    Rule::GitDiscard,
                    Verdict::Allow,
                    format!(
                        "git stash drop deletes the stash entry {which} of {place}: its changes are then \
                         reachable only through `git fsck --unreachable`; shellguard keeps the entry under \
                         refs/shellguard/ first, so `shellguard undo` stores it again"
                    ),
                )
                .instead("`git stash pop` applies the entry before dropping it");
        }
        Action::StashClear => {
            refs_target(inv, repo.as_ref(), &mut analysis);
            analysis.reason(
                Rule::GitDiscard,
                Verdict::Allow,
                format!(
                    "git stash clear deletes every stash entry of {place}: their changes are then reachable \
                     only through `git fsck --unreachable`; shellguard keeps them under refs/shellguard/ \
                     first, so `shellguard undo` stores them again"
                ),
            );
        }
        Action::BranchDelete { names, remote } => {
            refs_target(inv, repo.as_ref(), &mut analysis);
            let names: Vec<String> = names.iter().map(|n| format!("'{}'", n.text())).collect();
            let kind = if *remote {
                "remote-tracking branch"
            } else {
                "branch"
            };
            analysis
                .reason(
                    Rule::GitDiscard,
                    Verdict::Allow,
                    format!(
                        "git branch -D deletes the {kind} {} of {place} even when not merged: commits only \
                         on it are then reachable only through the reflog; shellguard keeps the tip under \
                         refs/shellguard/ first, so `shellguard undo` recreates it",
                        names.join(", ")
                    ),
                )
                .instead("`git branch -d` refuses to delete a branch that is not merged");
        }
        Action::Push(danger) => push_reason(repo.as_ref(), danger, &mut analysis),
        Action::Rewrite { tool } => {
            let what = if *tool == "filter-repo" {
                "rewrites every commit of every branch and tag, removes the 'origin' remote and expires \
                 the reflog: what it filters out is gone from this repository"
            } else {
                "rewrites every commit of the selected refs (the current branch by default); the old \
                 history is kept only under refs/original/ until that is removed"
            };
            analysis
                .reason(
                    Rule::GitHistoryRewrite,
                    Verdict::Confirm,
                    format!(
                        "git {tool} in {place} {what}; clones and forks no longer match and must be re-cloned"
                    ),
                )
                .instead("run it in a fresh clone (`git clone --no-local SRC DST`) and keep this one as the backup");
        }
    }
    analysis
}

/// The whole worktree as an overwritten target (reset --hard, checkout -f). Outside a
/// repository git refuses, so an existing directory without one is no target; one that
/// does not exist yet (a script that clones first) is.
fn worktree_target(
    inv: &Invocation,
    call: &GitCall,
    top: Option<&PathBuf>,
    analysis: &mut Analysis,
) {
    let missing_dir = call.dir.as_ref().filter(|d| !inv.ctx.kind_of(d).exists());
    match top.or(missing_dir) {
        Some(top) => {
            let kind = inv.ctx.kind_of(top);
            analysis.targets.push(Target {
                path: top.clone(),
                effect: Effect::Overwrite,
                exists: kind.exists(),
                kind,
                recursive: true,
                operand: top.display().to_string(),
                exact: true,
            });
        }
        None if call.dir.is_none() => unknown_dir_target(Effect::Overwrite, analysis),
        None => {}
    }
}

/// The repository's own directory, whose refs (stash, branches) a command changes.
fn refs_target(inv: &Invocation, repo: Option<&Repo>, analysis: &mut Analysis) {
    if let Some(git_dir) = repo.map(|r| r.git_dir.clone()) {
        let kind = inv.ctx.kind_of(&git_dir);
        analysis.targets.push(Target {
            operand: git_dir.display().to_string(),
            path: git_dir,
            effect: Effect::Modify,
            exists: kind.exists(),
            kind,
            recursive: false,
            exact: true,
        });
    }
}

fn unknown_dir_target(effect: Effect, analysis: &mut Analysis) {
    analysis.targets.push(Target {
        path: PathBuf::from("."),
        effect,
        exists: false,
        kind: FileKind::Unknown,
        recursive: true,
        operand: ".".to_string(),
        exact: false,
    });
}

/// A pathspec as a target: a literal path resolved against the subcommand's directory;
/// `:/` (the top) and globs count as the directory they start in.
fn path_target(
    inv: &Invocation,
    call: &GitCall,
    top: Option<&PathBuf>,
    path: &Arg,
    effect: Effect,
    analysis: &mut Analysis,
) {
    let text = path.text();
    let literal = if let Some(rest) = text.strip_prefix(":/") {
        match top {
            Some(top) if !rest.is_empty() && !has_glob(rest) => {
                Arg::exact(top.join(rest).into_os_string())
            }
            Some(top) => Arg::exact(top.as_os_str()),
            None => Arg::inexact(text.as_ref()),
        }
    } else if text.starts_with(':') || has_glob(&text) {
        let base = Path::new(text.as_ref())
            .ancestors()
            .skip(1)
            .find(|a| !has_glob(&a.to_string_lossy()))
            .filter(|a| !a.as_os_str().is_empty() && !text.starts_with(':'))
            .map_or_else(|| Arg::exact("."), |a| Arg::exact(a.as_os_str()));
        Arg {
            exact: path.exact,
            ..base
        }
    } else {
        path.clone()
    };
    let sub = Invocation {
        name: inv.name,
        args: inv.args,
        cwd: call.dir.as_deref(),
        ctx: inv.ctx,
        stdin: inv.stdin.clone(),
        shell: super::ShellVars::default(),
    };
    let resolved = sub.resolve(&literal);
    let recursive = resolved.kind.is_dir() || resolved.kind == FileKind::Unknown;
    let mut target = sub.target_from(path, resolved, effect, recursive);
    if target.path.is_absolute() && text != target.path.to_string_lossy() && literal.text() != text
    {
        target.operand = text.into_owned();
    }
    analysis.targets.push(target);
}

fn push_reason(repo: Option<&Repo>, danger: &PushDanger, analysis: &mut Analysis) {
    let remote_name = danger
        .remote
        .map_or_else(|| default_remote(repo), |r| r.text().into_owned());
    let url = repo
        .and_then(|r| {
            config_value(
                &common_dir(&r.git_dir),
                &format!("remote \"{remote_name}\""),
                "url",
            )
        })
        .unwrap_or_else(|| remote_name.clone());
    analysis.acts_on = url_host(&url);
    analysis.targets.push(Target {
        path: PathBuf::from(&remote_name),
        effect: Effect::Remote,
        exists: true,
        kind: FileKind::Unknown,
        recursive: true,
        operand: remote_name.clone(),
        exact: danger.remote.is_none_or(|r| r.exact),
    });
    let list = |refs: &[String]| {
        refs.iter()
            .map(|r| format!("'{r}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut what = Vec::new();
    if danger.mirror {
        what.push(
            "--mirror makes it an exact copy of this repository: every branch and tag there that is \
             not here is deleted, and every one that differs is replaced"
                .to_string(),
        );
    }
    if danger.force_all {
        let refs = if danger.pushed.is_empty() {
            "the branches it pushes (push.default: the current one)".to_string()
        } else {
            list(&danger.pushed)
        };
        let lease = if danger.lease_overridden {
            " (--force is given besides --force-with-lease)"
        } else {
            ""
        };
        what.push(format!(
            "--force replaces {refs} there whatever they hold{lease}: commits others pushed since your \
             last fetch are lost for everyone"
        ));
    } else if !danger.forced.is_empty() {
        what.push(format!(
            "the '+' refspec force-replaces {} there: commits others pushed since your last fetch are lost \
             for everyone",
            list(&danger.forced)
        ));
    }
    if !danger.deleted.is_empty() {
        what.push(format!("deletes {} there", list(&danger.deleted)));
    }
    if danger.prune {
        what.push("--prune deletes every branch there that has no counterpart here".to_string());
    }
    let rule = Rule::GitForcePush;
    analysis
        .reason(
            rule,
            Verdict::Confirm,
            format!("git push to '{remote_name}': {}", what.join("; ")),
        )
        .instead(if danger.deleted.is_empty() && !danger.prune && !danger.mirror {
            "use --force-with-lease (and --force-if-includes), which refuses when the remote moved"
        } else {
            "check the ref names with `git push --dry-run` first"
        });
}

/// The remote a bare `git push` uses: `branch.<current>.remote`, else origin.
fn default_remote(repo: Option<&Repo>) -> String {
    let found = || -> Option<String> {
        let git_dir = &repo?.git_dir;
        let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
        let branch = head.trim().strip_prefix("ref: refs/heads/")?.to_string();
        config_value(
            &common_dir(git_dir),
            &format!("branch \"{branch}\""),
            "remote",
        )
    };
    found().unwrap_or_else(|| "origin".to_string())
}

/// One value of the repository's own config file (no includes): enough to name a host.
fn config_value(common: &Path, section: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(common.join("config")).ok()?;
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            inside = header.trim_end_matches(']').trim() == section;
            continue;
        }
        if inside
            && let Some((k, v)) = line.split_once('=')
            && k.trim().eq_ignore_ascii_case(key)
        {
            return Some(v.trim().trim_matches('"').to_string());
        }
    }
    None
}

/// The host of a remote URL (`ssh://u@h:22/p`, `https://h/p`, `u@h:p`); None for local paths.
pub fn url_host(url: &str) -> Option<String> {
    let host_part = if let Some((_, rest)) = url.split_once("://") {
        if url.starts_with("file://") {
            return None;
        }
        rest.split('/').next()?
    } else if !url.starts_with('/') && !url.starts_with('.') {
        let (before, _) = url.split_once(':')?;
        if before.contains('/') {
            return None;
        }
        before
    } else {
        return None;
    };
    let host = host_part.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_matches(['[', ']']);
    (!host.is_empty()).then(|| host.to_string())
}
