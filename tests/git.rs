//! git: table tests of the analyzer (argv + a real repository → rules, verdict, targets),
//! and guarded execution end to end with the real git in temporary repositories: what
//! reset --hard, clean, stash drop and branch -D throw away comes back with undo.
//!
//! Every git call here runs with `GIT_CONFIG_GLOBAL=/dev/null`, no system config and a
//! fixed identity, so the tests behave the same on a fresh CI machine.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::analyzer::*;
use common::tree::worktree_state;
use common::{TestEnv, assert_ok};
use shellguard::model::{Effect, Verdict};

// ---------------------------------------------------------------- helpers

fn with_git_env(cmd: &mut Command) -> &mut Command {
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("LC_ALL", "C")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
}

/// Runs the real git in `dir`; panics unless it succeeds; returns its output.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = with_git_env(Command::new("git").args(args).current_dir(dir))
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository with two commits on `main`, a branch `topic`, files `a.txt`,
/// `src/lib.rs` and a `.gitignore` for `*.log` and `target/`.
fn new_repo(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("a.txt"), "one\n").unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "fn main() {}\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "*.log\ntarget/\n").unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "first"]);
    git(dir, &["branch", "topic"]);
    std::fs::write(dir.join("a.txt"), "one\ntwo\n").unwrap();
    git(dir, &["commit", "-q", "-am", "second"]);
    dir.to_path_buf()
}

/// Staged and unstaged changes, a staged new file, a deleted file, an untracked file.
fn make_changes(repo: &Path) {
    std::fs::write(repo.join("a.txt"), "one\ntwo\nstaged\n").unwrap();
    git(repo, &["add", "a.txt"]);
    std::fs::write(repo.join("a.txt"), "one\ntwo\nstaged\nunstaged\n").unwrap();
    std::fs::write(repo.join("new.txt"), "added, never committed\n").unwrap();
    git(repo, &["add", "new.txt"]);
    std::fs::remove_file(repo.join("src/lib.rs")).unwrap();
    std::fs::write(repo.join("notes.txt"), "untracked\n").unwrap();
}

/// What `git diff`, `git diff --cached` and `git status` say: the uncommitted work.
fn work(repo: &Path) -> (String, String, String) {
    (
        git(repo, &["diff"]),
        git(repo, &["diff", "--cached"]),
        git(repo, &["status", "--porcelain"]),
    )
}

fn shellguard(env: &TestEnv, dir: &Path, args: &[&str]) -> Output {
    with_git_env(&mut env.shellguard())
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn guarded(env: &TestEnv, dir: &Path, argv: &[&str]) -> Output {
    let mut args = vec!["run", "--"];
    args.extend_from_slice(argv);
    shellguard(env, dir, &args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------- table tests

/// A world holding a repository at `repo` (plus a non-repository directory `plain`).
fn world() -> (World, PathBuf) {
    let w = World::new();
    let repo = new_repo(&w.path("repo"));
    w.dir("plain");
    (w, repo)
}

#[test]
fn harmless_git_commands_are_allowed_without_snapshot() {
    let (_w, repo) = world();
    for argv in [
        &["git", "status"][..],
        &["git", "log", "--oneline"],
        &["git", "log", "--force"],
        &["git", "diff", "--cached"],
        &["git", "commit", "-m", "reset --hard"],
        &["git", "commit", "-m", "git push --force && git clean -fdx"],
        &["git", "add", "-A"],
        &["git", "fetch", "--prune"],
        &["git", "pull", "--rebase"],
        &["git", "checkout", "main"],
        &["git", "checkout", "topic"],
        &["git", "checkout", "-"],
        &["git", "checkout", "-b", "feature"],
        &["git", "checkout", "-b", "feature", "topic"],
        &["git", "checkout", "HEAD~1"],
        &["git", "switch", "topic"],
        &["git", "switch", "-c", "feature"],
        &["git", "restore", "--staged", "a.txt"],
        &["git", "restore", "-S", "."],
        &["git", "restore"],
        &["git", "reset"],
        &["git", "reset", "HEAD", "a.txt"],
        &["git", "reset", "--soft", "HEAD~1"],
        &["git", "reset", "--keep", "HEAD~1"],
        &["git", "reset", "--hard", "--merge", "HEAD~1"],
        &["git", "clean"],
        &["git", "clean", "-n"],
        &["git", "clean", "--dry-run", "-fdx"],
        &["git", "clean", "-ndx"],
        &["git", "stash"],
        &["git", "stash", "list"],
        &["git", "stash", "pop"],
        &["git", "stash", "push", "-m", "drop later"],
        &["git", "branch"],
        &["git", "branch", "new"],
        &["git", "branch", "-d", "topic"],
        &["git", "branch", "-D"],
        &["git", "branch", "-m", "topic", "renamed"],
        &["git", "push"],
        &["git", "push", "origin", "main"],
        &["git", "push", "-u", "origin", "topic"],
        &["git", "push", "--force-with-lease"],
        &["git", "push", "--force-with-lease", "--force-if-includes"],
        &["git", "push", "--force-with-lease=main", "origin", "main"],
        &["git", "push", "--force-with-lease", "origin", "+main"],
        &["git", "push", "--force", "--dry-run"],
        &["git", "push", "-nf", "origin", "main"],
        &["git", "filter-repo", "--analyze"],
        &["git", "filter-repo", "--dry-run", "--path", "secret"],
        &["git", "help", "reset"],
        &["git", "--version"],
    ] {
        let a = case(&repo, argv, &[], Verdict::Allow);
        assert!(!a.snapshot, "{argv:?} needs no snapshot");
        assert!(a.targets.is_empty(), "{argv:?}: {:#?}", a.targets);
    }
}

#[test]
fn reset_hard_discards_the_worktree_and_is_allowed_with_a_snapshot() {
    let (_w, repo) = world();
    for argv in [
        &["git", "reset", "--hard"][..],
        &["git", "reset", "--hard", "HEAD~1"],
        &["git", "reset", "-q", "--hard", "origin/main"],
        &["git", "reset", "--soft", "--hard"],
    ] {
        let a = case(&repo, argv, &["git-discard"], Verdict::Allow);
        assert!(a.snapshot, "{argv:?}");
        assert_target(&a, &repo, Effect::Overwrite, true, true);
        assert!(
            a.reasons[0].message.contains("uncommitted change")
                && a.reasons[0].message.contains(&repo.display().to_string()),
            "{}",
            a.reasons[0].message
        );
    }
    // From a subdirectory, the whole worktree is what reset --hard rewrites.
    let a = case(
        &repo.join("src"),
        &["git", "reset", "--hard"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo, Effect::Overwrite, true, true);
}

#[test]
fn checkout_and_restore_of_paths_discard_those_paths() {
    let (_w, repo) = world();
    let src = repo.join("src");
    let a_txt = repo.join("a.txt");
    for (argv, path, recursive) in [
        (&["git", "checkout", "--", "src"][..], &src, true),
        (&["git", "checkout", "src"], &src, true),
        (&["git", "checkout", "a.txt"], &a_txt, false),
        (&["git", "checkout", "topic", "--", "a.txt"], &a_txt, false),
        (&["git", "checkout", "topic", "a.txt"], &a_txt, false),
        (&["git", "checkout", "HEAD~1", "src"], &src, true),
        (
            &["git", "checkout", "--theirs", "--", "a.txt"],
            &a_txt,
            false,
        ),
        (&["git", "checkout", "."], &repo, true),
        (&["git", "restore", "a.txt"], &a_txt, false),
        (&["git", "restore", "--worktree", "src"], &src, true),
        (
            &["git", "restore", "--staged", "--worktree", "a.txt"],
            &a_txt,
            false,
        ),
        (&["git", "restore", "-s", "HEAD~1", "a.txt"], &a_txt, false),
        (
            &["git", "restore", "--source=topic", "--", "a.txt"],
            &a_txt,
            false,
        ),
        (&["git", "restore", ":/"], &repo, true),
    ] {
        let a = case(&repo, argv, &["git-discard"], Verdict::Allow);
        assert!(a.snapshot, "{argv:?}");
        assert_target(&a, path, Effect::Overwrite, recursive, true);
    }
    let a = run(&repo, &["git", "restore", "-s", "HEAD~1", "a.txt"]);
    assert!(
        a.reasons[0].message.contains("'HEAD~1'"),
        "{}",
        a.reasons[0].message
    );
    let a = run(&repo, &["git", "checkout", "--", "a.txt"]);
    assert!(
        a.reasons[0].message.contains("the index") && a.reasons[0].message.contains("unstaged"),
        "{}",
        a.reasons[0].message
    );
}

#[test]
fn checkout_words_are_revisions_when_git_knows_them_and_paths_otherwise() {
    let (_w, repo) = world();
    // A file named like a branch: git switches branches (checked against real git below).
    std::fs::write(repo.join("topic"), "a file named topic\n").unwrap();
    case(&repo, &["git", "checkout", "topic"], &[], Verdict::Allow);
    // Packed refs and tags count too.
    git(&repo, &["tag", "v1"]);
    git(&repo, &["pack-refs", "--all"]);
    case(&repo, &["git", "checkout", "v1"], &[], Verdict::Allow);
    case(&repo, &["git", "checkout", "topic"], &[], Verdict::Allow);
    // A remote-tracking branch git would create `feature` from.
    std::fs::create_dir_all(repo.join(".git/refs/remotes/origin")).unwrap();
    let head = git(&repo, &["rev-parse", "HEAD"]);
    std::fs::write(repo.join(".git/refs/remotes/origin/feature"), head).unwrap();
    case(&repo, &["git", "checkout", "feature"], &[], Verdict::Allow);

    // Real git agrees: the branch is switched to, the file named topic stays as it is.
    let out = with_git_env(
        Command::new("git")
            .args(["checkout", "topic"])
            .current_dir(&repo),
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        git(&repo, &["symbolic-ref", "--short", "HEAD"]).trim(),
        "topic"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("topic")).unwrap(),
        "a file named topic\n"
    );
}

#[test]
fn forced_branch_switch_discards_the_worktree() {
    let (_w, repo) = world();
    for argv in [
        &["git", "checkout", "-f", "topic"][..],
        &["git", "checkout", "--force", "main"],
        &["git", "checkout", "-f"],
        &["git", "switch", "--discard-changes", "topic"],
        &["git", "switch", "-f", "topic"],
    ] {
        let a = case(&repo, argv, &["git-discard"], Verdict::Allow);
        assert!(a.snapshot, "{argv:?}");
        assert_target(&a, &repo, Effect::Overwrite, true, true);
    }
}

#[test]
fn clean_deletes_untracked_files_and_is_allowed_with_a_snapshot() {
    let (_w, repo) = world();
    std::fs::create_dir_all(repo.join("build")).unwrap();
    for (argv, what) in [
        (
            &["git", "clean", "-f"][..],
            "untracked files that are not ignored",
        ),
        (&["git", "clean", "-fd"], "untracked files and directories"),
        (&["git", "clean", "-fdx"], "ignored ones too"),
        (&["git", "clean", "-f", "-X"], "the ignored files"),
        (
            &["git", "clean", "--force", "-d", "-e", "keep"],
            "directories",
        ),
        (&["git", "clean", "-ffdx"], "ignored ones too"),
        (&["git", "clean", "-i"], "untracked files"),
    ] {
        let a = case(&repo, argv, &["git-discard"], Verdict::Allow);
        assert!(a.snapshot, "{argv:?}");
        assert_target(&a, &repo, Effect::Delete, true, true);
        assert!(
            a.reasons[0].message.contains(what),
            "{argv:?}: {}",
            a.reasons[0].message
        );
    }
    let a = case(
        &repo,
        &["git", "clean", "-fd", "build"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo.join("build"), Effect::Delete, true, true);
    no_target(&a, &repo);
    // clean acts below the directory it runs in, not the whole worktree.
    let a = case(
        &repo.join("src"),
        &["git", "clean", "-f"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo.join("src"), Effect::Delete, true, true);
    no_target(&a, &repo);
}

#[test]
fn stash_drop_and_clear_and_branch_delete_are_allowed_with_a_snapshot() {
    let (_w, repo) = world();
    for argv in [
        &["git", "stash", "drop"][..],
        &["git", "stash", "drop", "stash@{2}"],
        &["git", "stash", "drop", "-q", "1"],
        &["git", "stash", "clear"],
        &["git", "branch", "-D", "topic"],
        &["git", "branch", "-d", "--force", "topic"],
        &["git", "branch", "--delete", "--force", "topic"],
        &["git", "branch", "-df", "topic", "other"],
        &["git", "branch", "-D", "-r", "origin/topic"],
    ] {
        let a = case(&repo, argv, &["git-discard"], Verdict::Allow);
        assert!(a.snapshot, "{argv:?}");
        // The refs change inside the repository; nothing in the worktree does.
        assert_target(&a, &repo.join(".git"), Effect::Modify, false, true);
    }
    let a = run(&repo, &["git", "branch", "-D", "topic"]);
    assert!(
        a.reasons[0].message.contains("'topic'"),
        "{}",
        a.reasons[0].message
    );
}

#[test]
fn force_push_and_remote_deletes_need_confirmation() {
    let (_w, repo) = world();
    for (argv, remote, says) in [
        (
            &["git", "push", "--force"][..],
            "origin",
            "--force replaces",
        ),
        (&["git", "push", "-f", "origin", "main"], "origin", "'main'"),
        (
            &["git", "push", "--force", "--force-with-lease"],
            "origin",
            "besides --force-with-lease",
        ),
        (
            &["git", "push", "origin", "+main"],
            "origin",
            "force-replaces 'main'",
        ),
        (
            &["git", "push", "upstream", "+main:main", "topic"],
            "upstream",
            "'main:main'",
        ),
        (
            &["git", "push", "--mirror", "backup"],
            "backup",
            "exact copy",
        ),
        (
            &["git", "push", "--delete", "origin", "old"],
            "origin",
            "deletes 'old'",
        ),
        (
            &["git", "push", "-d", "origin", "old"],
            "origin",
            "deletes 'old'",
        ),
        (
            &["git", "push", "origin", ":old"],
            "origin",
            "deletes 'old'",
        ),
        (
            &[
                "git",
                "push",
                "--prune",
                "origin",
                "refs/heads/*:refs/heads/*",
            ],
            "origin",
            "--prune deletes",
        ),
        (
            &["git", "push", "--repo=mirror", "--force"],
            "origin",
            "--force",
        ),
    ] {
        let a = case(&repo, argv, &["git-force-push"], Verdict::Confirm);
        assert!(!a.snapshot, "{argv:?}: a remote cannot be snapshotted");
        let t = &a.targets[0];
        assert_eq!(
            (t.effect, t.path.to_string_lossy().as_ref()),
            (Effect::Remote, remote),
            "{argv:?}"
        );
        assert!(
            a.reasons[0].message.contains(says),
            "{argv:?}: {}",
            a.reasons[0].message
        );
    }
    let a = run(&repo, &["git", "push", "--force"]);
    assert!(
        a.reasons[0]
            .instead
            .as_deref()
            .unwrap()
            .contains("--force-with-lease")
    );
}

#[test]
fn push_to_a_remote_names_its_host_for_the_environment() {
    let (_w, repo) = world();
    git(
        &repo,
        &[
            "remote",
            "add",
            "prod",
            "ssh://deploy@prod-web1.example.com:2222/srv/app.git",
        ],
    );
    git(
        &repo,
        &["remote", "add", "hub", "git@github.com:example/app.git"],
    );
    let a = run(&repo, &["git", "push", "--force", "prod", "main"]);
    assert_eq!(a.acts_on.as_deref(), Some("prod-web1.example.com"));
    let a = run(&repo, &["git", "push", "--force", "hub"]);
    assert_eq!(a.acts_on.as_deref(), Some("github.com"));
    // The default remote is the branch's, else origin.
    git(&repo, &["config", "branch.main.remote", "prod"]);
    let a = run(&repo, &["git", "push", "-f"]);
    assert_eq!(a.targets[0].path, Path::new("prod"));
    assert_eq!(a.acts_on.as_deref(), Some("prod-web1.example.com"));
    let a = run(&repo, &["git", "push", "--force", "../local.git"]);
    assert_eq!(a.acts_on, None, "a local path is no host");
}

#[test]
fn history_rewrites_need_confirmation() {
    let (_w, repo) = world();
    for argv in [
        &[
            "git",
            "filter-branch",
            "--tree-filter",
            "rm -f secret",
            "HEAD",
        ][..],
        &["git", "filter-repo", "--path", "secret", "--invert-paths"],
        &["git", "-C", ".", "filter-branch", "--", "--all"],
    ] {
        let a = case(&repo, argv, &["git-history-rewrite"], Verdict::Confirm);
        assert!(!a.snapshot, "{argv:?}");
    }
}

#[test]
fn global_options_before_the_subcommand_are_followed() {
    let (w, repo) = world();
    let a = case(
        &w.root,
        &["git", "-C", "repo", "reset", "--hard"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo, Effect::Overwrite, true, true);
    // -C is cumulative, and relative pathspecs resolve against it.
    let a = case(
        &w.root,
        &["git", "-C", "repo", "-C", "src", "checkout", "--", "lib.rs"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo.join("src/lib.rs"), Effect::Overwrite, false, true);
    let a = case(
        &w.root,
        &["git", "-C", "repo/src", "clean", "-fd"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo.join("src"), Effect::Delete, true, true);
    let a = case(
        &repo,
        &[
            "git",
            "-c",
            "core.autocrlf=false",
            "--no-pager",
            "-p",
            "reset",
            "--hard",
        ],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo, Effect::Overwrite, true, true);
    // A bare repository with a separate worktree (the dotfiles pattern).
    let a = case(
        &w.path("plain"),
        &[
            "git",
            "--git-dir=../repo/.git",
            "--work-tree",
            "../repo",
            "reset",
            "--hard",
        ],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &repo, Effect::Overwrite, true, true);
    // `-c` takes a value that looks like a subcommand; it is not one.
    case(
        &repo,
        &["git", "-c", "clean.requireForce=true", "status"],
        &[],
        Verdict::Allow,
    );
}

#[test]
fn outside_a_repository_only_pushes_and_rewrites_are_reported() {
    let (w, _repo) = world();
    for argv in [
        &["git", "reset", "--hard"][..],
        &["git", "clean", "-fdx"],
        &["git", "branch", "-D", "topic"],
    ] {
        let a = case(&w.path("plain"), argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty() && !a.snapshot, "{argv:?}: {a:#?}");
    }
    // What a push or a rewrite does does not depend on where it is reviewed from (a
    // pasted command, an agent's): it is still reported.
    case(
        &w.path("plain"),
        &["git", "push", "--force", "origin", "main"],
        &["git-force-push"],
        Verdict::Confirm,
    );
    case(
        &w.path("plain"),
        &["git", "filter-branch", "HEAD"],
        &["git-history-rewrite"],
        Verdict::Confirm,
    );
}

#[test]
fn linked_worktrees_find_their_refs() {
    let (w, repo) = world();
    let linked = w.path("linked");
    git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "side",
            linked.to_str().unwrap(),
        ],
    );
    std::fs::write(linked.join("side"), "a file named like the branch\n").unwrap();
    // `main` is a branch of the shared repository: a switch, not a path.
    case(&linked, &["git", "checkout", "main"], &[], Verdict::Allow);
    let a = case(
        &linked,
        &["git", "reset", "--hard"],
        &["git-discard"],
        Verdict::Allow,
    );
    assert_target(&a, &linked, Effect::Overwrite, true, true);
}

// ---------------------------------------------------------------- review, end to end

fn env_with_repo() -> (TestEnv, PathBuf) {
    let env = TestEnv::new();
    let repo = new_repo(&env.path("repo"));
    (env, repo)
}

#[test]
fn review_reports_git_discard_with_snapshot_and_force_push_without() {
    let (env, repo) = env_with_repo();
    let r = env.review_in(&repo, "git reset --hard");
    r.expect("allow", &["git-discard"]);
    assert_eq!(r.command(0)["snapshot"], true);
    assert_eq!(r.targets(), vec![repo.display().to_string()]);
    let r = env.review_in(&repo, "git push --force origin main");
    r.expect("confirm", &["git-force-push"]);
    assert_eq!(r.command(0)["snapshot"], false);
    assert_eq!(r.command(0)["targets"][0]["effect"], "remote");
    env.review_in(
        &repo,
        "git commit -m 'git reset --hard' && git push --force-with-lease",
    )
    .expect("allow", &[]);
}

#[test]
fn force_push_to_a_production_host_names_production() {
    let (env, repo) = env_with_repo();
    git(
        &repo,
        &["remote", "add", "live", "deploy@prod-web1:/srv/app.git"],
    );
    let r = env.review_in(&repo, "git push --force live main");
    r.expect("confirm", &["git-force-push", "production"]);
    assert!(
        r.messages()
            .contains("prod-web1 belongs to the production environment"),
        "{}",
        r.messages()
    );
}

#[test]
fn git_clean_in_a_home_directory_dotfiles_repo_is_blocked() {
    let (env, _repo) = env_with_repo();
    let home = env.path("home/alice");
    new_repo(&home);
    let r = env.review_with_env(&home, &[("HOME", &home)], "git clean -fdx");
    assert_eq!(r.verdict(), "block", "{:#}", r.json);
    let rules: Vec<&str> = r.command(0)["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"home-dir") && rules.contains(&"git-discard"),
        "{rules:?}"
    );
}

// ---------------------------------------------------------------- run and undo, end to end

#[test]
fn reset_hard_then_undo_gives_back_staged_and_unstaged_changes() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    let stash_list = git(&repo, &["stash", "list"]);

    let out = guarded(&env, &repo, &["git", "reset", "--hard"]);
    assert_ok(&out);
    assert!(
        stdout(&out).contains("HEAD is now at"),
        "git's own output: {}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("snapshot"), "{}", stderr(&out));
    assert_eq!(
        git(&repo, &["status", "--porcelain"]),
        "?? notes.txt\n",
        "the changes are gone"
    );
    assert_eq!(
        git(&repo, &["stash", "list"]),
        stash_list,
        "the stash list is untouched"
    );
    assert!(
        git(&repo, &["for-each-ref", "refs/shellguard/"]).contains("/changes"),
        "the changes are held by a ref"
    );

    let undo = shellguard(&env, &repo, &["undo"]);
    assert_ok(&undo);
    assert!(
        stdout(&undo).contains("put back the staged and unstaged changes"),
        "{}",
        stdout(&undo)
    );
    assert_eq!(
        work(&repo),
        before,
        "git diff, git diff --cached and git status as before"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("notes.txt")).unwrap(),
        "untracked\n"
    );
}

#[test]
fn reset_hard_to_an_older_commit_then_undo_moves_the_branch_back() {
    let (env, repo) = env_with_repo();
    let head = git(&repo, &["rev-parse", "HEAD"]);
    std::fs::write(repo.join("a.txt"), "one\ntwo\nwork in progress\n").unwrap();
    let before = work(&repo);

    assert_ok(&guarded(&env, &repo, &["git", "reset", "--hard", "HEAD~1"]));
    assert_ne!(git(&repo, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "one\n"
    );

    let undo = shellguard(&env, &repo, &["undo"]);
    assert_ok(&undo);
    assert_eq!(
        git(&repo, &["rev-parse", "HEAD"]),
        head,
        "main points where it did"
    );
    assert_eq!(
        git(&repo, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    assert_eq!(work(&repo), before);
}

#[test]
fn undo_refuses_to_put_changes_back_over_work_done_since() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    assert_ok(&guarded(&env, &repo, &["git", "reset", "--hard"]));
    std::fs::write(repo.join("a.txt"), "new work after the reset\n").unwrap();

    let undo = shellguard(&env, &repo, &["undo"]);
    assert_eq!(undo.status.code(), Some(1), "{}", stdout(&undo));
    let err = stderr(&undo);
    assert!(err.contains("changed since the command"), "{err}");
    assert!(
        err.contains("git stash apply --index"),
        "says how to get them by hand: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "new work after the reset\n",
        "the new work is untouched"
    );

    // Once the worktree is as the command left it, the same undo goes through.
    git(&repo, &["checkout", "--", "a.txt"]);
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(work(&repo), before);
}

#[test]
fn undo_refuses_to_overwrite_an_untracked_file_that_took_a_kept_files_place() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    assert_ok(&guarded(&env, &repo, &["git", "reset", "--hard"]));
    // reset --hard removed the staged new.txt; something else now stands there.
    std::fs::write(repo.join("new.txt"), "someone else's file\n").unwrap();
    let undo = shellguard(&env, &repo, &["undo"]);
    assert_eq!(undo.status.code(), Some(1));
    assert!(stderr(&undo).contains("new.txt"), "{}", stderr(&undo));
    assert_eq!(
        std::fs::read_to_string(repo.join("new.txt")).unwrap(),
        "someone else's file\n"
    );
}

#[test]
fn checkout_of_one_path_then_undo_brings_back_that_path_and_keeps_the_rest() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    assert_ok(&guarded(&env, &repo, &["git", "checkout", "--", "a.txt"]));
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "one\ntwo\nstaged\n",
        "the unstaged line is gone, the staged version stays"
    );
    assert!(
        !repo.join("src/lib.rs").exists(),
        "other changes were not touched"
    );
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(work(&repo), before);
}

#[test]
fn restore_from_another_commit_then_undo() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    assert_ok(&guarded(
        &env,
        &repo,
        &[
            "git",
            "restore",
            "--source=HEAD~1",
            "--staged",
            "--worktree",
            "a.txt",
        ],
    ));
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "one\n"
    );
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(work(&repo), before);
}

#[test]
fn forced_checkout_of_another_branch_then_undo_returns_to_the_branch_and_changes() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    assert_ok(&guarded(&env, &repo, &["git", "checkout", "-f", "topic"]));
    assert_eq!(
        git(&repo, &["symbolic-ref", "--short", "HEAD"]).trim(),
        "topic"
    );
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(
        git(&repo, &["symbolic-ref", "--short", "HEAD"]).trim(),
        "main"
    );
    assert_eq!(work(&repo), before);
}

#[test]
fn reset_hard_in_the_middle_of_a_conflict_keeps_copies_of_the_conflicted_files() {
    let (env, repo) = env_with_repo();
    git(&repo, &["checkout", "-q", "topic"]);
    std::fs::write(repo.join("a.txt"), "one\nconflicting\n").unwrap();
    git(&repo, &["commit", "-q", "-am", "conflict"]);
    let merge = with_git_env(
        Command::new("git")
            .args(["merge", "main"])
            .current_dir(&repo),
    )
    .output()
    .unwrap();
    assert!(!merge.status.success(), "the merge conflicts");
    std::fs::write(repo.join("a.txt"), "one\nhalf resolved by hand\n").unwrap();

    // git stash create cannot work with unmerged paths: the snapshot still is taken.
    assert_ok(&guarded(&env, &repo, &["git", "reset", "--hard"]));
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "one\nconflicting\n"
    );
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "one\nhalf resolved by hand\n"
    );
}

#[test]
fn clean_fdx_then_undo_gives_back_untracked_and_ignored_files_identically() {
    let (env, repo) = env_with_repo();
    std::fs::create_dir_all(repo.join("target/debug/deep")).unwrap();
    std::fs::write(repo.join("target/debug/deep/app"), vec![0u8; 5000]).unwrap();
    std::fs::set_permissions(
        repo.join("target/debug/deep/app"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::write(repo.join("debug.log"), "ignored\n").unwrap();
    std::fs::write(repo.join(".env"), "SECRET=1\n").unwrap();
    std::fs::set_permissions(repo.join(".env"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::create_dir_all(repo.join("new dir/empty")).unwrap();
    std::fs::write(repo.join("src/scratch.rs"), "// untracked\n").unwrap();
    std::fs::write(repo.join(OsStr::from_bytes(b"line\nbreak")), "odd name\n").unwrap();
    std::fs::write(repo.join("quote\"and\\slash"), "odd name\n").unwrap();
    std::fs::write(repo.join("caf\u{e9}.txt"), "utf-8 name\n").unwrap();
    std::os::unix::fs::symlink("a.txt", repo.join("link-to-a")).unwrap();
    let before = worktree_state(&repo);

    let out = guarded(&env, &repo, &["git", "clean", "-fdx"]);
    assert_ok(&out);
    let said = stdout(&out);
    assert!(
        said.contains("Removing debug.log") && said.contains("Removing target/"),
        "{said}"
    );
    let left: Vec<String> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(
        left,
        [".git", ".gitignore", "a.txt", "src"],
        "only tracked files are left"
    );
    assert!(!repo.join("src/scratch.rs").exists());

    let undo = shellguard(&env, &repo, &["undo"]);
    assert_ok(&undo);
    assert_eq!(
        worktree_state(&repo),
        before,
        "every file back, with contents, modes and times"
    );
}

#[test]
fn clean_of_one_directory_leaves_the_rest_alone_and_undo_brings_it_back() {
    let (env, repo) = env_with_repo();
    std::fs::write(repo.join("src/gen.rs"), "generated\n").unwrap();
    std::fs::write(repo.join("keep.txt"), "outside the pathspec\n").unwrap();
    assert_ok(&guarded(&env, &repo, &["git", "clean", "-f", "src"]));
    assert!(!repo.join("src/gen.rs").exists());
    assert!(repo.join("keep.txt").exists());
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(
        std::fs::read_to_string(repo.join("src/gen.rs")).unwrap(),
        "generated\n"
    );
}

#[test]
fn clean_quiet_prints_nothing_and_dry_run_keeps_everything() {
    let (env, repo) = env_with_repo();
    std::fs::write(repo.join("junk.txt"), "x\n").unwrap();
    let out = guarded(&env, &repo, &["git", "clean", "-n"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "Would remove junk.txt\n");
    assert!(repo.join("junk.txt").exists());
    let out = guarded(&env, &repo, &["git", "clean", "-fq"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), "");
    assert!(!repo.join("junk.txt").exists());
}

#[test]
fn stash_drop_then_undo_stores_the_entry_again() {
    let (env, repo) = env_with_repo();
    std::fs::write(repo.join("a.txt"), "first stash\n").unwrap();
    git(&repo, &["stash", "push", "-q", "-m", "older"]);
    std::fs::write(repo.join("a.txt"), "second stash\n").unwrap();
    git(&repo, &["stash", "push", "-q", "-m", "newer"]);
    let before = git(&repo, &["stash", "list", "--format=%H %gs"]);

    assert_ok(&guarded(&env, &repo, &["git", "stash", "drop"]));
    assert_eq!(git(&repo, &["stash", "list"]).lines().count(), 1);
    let undo = shellguard(&env, &repo, &["undo"]);
    assert_ok(&undo);
    assert_eq!(git(&repo, &["stash", "list", "--format=%H %gs"]), before);
    git(&repo, &["stash", "apply", "-q"]);
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "second stash\n"
    );
}

#[test]
fn stash_clear_then_undo_stores_every_entry_in_order() {
    let (env, repo) = env_with_repo();
    for n in 1..=3 {
        std::fs::write(repo.join("a.txt"), format!("stash {n}\n")).unwrap();
        git(&repo, &["stash", "push", "-q", "-m", &format!("entry {n}")]);
    }
    let before = git(&repo, &["stash", "list", "--format=%H %gs"]);
    assert_ok(&guarded(&env, &repo, &["git", "stash", "clear"]));
    assert_eq!(git(&repo, &["stash", "list"]), "");
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(git(&repo, &["stash", "list", "--format=%H %gs"]), before);
}

#[test]
fn branch_delete_then_undo_recreates_the_branch_with_its_upstream() {
    let (env, repo) = env_with_repo();
    git(&repo, &["checkout", "-q", "topic"]);
    std::fs::write(repo.join("topic.txt"), "only on topic\n").unwrap();
    git(&repo, &["add", "topic.txt"]);
    git(&repo, &["commit", "-q", "-m", "unmerged work"]);
    git(&repo, &["checkout", "-q", "main"]);
    git(&repo, &["config", "branch.topic.remote", "origin"]);
    git(&repo, &["config", "branch.topic.merge", "refs/heads/topic"]);
    let tip = git(&repo, &["rev-parse", "topic"]);

    assert_ok(&guarded(&env, &repo, &["git", "branch", "-D", "topic"]));
    assert!(!git(&repo, &["branch"]).contains("topic"));
    let undo = shellguard(&env, &repo, &["undo"]);
    assert_ok(&undo);
    assert!(
        stdout(&undo).contains("recreated branch topic"),
        "{}",
        stdout(&undo)
    );
    assert_eq!(git(&repo, &["rev-parse", "topic"]), tip);
    assert_eq!(
        git(&repo, &["config", "branch.topic.merge"]).trim(),
        "refs/heads/topic"
    );
}

#[test]
fn branch_undo_refuses_when_the_name_is_taken_again() {
    let (env, repo) = env_with_repo();
    let tip = git(&repo, &["rev-parse", "topic"]);
    assert_ok(&guarded(&env, &repo, &["git", "branch", "-D", "topic"]));
    git(&repo, &["branch", "topic", "main"]);
    let undo = shellguard(&env, &repo, &["undo"]);
    assert_eq!(undo.status.code(), Some(1));
    assert!(stderr(&undo).contains("exists again"), "{}", stderr(&undo));
    assert!(
        stderr(&undo).contains(&tip.trim()[..10]),
        "names the old tip: {}",
        stderr(&undo)
    );
    assert_eq!(
        git(&repo, &["rev-parse", "topic"]),
        git(&repo, &["rev-parse", "main"])
    );
}

#[test]
fn force_push_without_a_terminal_is_refused_and_nothing_is_pushed() {
    let (env, repo) = env_with_repo();
    let remote = env.path("remote.git");
    git(
        &env.work(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    git(
        &repo,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    git(&repo, &["push", "-q", "origin", "main"]);
    let pushed = git(&remote, &["rev-parse", "main"]);
    git(&repo, &["commit", "-q", "--amend", "-m", "rewritten"]);

    let r = env.review_in(&repo, "git push --force origin main");
    r.expect("confirm", &["git-force-push"]);
    let out = guarded(&env, &repo, &["git", "push", "--force", "origin", "main"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(stderr(&out).contains("git-force-push"), "{}", stderr(&out));
    assert_eq!(
        git(&remote, &["rev-parse", "main"]),
        pushed,
        "nothing was pushed"
    );

    // With the lease, the same rewrite goes through untouched by shellguard.
    assert_ok(&guarded(
        &env,
        &repo,
        &["git", "push", "--force-with-lease", "origin", "main"],
    ));
    assert_eq!(
        git(&remote, &["rev-parse", "main"]),
        git(&repo, &["rev-parse", "main"])
    );
}

#[test]
fn harmless_git_under_run_keeps_gits_exit_status_and_takes_no_snapshot() {
    let (env, repo) = env_with_repo();
    let out = guarded(&env, &repo, &["git", "status", "--porcelain"]);
    assert_ok(&out);
    assert_eq!(stderr(&out), "", "no banner for a harmless command");
    let out = guarded(
        &env,
        &repo,
        &["git", "rev-parse", "--verify", "no-such-ref"],
    );
    assert_eq!(out.status.code(), Some(128));
    let list = shellguard(&env, &repo, &["snapshots", "list"]);
    assert!(!stdout(&list).contains("git"), "{}", stdout(&list));
}

#[test]
fn a_snapshot_that_cannot_be_taken_stops_git() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    // A file where git wants the refs/shellguard directory: update-ref fails.
    std::fs::write(repo.join(".git/refs/shellguard"), "in the way\n").unwrap();
    let out = guarded(&env, &repo, &["git", "reset", "--hard"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(stderr(&out).contains("--no-snapshot"), "{}", stderr(&out));
    assert_eq!(work(&repo), before, "reset --hard did not run");
}

#[test]
fn pruning_a_snapshot_drops_its_refs() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    assert_ok(&guarded(&env, &repo, &["git", "reset", "--hard"]));
    assert!(!git(&repo, &["for-each-ref", "refs/shellguard/"]).is_empty());
    assert_ok(&shellguard(
        &env,
        &repo,
        &[
            "snapshots",
            "prune",
            "--older-than",
            "0s",
            "--max-size",
            "0",
        ],
    ));
    assert_eq!(git(&repo, &["for-each-ref", "refs/shellguard/"]), "");
}

#[test]
fn undo_to_another_directory_leaves_git_state_for_an_undo_in_place() {
    let (env, repo) = env_with_repo();
    make_changes(&repo);
    let before = work(&repo);
    assert_ok(&guarded(&env, &repo, &["git", "reset", "--hard"]));
    let to = env.path("elsewhere");
    let undo = shellguard(&env, &repo, &["undo", "--to", to.to_str().unwrap()]);
    assert_eq!(undo.status.code(), Some(1));
    assert!(
        stderr(&undo).contains("only into its repository"),
        "{}",
        stderr(&undo)
    );
    assert_ok(&shellguard(&env, &repo, &["undo"]));
    assert_eq!(work(&repo), before);
}

#[test]
fn forgetting_a_failed_snapshot_deletes_only_its_refs() {
    // What `run` does when a later snapshot step fails after earlier ones kept refs.
    let (_env, repo) = env_with_repo();
    let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    for name in ["failed/branch-0", "failed/branch-1", "kept/changes"] {
        git(
            &repo,
            &["update-ref", &format!("refs/shellguard/{name}"), &head],
        );
    }
    let found = shellguard::snapshot::git::GitRepo {
        program: "git".into(),
        git_dir: repo.join(".git"),
        work_tree: Some(repo.clone()),
    };
    found.forget("refs/shellguard/failed/");
    assert_eq!(
        git(
            &repo,
            &["for-each-ref", "--format=%(refname)", "refs/shellguard/"]
        ),
        "refs/shellguard/kept/changes\n"
    );
}
