//! Table tests for the analyzers: argv + a chosen world → targets and program reasons.
//!
//! Every filesystem fixture lives in a temp dir; nothing here writes outside it. Where
//! the real tool's behaviour decides a design choice, a test runs the real tool in a
//! temp dir next to the analyzer and checks that they agree.

use std::path::Path;

mod common;

use common::analyzer::*;
use shellguard::analyze::{Analysis, Arg, Stdin};
use shellguard::model::{Effect, Verdict};

// ---------------------------------------------------------------- rsync

#[test]
fn rsync_into_dot_from_root_targets_root() {
    // Incident 1: rsync -aP /srv/lxc/root/ . with the working directory '/'.
    let a = case(
        root(),
        &["rsync", "-aP", "/srv/lxc/root/", "."],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, root(), Effect::Overwrite, true, true);
    assert_eq!(a.targets.len(), 1, "{:#?}", a.targets);
}

#[test]
fn rsync_ordinary_backup_is_allowed() {
    let w = World::new();
    w.file("src/a", "1");
    let a = case(
        &w.root,
        &["rsync", "-a", "src/", "backup/"],
        &[],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("backup"), Effect::Overwrite, true, false);
    assert!(!a.snapshot);
}

#[test]
fn rsync_trailing_slash_meaning_agrees_with_real_rsync() {
    let w = World::new();
    w.file("src/f", "1");
    w.file("src/sub/g", "2");
    w.dir("existing");
    // src/ → contents into the destination; src → destination/src.
    let slash = run(&w.root, &["rsync", "-a", "src/", "dA"]);
    assert_target(&slash, &w.path("dA"), Effect::Overwrite, true, false);
    let plain = run(&w.root, &["rsync", "-a", "src", "dB"]);
    assert_target(&plain, &w.path("dB/src"), Effect::Overwrite, true, false);
    let into = run(&w.root, &["rsync", "-a", "src", "existing"]);
    assert_target(
        &into,
        &w.path("existing/src"),
        Effect::Overwrite,
        true,
        false,
    );
    let file = run(&w.root, &["rsync", "-a", "src/f", "dC"]);
    assert_target(&file, &w.path("dC"), Effect::Overwrite, false, false);

    for argv in [
        &["rsync", "-a", "src/", "dA"][..],
        &["rsync", "-a", "src", "dB"],
        &["rsync", "-a", "src", "existing"],
        &["rsync", "-a", "src/f", "dC"],
    ] {
        assert!(w.run_tool("", argv).status.success(), "{argv:?}");
    }
    assert!(w.path("dA/f").is_file() && w.path("dA/sub/g").is_file());
    assert!(w.path("dB/src/f").is_file() && !w.path("dB/f").exists());
    assert!(w.path("existing/src/f").is_file());
    assert!(w.path("dC").is_file());
}

#[test]
fn rsync_relative_recreates_the_source_path() {
    let w = World::new();
    w.file("a/b/c/f", "1");
    let a = run(&w.root, &["rsync", "-aR", "a/b/c/", "rr"]);
    assert_target(&a, &w.path("rr/a/b/c"), Effect::Overwrite, true, false);
    let a = run(&w.root, &["rsync", "-aR", "a/./b/c", "rr2"]);
    assert_target(&a, &w.path("rr2/b/c"), Effect::Overwrite, true, false);
    assert!(
        w.run_tool("", &["rsync", "-aR", "a/./b/c", "rr2"])
            .status
            .success()
    );
    assert!(w.path("rr2/b/c/f").is_file());
}

#[test]
fn rsync_delete_names_what_the_destination_loses() {
    let w = World::new();
    w.file("src/a", "1");
    w.file("dst/old", "0");
    for argv in [
        &["rsync", "-a", "--delete", "src/", "dst"][..],
        &["rsync", "-a", "--del", "src/", "dst"],
        &["rsync", "-av", "--delete-after", "src/", "dst"],
        &["rsync", "-r", "--delete-before", "src/", "dst"],
        &["rsync", "--delete-delay", "-a", "src/", "dst"],
        &["rsync", "-a", "--delete-during", "src/", "dst/"],
        &[
            "rsync",
            "-a",
            "--delete-excluded",
            "--exclude",
            "*.o",
            "src/",
            "dst",
        ],
        &["rsync", "-d", "--delete", "src/", "dst"],
    ] {
        let a = case(
            &w.root,
            argv,
            &["overwrite", "rsync-delete"],
            Verdict::Confirm,
        );
        assert_eq!(a.targets[0].path, w.path("dst"), "{argv:?}");
        assert_eq!(a.targets[0].effect, Effect::Delete, "{argv:?}");
        assert!(a.snapshot);
        let reason = a
            .reasons
            .iter()
            .find(|r| r.rule.id() == "rsync-delete")
            .unwrap();
        assert!(
            reason
                .message
                .contains(&w.path("dst").display().to_string())
        );
        assert!(reason.instead.as_deref().unwrap().contains("--dry-run"));
    }
}

#[test]
fn rsync_delete_without_slash_deletes_inside_the_named_copy() {
    let w = World::new();
    w.file("src/a", "1");
    w.file("dst/keep", "0");
    w.file("dst/src/old", "0");
    let a = case(
        &w.root,
        &["rsync", "-a", "--delete", "src", "dst"],
        &["overwrite", "rsync-delete"],
        Verdict::Confirm,
    );
    assert_target(&a, &w.path("dst/src"), Effect::Delete, true, true);
    no_target(&a, &w.path("dst"));
    // The real rsync agrees: dst/keep survives, dst/src/old does not.
    assert!(
        w.run_tool("", &["rsync", "-a", "--delete", "src", "dst"])
            .status
            .success()
    );
    assert!(w.path("dst/keep").exists() && !w.path("dst/src/old").exists());
}

#[test]
fn rsync_delete_needs_recursion_or_rsync_refuses() {
    let w = World::new();
    w.file("src/a", "1");
    let a = case(
        &w.root,
        &["rsync", "--delete", "src/a", "dst"],
        &[],
        Verdict::Allow,
    );
    assert!(a.targets.is_empty());
    assert!(
        !w.run_tool("", &["rsync", "--delete", "src/a", "dst"])
            .status
            .success()
    );
}

#[test]
fn rsync_remove_source_files_deletes_the_sources() {
    let w = World::new();
    w.file("src/a", "1");
    let a = case(
        &w.root,
        &["rsync", "-a", "--remove-source-files", "src/", "dst"],
        &["rsync-delete"],
        Verdict::Confirm,
    );
    assert_target(&a, &w.path("src"), Effect::Delete, true, true);
    assert_target(&a, &w.path("dst"), Effect::Overwrite, true, false);
}

#[test]
fn rsync_long_options_are_not_abbreviated_like_real_rsync() {
    let w = World::new();
    w.file("src/a", "1");
    // popt refuses abbreviations: --remove-s / --dry are unknown options to rsync.
    let a = case(
        &w.root,
        &["rsync", "-a", "--remove-s", "src/", "dst"],
        &[],
        Verdict::Allow,
    );
    no_target(&a, &w.path("src"));
    let out = w.run_tool("", &["rsync", "-a", "--remove-s", "src/", "dst"]);
    assert!(!out.status.success());
    assert!(w.path("src/a").exists());
    let a = run(&w.root, &["rsync", "-a", "--dry", "src/", "dst2"]);
    assert_target(&a, &w.path("dst2"), Effect::Overwrite, true, false);
}

#[test]
fn rsync_dry_run_and_listing_touch_nothing() {
    let w = World::new();
    w.file("src/a", "1");
    w.dir("dst");
    for argv in [
        &["rsync", "-an", "--delete", "src/", "dst"][..],
        &["rsync", "-a", "--dry-run", "--delete", "src/", "/"],
        &["rsync", "--list-only", "-a", "src/", "dst"],
        &["rsync", "-avn", "--remove-source-files", "src/", "dst"],
        &["rsync", "-a", "src/"],
        &["rsync", "--help"],
        &["rsync", "-h"],
        &["rsync", "--max-delete=0", "-a", "--delete", "src/", "x/"],
    ] {
        let a = run(&w.root, argv);
        assert!(a.verdict() == Verdict::Allow, "{argv:?}: {:#?}", a.reasons);
        assert!(
            a.targets.iter().all(|t| t.effect != Effect::Delete),
            "{argv:?}: {:#?}",
            a.targets
        );
    }
    assert!(
        run(&w.root, &["rsync", "-an", "--delete", "src/", "dst"])
            .targets
            .is_empty()
    );
}

#[test]
fn rsync_options_with_values_do_not_become_operands() {
    let w = World::new();
    w.file("src/a", "1");
    for argv in [
        &["rsync", "-a", "-e", "ssh -p 2222", "src/", "dst"][..],
        &["rsync", "-a", "-essh", "src/", "dst"],
        &["rsync", "-a", "--rsh", "ssh", "src/", "dst"],
        &[
            "rsync",
            "-a",
            "--exclude",
            "*.o",
            "--include",
            "x",
            "src/",
            "dst",
        ],
        &["rsync", "-a", "-f", "- *.tmp", "src/", "dst"],
        &["rsync", "-a", "--filter", "- *.tmp", "src/", "dst"],
        &[
            "rsync",
            "-a",
            "--backup-dir",
            "/tmp/b",
            "--suffix",
            ".old",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--log-file",
            "log",
            "--rsync-path",
            "sudo rsync",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--chmod",
            "D755,F644",
            "--chown",
            "a:b",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--files-from",
            "list",
            "--exclude-from",
            "ex",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--partial-dir",
            ".p",
            "-T",
            "/tmp",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--temp-dir",
            "/tmp",
            "--compare-dest",
            "c",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--link-dest",
            "../prev",
            "--copy-dest",
            "c",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--max-delete",
            "5",
            "--bwlimit",
            "1m",
            "src/",
            "dst",
        ],
        &[
            "rsync",
            "-a",
            "--timeout",
            "30",
            "--port",
            "873",
            "-B",
            "4096",
            "src/",
            "dst",
        ],
        &["rsync", "-aB4096", "src/", "dst"],
        &["rsync", "src/", "-a", "dst"],
    ] {
        let a = run(&w.root, argv);
        assert_eq!(a.targets.len(), 1, "{argv:?}: {:#?}", a.targets);
        assert_target(&a, &w.path("dst"), Effect::Overwrite, true, false);
    }
}

#[test]
fn rsync_to_remote_is_a_remote_target() {
    let w = World::new();
    w.file("src/a", "1");
    for dest in [
        "host:/srv/www/",
        "user@host:backup",
        "host::module/dir",
        "rsync://host/module",
        "host:",
    ] {
        let a = case(&w.root, &["rsync", "-a", "src/", dest], &[], Verdict::Allow);
        let t = target(&a, Path::new(dest));
        assert_eq!(t.effect, Effect::Remote, "{dest}");
        assert!(!a.snapshot);
    }
    let a = case(
        &w.root,
        &["rsync", "-a", "--delete", "src/", "host:/srv/www/"],
        &["rsync-delete"],
        Verdict::Confirm,
    );
    assert!(a.reasons[0].message.contains("host:/srv/www/"));
    // A colon after a slash is a local file name.
    let a = run(&w.root, &["rsync", "-a", "src/", "./a:b"]);
    assert_target(&a, &w.path("a:b"), Effect::Overwrite, true, false);
}

#[test]
fn rsync_pull_from_remote_overwrites_locally() {
    let w = World::new();
    w.dir("site");
    let a = run(
        &w.root,
        &["rsync", "-a", "--delete", "host:/srv/www/", "site"],
    );
    assert_target(&a, &w.path("site"), Effect::Delete, true, true);
    let a = run(&w.root, &["rsync", "-a", "host:/srv/www", "site"]);
    assert_target(&a, &w.path("site/www"), Effect::Overwrite, true, false);
}

#[test]
fn rsync_into_symlink_with_trailing_slash_is_flagged() {
    let w = World::new();
    w.file("src/a", "1");
    let real = w.dir("real");
    w.link("link", &real);
    let a = case(
        &w.root,
        &["rsync", "-a", "src/", "link/"],
        &["symlink-trailing-slash", "overwrite"],
        Verdict::Block,
    );
    assert_target(&a, &real, Effect::Overwrite, true, true);
    // Without the slash rsync still writes into the link's directory (checked below).
    let a = run(&w.root, &["rsync", "-a", "src/", "link"]);
    assert_target(&a, &real, Effect::Overwrite, true, true);
    assert!(
        w.run_tool("", &["rsync", "-a", "src/", "link"])
            .status
            .success()
    );
    assert!(w.path("real/a").is_file());
}

#[test]
fn rsync_skips_directories_without_recursion() {
    let w = World::new();
    w.file("src/a", "1");
    let a = run(&w.root, &["rsync", "src", "dst"]);
    assert!(a.targets.is_empty(), "{:#?}", a.targets);
    let a = run(&w.root, &["rsync", "-a", "--no-r", "src/", "dst"]);
    assert!(a.targets.is_empty(), "{:#?}", a.targets);
}

#[test]
fn rsync_unknown_destination_needs_confirmation() {
    let ctx = context(None);
    let argv = vec![
        Arg::exact("rsync"),
        Arg::exact("-a"),
        Arg::exact("src/"),
        Arg::inexact("$DEST"),
    ];
    let a = analyze_in(&ctx, Some(Path::new("/tmp")), &argv, Stdin::Terminal);
    check(
        &a,
        &["rsync", "-a", "src/", "$DEST"],
        &["unknown-target"],
        Verdict::Confirm,
    );
}

// ---------------------------------------------------------------- mv

#[test]
fn mv_to_a_new_name_is_routine() {
    let w = World::new();
    w.file("a", "1");
    let a = case(&w.root, &["mv", "a", "b"], &[], Verdict::Allow);
    assert_target(&a, &w.path("a"), Effect::Delete, false, true);
    no_target(&a, &w.path("b"));
    assert!(!a.snapshot);
}

#[test]
fn mv_onto_existing_file_overwrites_it() {
    let w = World::new();
    w.file("a", "1");
    w.file("b", "2");
    w.file("dir/a", "old");
    w.file("dir2/c", "old");
    for argv in [
        &["mv", "a", "b"][..],
        &["mv", "-f", "a", "b"],
        &["mv", "-nf", "a", "b"],
        &["mv", "-b", "a", "b"],
        &["mv", "--backup=numbered", "a", "b"],
        &["mv", "-T", "a", "b"],
        &["mv", "--update", "a", "b"],
        &["mv", "-u", "a", "b"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Allow);
        assert_target(&a, &w.path("b"), Effect::Overwrite, false, true);
        assert!(a.snapshot, "{argv:?}");
    }
    let a = case(&w.root, &["mv", "a", "dir"], &["overwrite"], Verdict::Allow);
    assert_target(&a, &w.path("dir/a"), Effect::Overwrite, false, true);
    let a = case(
        &w.root,
        &["mv", "-t", "dir", "a"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("dir/a"), Effect::Overwrite, false, true);
    let a = case(
        &w.root,
        &["mv", "--target-directory=dir", "a"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("dir/a"), Effect::Overwrite, false, true);
    let a = case(
        &w.root,
        &["mv", "a", "b", "dir"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("dir/a"), Effect::Overwrite, false, true);
    no_target(&a, &w.path("dir/b"));
    assert_target(&a, &w.path("b"), Effect::Delete, false, true);
}

#[test]
fn mv_no_clobber_keeps_the_destination() {
    let w = World::new();
    w.file("a", "1");
    w.file("b", "2");
    for argv in [
        &["mv", "-n", "a", "b"][..],
        &["mv", "-fn", "a", "b"],
        &["mv", "--no-clobber", "a", "b"],
        &["mv", "--no-cl", "a", "b"],
        &["mv", "--update=none", "a", "b"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        no_target(&a, &w.path("b"));
    }
}

#[test]
fn mv_of_a_system_directory_takes_it_away() {
    let a = case(
        Path::new("/tmp"),
        &["mv", "/usr", "/usr.old"],
        &[],
        Verdict::Allow,
    );
    assert_target(&a, Path::new("/usr"), Effect::Delete, true, true);
}

#[test]
fn mv_double_dash_makes_dash_names_operands() {
    let w = World::new();
    w.file("-f", "1");
    w.file("b", "2");
    let a = case(
        &w.root,
        &["mv", "--", "-f", "b"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("-f"), Effect::Delete, false, true);
    assert_target(&a, &w.path("b"), Effect::Overwrite, false, true);
}

#[test]
fn mv_into_directory_agrees_with_real_mv() {
    let w = World::new();
    w.file("a", "new");
    w.file("dir/a", "old");
    let real = w.dir("real");
    w.link("ldir", &real);
    w.file("real/a", "old");
    let a = run(&w.root, &["mv", "a", "ldir"]);
    assert_target(&a, &w.path("real/a"), Effect::Overwrite, false, true);
    assert!(w.run_tool("", &["mv", "a", "ldir"]).status.success());
    assert_eq!(std::fs::read_to_string(w.path("real/a")).unwrap(), "new");
    // 'mv link/ x' is refused by GNU mv ("Not a directory"): no target.
    let a = run(&w.root, &["mv", "ldir/", "elsewhere"]);
    assert!(a.targets.is_empty(), "{:#?}", a.targets);
    assert!(
        !w.run_tool("", &["mv", "ldir/", "elsewhere"])
            .status
            .success()
    );
}

// ---------------------------------------------------------------- cp

#[test]
fn cp_to_a_new_file_is_routine() {
    let w = World::new();
    w.file("a", "1");
    w.file("src/x", "1");
    for argv in [
        &["cp", "a", "b"][..],
        &["cp", "-r", "src", "newdir"],
        &["cp", "-a", "src/", "newdir2"],
        &["cp", "src", "a"], // directory without -r is omitted by cp
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}: {:#?}", a.targets);
        assert!(!a.snapshot);
    }
}

#[test]
fn cp_onto_existing_file_overwrites_it() {
    let w = World::new();
    w.file("a", "1");
    w.file("b", "2");
    w.file("dir/a", "old");
    for argv in [
        &["cp", "a", "b"][..],
        &["cp", "-f", "a", "b"],
        &["cp", "-ni", "a", "b"],
        &["cp", "--remove-destination", "a", "b"],
        &["cp", "--rem", "a", "b"],
        &["cp", "-u", "a", "b"],
        &["cp", "-sf", "a", "b"],
        &["cp", "--link", "--force", "a", "b"],
        &["cp", "-T", "a", "b"],
        &["cp", "--backup", "a", "b"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Allow);
        assert_target(&a, &w.path("b"), Effect::Overwrite, false, true);
        assert!(a.snapshot, "{argv:?}");
    }
    let a = case(&w.root, &["cp", "a", "dir"], &["overwrite"], Verdict::Allow);
    assert_target(&a, &w.path("dir/a"), Effect::Overwrite, false, true);
    let a = case(
        &w.root,
        &["cp", "-t", "dir", "a", "b"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("dir/a"), Effect::Overwrite, false, true);
}

#[test]
fn cp_no_clobber_and_plain_links_keep_the_destination() {
    let w = World::new();
    w.file("a", "1");
    w.file("b", "2");
    for argv in [
        &["cp", "-n", "a", "b"][..],
        &["cp", "-in", "a", "b"],
        &["cp", "--update=none", "a", "b"],
        &["cp", "-s", "a", "b"],
        &["cp", "-l", "a", "b"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}: {:#?}", a.targets);
    }
}

#[test]
fn cp_recursive_into_existing_directory_merges_and_agrees_with_real_cp() {
    let w = World::new();
    w.file("src/x", "new");
    w.file("dst/src/x", "old");
    w.file("dst/src/keep", "k");
    for argv in [
        &["cp", "-r", "src", "dst"][..],
        &["cp", "-R", "src/", "dst"],
        &["cp", "-a", "src", "dst/"],
        &["cp", "--rec", "src", "dst"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Allow);
        assert_target(&a, &w.path("dst/src"), Effect::Overwrite, true, true);
        assert!(a.snapshot);
    }
    // A trailing slash on the source does not change where cp puts it (unlike rsync).
    assert!(
        w.run_tool("", &["cp", "-R", "src/", "dst"])
            .status
            .success()
    );
    assert_eq!(std::fs::read_to_string(w.path("dst/src/x")).unwrap(), "new");
    assert!(!w.path("dst/x").exists());
}

#[test]
fn cp_through_a_destination_symlink_overwrites_the_file_it_points_to() {
    let w = World::new();
    w.file("a", "1");
    let real = w.file("real", "2");
    w.link("link", &real);
    let a = case(
        &w.root,
        &["cp", "a", "link"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &real, Effect::Overwrite, false, true);
    let a = run(&w.root, &["cp", "--remove-destination", "a", "link"]);
    assert_target(&a, &w.path("link"), Effect::Overwrite, false, true);
}

#[test]
fn cp_parents_recreates_the_source_path() {
    let w = World::new();
    w.file("a/b/c", "new");
    w.file("dst/a/b/c", "old");
    let a = case(
        &w.root,
        &["cp", "--parents", "a/b/c", "dst"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("dst/a/b/c"), Effect::Overwrite, false, true);
}

// ---------------------------------------------------------------- ln

#[test]
fn ln_without_force_never_replaces() {
    let w = World::new();
    w.file("a", "1");
    w.file("b", "2");
    for argv in [
        &["ln", "-s", "a", "b"][..],
        &["ln", "a", "b"],
        &["ln", "-sn", "a", "b"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
}

#[test]
fn ln_force_onto_existing_path_overwrites_it() {
    let w = World::new();
    w.file("a", "1");
    w.file("b", "2");
    for argv in [
        &["ln", "-sf", "a", "b"][..],
        &["ln", "-fs", "a", "b"],
        &["ln", "--force", "--sym", "a", "b"],
        &["ln", "-s", "--backup", "a", "b"],
        &["ln", "-f", "a", "b"],
        &["ln", "-sfT", "a", "b"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Allow);
        assert_target(&a, &w.path("b"), Effect::Overwrite, false, true);
        assert!(a.snapshot);
    }
    // One operand: the link is made in the working directory under the same name.
    let other = World::new();
    other.file("a", "mine");
    let a = case(
        &other.root,
        &["ln", "-sf", &w.path("a").display().to_string()],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &other.path("a"), Effect::Overwrite, false, true);
}

#[test]
fn ln_no_dereference_replaces_a_link_to_a_directory() {
    let w = World::new();
    let v1 = w.dir("v1");
    w.dir("v2");
    w.link("current", &v1);
    // Without -n the new link goes inside v1 (nothing there to replace).
    let a = case(
        &w.root,
        &["ln", "-sf", "v2", "current"],
        &[],
        Verdict::Allow,
    );
    assert!(a.targets.is_empty(), "{:#?}", a.targets);
    let a = case(
        &w.root,
        &["ln", "-sfn", "v2", "current"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &w.path("current"), Effect::Overwrite, false, true);
    assert!(
        w.run_tool("", &["ln", "-sfn", "v2", "current"])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read_link(w.path("current")).unwrap(),
        Path::new("v2")
    );
}

// ---------------------------------------------------------------- chmod, chown, chgrp

#[test]
fn chmod_recursive_in_project_directory_is_allowed() {
    let w = World::new();
    let proj = w.dir("proj");
    w.file("proj/dist/app.js", "");
    for argv in [
        &["chmod", "-R", "755", "./dist"][..],
        &["chmod", "--rec", "755", "dist"],
        &["chmod", "-Rv", "u+w,go-w", "dist/"],
        &["chgrp", "-R", "staff", "dist"],
        &["chown", "-R", "alice:alice", "dist"],
        &["chmod", "-R", "-w", "dist"],
    ] {
        let a = case(&proj, argv, &[], Verdict::Allow);
        assert_target(&a, &w.path("proj/dist"), Effect::Modify, true, true);
    }
}

#[test]
fn chmod_recursive_outside_the_project_needs_confirmation() {
    let w = World::new();
    let proj = w.dir("proj");
    w.dir("www");
    let www = w.path("www").display().to_string();
    for argv in [
        &["chmod", "-R", "777", &www][..],
        &["chown", "-R", "www-data:", &www],
        &["chgrp", "--recursive", "www-data", &www],
        &["chmod", "-R", "755", "../www"],
        &["chmod", "-R", "755", "."],
    ] {
        let a = case(&proj, argv, &["recursive-permissions"], Verdict::Confirm);
        assert!(a.targets[0].recursive);
    }
    let a = case(
        Path::new("/tmp"),
        &["chmod", "-R", "777", "/var/www"],
        &["recursive-permissions"],
        Verdict::Confirm,
    );
    assert_target(
        &a,
        Path::new("/var/www"),
        Effect::Modify,
        true,
        Path::new("/var/www").exists(),
    );
    // From '/', or inside a system tree, a relative path is no project either.
    case(
        root(),
        &["chmod", "-R", "755", "usr"],
        &["recursive-permissions"],
        Verdict::Confirm,
    );
    case(
        Path::new("/usr/local"),
        &["chmod", "-R", "755", "lib"],
        &["recursive-permissions"],
        Verdict::Confirm,
    );
}

#[test]
fn chmod_recursive_on_home_needs_confirmation() {
    let w = World::new();
    let home = w.dir("home/alice");
    let ctx = context(Some(&home));
    let argv = args(&["chmod", "-R", "u+w", &home.display().to_string()]);
    let a = analyze_in(&ctx, Some(&home), &argv, Stdin::Terminal);
    check(
        &a,
        &["chmod", "-R", "u+w", "~"],
        &["recursive-permissions"],
        Verdict::Confirm,
    );
    assert_target(&a, &home, Effect::Modify, true, true);
}

#[test]
fn chmod_recursive_through_symlink_slash_is_flagged() {
    let w = World::new();
    let proj = w.dir("proj");
    let other = w.dir("other");
    w.link("proj/link", &other);
    let a = case(
        &proj,
        &["chmod", "-R", "777", "link/"],
        &["symlink-trailing-slash", "recursive-permissions"],
        Verdict::Block,
    );
    assert_target(&a, &other, Effect::Modify, true, true);
}

#[test]
fn chmod_follows_a_symlink_operand_like_gnu_chmod_but_chown_r_does_not() {
    let w = World::new();
    let proj = w.dir("proj");
    let other = w.dir("other");
    w.file("other/f", "");
    w.link("proj/link", &other);
    let a = run(&proj, &["chmod", "-R", "700", "link"]);
    assert_target(&a, &other, Effect::Modify, true, true);
    let a = run(&proj, &["chown", "-R", "nobody", "link"]);
    assert_target(&a, &w.path("proj/link"), Effect::Modify, false, true);
    let a = run(&proj, &["chown", "-RH", "nobody", "link"]);
    assert_target(&a, &other, Effect::Modify, true, true);
    let a = run(&proj, &["chown", "nobody", "link"]);
    assert_target(&a, &other, Effect::Modify, false, true);
    let a = run(&proj, &["chown", "-h", "nobody", "link"]);
    assert_target(&a, &w.path("proj/link"), Effect::Modify, false, true);
    // The real tools agree.
    assert!(
        w.run_tool("proj", &["chmod", "-R", "700", "link"])
            .status
            .success()
    );
    assert!(
        w.run_tool("proj", &["chown", "-R", "nobody", "link"])
            .status
            .success()
    );
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    assert_eq!(
        std::fs::metadata(w.path("other/f"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    assert_eq!(
        std::fs::metadata(&other).unwrap().uid(),
        0,
        "chown -R on the link left the directory"
    );
}

#[test]
fn chmod_plain_changes_are_targets_only() {
    let w = World::new();
    w.file("f", "");
    w.file("ref", "");
    for argv in [
        &["chmod", "644", "f"][..],
        &["chmod", "-w", "f"],
        &["chmod", "-rwx", "f"],
        &["chmod", "--reference=ref", "f"],
        &["chmod", "--reference", "ref", "f"],
        &["chown", "--from=root", "alice", "f"],
        &["chown", "-c", "alice", "--", "f"],
        &["chmod", "-v", "u=rw", "f"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert_eq!(a.targets.len(), 1, "{argv:?}: {:#?}", a.targets);
        assert_target(&a, &w.path("f"), Effect::Modify, false, true);
    }
    let a = case(
        Path::new("/"),
        &["chmod", "755", "/etc"],
        &[],
        Verdict::Allow,
    );
    assert_target(&a, Path::new("/etc"), Effect::Modify, false, true);
}

#[test]
fn chmod_preserve_root_refuses_slash() {
    let a = case(
        root(),
        &["chmod", "-R", "--preserve-root", "777", "/"],
        &[],
        Verdict::Allow,
    );
    assert!(a.targets.is_empty());
    let a = case(
        root(),
        &["chmod", "-R", "777", "/"],
        &["recursive-permissions"],
        Verdict::Confirm,
    );
    assert_target(&a, root(), Effect::Modify, true, true);
}

// ---------------------------------------------------------------- find

#[test]
fn find_delete_in_project_lists_targets_without_confirmation() {
    let w = World::new();
    let proj = w.dir("proj");
    w.file("proj/a.o", "");
    for argv in [
        &["find", ".", "-name", "*.o", "-delete"][..],
        &["find", "-name", "*.o", "-delete"],
        &[
            "find", "-H", "-D", "tree", "-O3", ".", "-type", "f", "-delete",
        ],
        &[
            "find", ".", "(", "-name", "*.o", "-o", "-name", "*.a", ")", "-delete",
        ],
        &["find", ".", "-newermt", "2020-01-01", "-delete"],
    ] {
        let a = case(&proj, argv, &["find-delete"], Verdict::Allow);
        assert_target(&a, &proj, Effect::Delete, true, true);
        assert!(a.reasons[0].message.contains("tests decide"));
        assert!(a.snapshot);
    }
}

#[test]
fn find_delete_from_root_targets_root() {
    let a = case(
        Path::new("/tmp"),
        &["find", "/", "-name", "core", "-delete"],
        &["find-delete"],
        Verdict::Allow,
    );
    assert_target(&a, root(), Effect::Delete, true, true);
}

#[test]
fn find_option_arguments_are_not_actions() {
    let w = World::new();
    for argv in [
        &["find", ".", "-name", "-delete"][..],
        &["find", ".", "-path", "-exec", "-print"],
        &["find", ".", "-printf", "-delete %p\\n"],
        &["find", ".", "-exec", "rm", "{}"], // no ';': find refuses to run at all
        &["find", ".", "-ok", "rm", "{}", "+"], // -ok takes no '+'
        &["find", "--help"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}: {:#?}", a.targets);
    }
}

#[test]
fn find_exec_rm_deletes_below_the_start_paths() {
    let w = World::new();
    let proj = w.dir("proj");
    let other = w.dir("other");
    let o = other.display().to_string();
    for argv in [
        &[
            "find", ".", "-name", "*.tmp", "-exec", "rm", "-rf", "{}", "+",
        ][..],
        &["find", ".", "-exec", "rm", "{}", ";"],
        &["find", ".", "-execdir", "/bin/rm", "-f", "{}", "+"],
        &["find", ".", "-ok", "rm", "{}", ";"],
    ] {
        let a = case(&proj, argv, &["find-delete"], Verdict::Allow);
        assert_target(&a, &proj, Effect::Delete, true, true);
    }
    let a = case(
        &proj,
        &["find", ".", &o, "-exec", "rm", "-r", "{}", "+"],
        &["find-delete"],
        Verdict::Allow,
    );
    assert_target(&a, &proj, Effect::Delete, true, true);
    assert_target(&a, &other, Effect::Delete, true, true);
}

#[test]
fn find_exec_chmod_carries_the_embedded_reasons() {
    let w = World::new();
    let proj = w.dir("proj");
    let www = w.dir("www").display().to_string();
    let a = case(
        &proj,
        &[
            "find", &www, "-type", "d", "-exec", "chmod", "-R", "777", "{}", ";",
        ],
        &["recursive-permissions"],
        Verdict::Confirm,
    );
    assert_target(&a, &w.path("www"), Effect::Modify, true, true);
    assert!(
        !a.reasons[0].message.contains("{}"),
        "{}",
        a.reasons[0].message
    );
    let instead = a.reasons[0].instead.as_deref().unwrap_or_default();
    assert!(!instead.contains("/{}"), "{instead}");
    let a = case(
        &proj,
        &[
            "find", ".", "-type", "f", "-exec", "chmod", "644", "{}", "+",
        ],
        &[],
        Verdict::Allow,
    );
    assert_target(&a, &proj, Effect::Modify, true, true);
}

#[test]
fn find_exec_of_unguarded_programs_is_nothing() {
    let w = World::new();
    let a = case(
        &w.root,
        &["find", ".", "-exec", "grep", "-l", "rm -rf", "{}", "+"],
        &[],
        Verdict::Allow,
    );
    assert!(a.targets.is_empty());
}

#[test]
fn find_exec_fixed_operands_are_ordinary_targets() {
    let w = World::new();
    let f = w.file("stamp", "");
    let a = run(
        &w.root,
        &[
            "find",
            ".",
            "-newer",
            "x",
            "-exec",
            "rm",
            &f.display().to_string(),
            ";",
        ],
    );
    assert_target(&a, &f, Effect::Delete, false, true);
}

#[test]
fn find_exec_commands_are_exposed_for_review() {
    let argv = args(&[
        "/", "-name", "x", "-exec", "rm", "-f", "{}", ";", "-execdir", "sh", "-c", "echo {}", "+",
        "-okdir", "mv", "{}", "/tmp", ";",
    ]);
    let cmds = shellguard::analyze::find::exec_commands(&argv);
    let texts: Vec<Vec<String>> = cmds
        .iter()
        .map(|c| c.iter().map(|a| a.text().into_owned()).collect())
        .collect();
    // '+' ends -execdir only after '{}': here it does not, so -execdir runs to the next ';'.
    assert_eq!(
        texts,
        vec![
            vec!["rm", "-f", "{}"],
            vec!["sh", "-c", "echo {}", "+", "-okdir", "mv", "{}", "/tmp"]
        ]
    );
    let argv = args(&[".", "-exec", "rm", "{}", "+", "-exec", "touch", "{}", ";"]);
    assert_eq!(shellguard::analyze::find::exec_commands(&argv).len(), 2);
    assert!(
        shellguard::analyze::find::exec_commands(&args(&[".", "-exec", "rm", "{}"])).is_empty()
    );
}

#[test]
fn find_delete_through_symlink_slash_is_flagged() {
    let w = World::new();
    let real = w.dir("real");
    w.link("link", &real);
    let a = case(
        &w.root,
        &["find", "link/", "-delete"],
        &["find-delete", "symlink-trailing-slash"],
        Verdict::Block,
    );
    assert_target(&a, &real, Effect::Delete, true, true);
    let a = case(
        &w.root,
        &["find", "-L", "link", "-delete"],
        &["find-delete"],
        Verdict::Allow,
    );
    assert_target(&a, &real, Effect::Delete, true, true);
    let a = run(&w.root, &["find", "link", "-delete"]);
    assert_target(&a, &w.path("link"), Effect::Delete, false, true);
}

#[test]
fn find_fprint_truncates_its_file() {
    let w = World::new();
    let out = w.file("list.txt", "old");
    let a = case(
        &w.root,
        &["find", ".", "-fprint", "list.txt"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &out, Effect::Overwrite, false, true);
}

// ---------------------------------------------------------------- dd

#[test]
fn dd_onto_block_device_is_device_write() {
    let w = World::new();
    let dev = w.block_device("sdz", 7, 200);
    let of = format!("of={}", dev.display());
    for argv in [
        &["dd", "if=/dev/zero", &of, "bs=1M", "count=10"][..],
        &["dd", &of, "if=image.iso", "status=progress", "conv=fsync"],
        &["dd", "of=/nonexistent", &of],
    ] {
        let a = case(&w.root, argv, &["device-write"], Verdict::Block);
        assert_target(&a, &dev, Effect::Overwrite, false, true);
    }
    // Through a by-id style symlink, the target is the device node.
    w.dir("by-id");
    w.link("by-id/usb-Disk", &dev);
    let a = case(
        &w.root,
        &["dd", "if=x.img", "of=by-id/usb-Disk"],
        &["device-write"],
        Verdict::Block,
    );
    assert_target(&a, &dev, Effect::Overwrite, false, true);
    assert!(a.reasons[0].message.contains("by-id/usb-Disk"));
}

#[test]
fn dd_onto_missing_dev_path_is_still_a_device() {
    let a = case(
        Path::new("/tmp"),
        &["dd", "if=x.img", "of=/dev/sdzz-not-there"],
        &["device-write"],
        Verdict::Block,
    );
    assert!(a.reasons[0].message.contains("not present"));
}

#[test]
fn dd_onto_the_device_holding_root_says_so() {
    // A node with the same numbers as the root filesystem's device: stat only, no write.
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let Some(root_dev) = info.lines().find_map(|l| {
        let f: Vec<&str> = l.split(' ').collect();
        (f.get(4) == Some(&"/")).then(|| f[2].to_string())
    }) else {
        return;
    };
    let (major, minor) = root_dev.split_once(':').unwrap();
    let (major, minor): (u64, u64) = (major.parse().unwrap(), minor.parse().unwrap());
    if major == 0 {
        return; // root on an overlay or tmpfs: no block device to imitate
    }
    let w = World::new();
    let dev = w.block_device("rootdisk", major, minor);
    let a = case(
        &w.root,
        &["dd", "if=/dev/zero", &format!("of={}", dev.display())],
        &["device-write"],
        Verdict::Block,
    );
    assert!(
        a.reasons[0].message.contains("holds /"),
        "{}",
        a.reasons[0].message
    );
}

#[test]
fn dd_to_files_and_streams() {
    let w = World::new();
    let img = w.file("disk.img", "old");
    let a = case(
        &w.root,
        &["dd", "if=/dev/zero", "of=disk.img", "bs=1k", "count=1"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &img, Effect::Overwrite, false, true);
    assert!(a.snapshot);
    let a = case(
        &w.root,
        &[
            "dd",
            "if=/dev/zero",
            "of=disk.img",
            "conv=notrunc",
            "seek=4",
        ],
        &["overwrite"],
        Verdict::Allow,
    );
    assert!(a.reasons[0].message.contains("in place"));
    let a = case(
        &w.root,
        &[
            "dd",
            "if=log",
            "of=disk.img",
            "oflag=append",
            "conv=notrunc",
        ],
        &[],
        Verdict::Allow,
    );
    assert_target(&a, &img, Effect::Modify, false, true);
    for argv in [
        &["dd", "if=/dev/sda", "of=/dev/null", "bs=1M"][..],
        &["dd", "if=/dev/sda", "of=new.img"],
        &["dd", "if=/dev/sda"],
        &["dd", "if=/dev/urandom", "of=/dev/stdout", "count=1"],
        &["dd", "--help"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
}

#[test]
fn dd_of_unknown_needs_confirmation() {
    let argv = vec![
        Arg::exact("dd"),
        Arg::exact("if=x"),
        Arg::inexact("of=$DISK"),
    ];
    let a = run_args(&argv);
    check(
        &a,
        &["dd", "if=x", "of=$DISK"],
        &["unknown-target"],
        Verdict::Confirm,
    );
}

// ---------------------------------------------------------------- mkfs, wipefs, shred, partitioners

#[test]
fn mkfs_on_block_device_is_device_write() {
    let w = World::new();
    let dev = w.block_device("sdz1", 7, 201);
    let d = dev.display().to_string();
    for argv in [
        &["mkfs.ext4", &d][..],
        &["mkfs.ext4", "-L", "data", "-m", "0", &d],
        &["mkfs.ext4", "-Ldata", "-F", &d, "1000"],
        &["mke2fs", "-t", "ext4", &d],
        &["mkfs", "-t", "ext4", &d],
        &["mkfs", "-V", "-t", "xfs", "-f", &d],
        &["mkfs.xfs", "-f", "-L", "x", &d],
        &["mkfs.btrfs", "-f", "--label", "x", &d],
        &["mkfs.vfat", "-F", "32", "-n", "BOOT", &d],
        &["mkfs.fat", "-S", "512", "-s", "4", &d], // unknown value options: found by shape
        &["mkswap", "-L", "swap", &d],
    ] {
        let a = case(&w.root, argv, &["device-write"], Verdict::Block);
        assert_target(&a, &dev, Effect::Overwrite, false, true);
    }
    case(
        root(),
        &["mkfs.ext4", "/dev/sdzz9-missing"],
        &["device-write"],
        Verdict::Block,
    );
}

#[test]
fn mkfs_dry_runs_touch_nothing() {
    let w = World::new();
    let dev = w.block_device("sdz1", 7, 201);
    let d = dev.display().to_string();
    for argv in [
        &["mke2fs", "-n", &d][..],
        &["mkfs.ext4", "-n", "-L", "x", &d],
        &["mkfs.xfs", "-N", &d],
        &["mkfs.ext4", "-V"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
}

#[test]
fn mkfs_on_an_image_file_is_an_overwrite_with_snapshot() {
    let w = World::new();
    let img = w.file("disk.img", "old");
    let a = case(
        &w.root,
        &["mkfs.ext4", "-F", "disk.img"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &img, Effect::Overwrite, false, true);
    assert!(a.snapshot);
}

#[test]
fn wipefs_lists_unless_told_to_erase() {
    let w = World::new();
    let dev = w.block_device("sdz", 7, 200);
    let d = dev.display().to_string();
    for argv in [
        &["wipefs", &d][..],
        &["wipefs", "-n", "-a", &d],
        &["wipefs", "--no-act", "--all", &d],
        &["wipefs", "-J", "-O", "DEVICE,TYPE", &d],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
    for argv in [
        &["wipefs", "-a", &d][..],
        &["wipefs", "--all", "-f", &d],
        &["wipefs", "-af", &d],
        &["wipefs", "-o", "0x438", &d],
        &["wipefs", "--off=0x438", &d],
        &["wipefs", "-a", "-t", "ext4", &d],
    ] {
        let a = case(&w.root, argv, &["device-write"], Verdict::Block);
        assert_target(&a, &dev, Effect::Overwrite, false, true);
    }
}

#[test]
fn shred_destroys_files_and_devices() {
    let w = World::new();
    let f = w.file("secret", "x");
    let dev = w.block_device("sdz", 7, 200);
    let a = case(
        &w.root,
        &["shred", "secret"],
        &["overwrite"],
        Verdict::Confirm,
    );
    assert_target(&a, &f, Effect::Overwrite, false, true);
    assert!(a.snapshot);
    for argv in [
        &["shred", "-u", "secret"][..],
        &["shred", "-n", "3", "-zu", "secret"],
        &["shred", "--remove=wipesync", "secret"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Confirm);
        assert_target(&a, &f, Effect::Delete, false, true);
    }
    let a = case(
        &w.root,
        &["shred", "-n", "1", "-v", &dev.display().to_string()],
        &["device-write"],
        Verdict::Block,
    );
    assert_target(&a, &dev, Effect::Overwrite, false, true);
    let a = case(&w.root, &["shred", "missing", "-"], &[], Verdict::Allow);
    assert!(a.targets.is_empty());
}

#[test]
fn partition_editors_list_or_write() {
    let w = World::new();
    let dev = w.block_device("sdz", 7, 200);
    let d = dev.display().to_string();
    for argv in [
        &["fdisk", "-l", &d][..],
        &["fdisk", "-l"],
        &["fdisk", "--list", &d],
        &["sfdisk", "-l", &d],
        &["sfdisk", "--dump", &d],
        &["sfdisk", "-d", &d],
        &["sfdisk", "-J", &d],
        &["sfdisk", "--no-act", &d],
        &["sfdisk", "--part-type", &d, "1"],
        &["gdisk", "-l", &d],
        &["sgdisk", "-p", &d],
        &["sgdisk", "--print", &d],
        &["sgdisk", "-i", "1", &d],
        &["sgdisk", "--pretend", "-Z", &d],
        &["parted", &d, "print"],
        &["parted", "-s", &d, "unit", "s", "print"],
        &["parted", "-l"],
        &["cfdisk", "-r", &d],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
    for argv in [
        &["sfdisk", &d][..],
        &["sfdisk", "--delete", &d, "2"],
        &["sfdisk", "--part-type", &d, "1", "83"],
        &["sgdisk", "-Z", &d],
        &["sgdisk", "--zap-all", &d],
        &["sgdisk", "-n", "1:0:0", "-t", "1:8300", &d],
        &["sgdisk", "--new=1:0:0", &d],
        &["parted", "-s", &d, "mklabel", "gpt"],
        &[
            "parted", "--script", &d, "mkpart", "primary", "ext4", "0%", "100%",
        ],
        &["blkdiscard", &d],
        &["blkdiscard", "-f", "-o", "0", "-l", "1M", &d],
    ] {
        let a = case(&w.root, argv, &["device-write"], Verdict::Block);
        assert_target(&a, &dev, Effect::Overwrite, false, true);
    }
    // Interactive editors write only when told to: confirm, not block.
    for argv in [
        &["fdisk", &d][..],
        &["gdisk", &d],
        &["parted", &d],
        &["cfdisk", &d],
    ] {
        let a = case(&w.root, argv, &["device-write"], Verdict::Confirm);
        assert_target(&a, &dev, Effect::Overwrite, false, true);
    }
}

// ---------------------------------------------------------------- truncate

#[test]
fn truncate_that_may_shrink_is_an_overwrite() {
    let w = World::new();
    let f = w.file("log", "data");
    w.file("ref", "");
    for argv in [
        &["truncate", "-s", "0", "log"][..],
        &["truncate", "-s0", "log"],
        &["truncate", "--size=0", "log"],
        &["truncate", "--si", "0", "log"],
        &["truncate", "-s", "-5", "log"],
        &["truncate", "-s", "<1K", "log"],
        &["truncate", "-s", "/4K", "log"],
        &["truncate", "-r", "ref", "log"],
        &["truncate", "-c", "-s", "10", "log"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Allow);
        assert_target(&a, &f, Effect::Overwrite, false, true);
        assert!(a.snapshot, "{argv:?}");
    }
}

#[test]
fn truncate_that_only_grows_or_creates_loses_nothing() {
    let w = World::new();
    let f = w.file("log", "data");
    for argv in [
        &["truncate", "-s", "+1M", "log"][..],
        &["truncate", "-s", ">1M", "log"],
        &["truncate", "-s", "%4K", "log"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert_target(&a, &f, Effect::Modify, false, true);
        assert!(!a.snapshot);
    }
    for argv in [
        &["truncate", "-s", "0", "new"][..],
        &["truncate", "-c", "-s", "0", "new"],
        &["truncate", "log"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
}

// ---------------------------------------------------------------- crontab

fn crontab(argv: &[&str], stdin: Stdin) -> Analysis {
    run_with_stdin(Path::new("/tmp"), argv, stdin)
}

fn crontab_path(a: &Analysis) -> &Path {
    let p = a.targets[0].path.as_path();
    assert!(p.starts_with("/var/spool/cron"), "{}", p.display());
    p
}

#[test]
fn crontab_r_removes_the_whole_table() {
    for argv in [
        &["crontab", "-r"][..],
        &["crontab", "-ir"],
        &["crontab", "-i", "-r"],
        &["crontab", "-r", "-u", "alice"],
    ] {
        let a = crontab(argv, Stdin::Terminal);
        check(&a, argv, &["crontab-remove"], Verdict::Confirm);
        assert_eq!(a.targets[0].effect, Effect::Delete);
        assert!(crontab_path(&a).ends_with("alice"));
        assert!(a.snapshot);
    }
    for argv in [
        &["crontab", "-u", "root", "-r"][..],
        &["crontab", "-uroot", "-r"],
        &["crontab", "-ruroot"],
    ] {
        let a = crontab(argv, Stdin::Terminal);
        check(&a, argv, &["crontab-remove"], Verdict::Confirm);
        assert!(crontab_path(&a).ends_with("root"), "{argv:?}");
        assert!(a.reasons[0].instead.as_deref().unwrap().contains("-u root"));
    }
}

#[test]
fn crontab_from_file_or_stdin_replaces_the_table() {
    let a = crontab(&["crontab", "jobs.txt"], Stdin::Terminal);
    check(
        &a,
        &["crontab", "jobs.txt"],
        &["crontab-replace"],
        Verdict::Confirm,
    );
    assert_eq!(a.targets[0].effect, Effect::Overwrite);
    assert!(a.snapshot);
    let a = crontab(
        &["crontab", "-u", "bob", "-"],
        Stdin::Data(Some("* * * * * true\n".into())),
    );
    check(
        &a,
        &["crontab", "-u", "bob", "-"],
        &["crontab-replace"],
        Verdict::Confirm,
    );
    assert!(crontab_path(&a).ends_with("bob"));
    assert!(a.reasons[0].message.contains("1 line"));
    let a = crontab(&["crontab"], Stdin::Data(Some(String::new())));
    assert!(a.reasons[0].message.contains("empty table"));
    let a = crontab(&["crontab"], Stdin::Terminal);
    check(&a, &["crontab"], &["crontab-replace"], Verdict::Confirm);
    assert!(a.reasons[0].message.contains("terminal"));
    let a = crontab(&["crontab", "/dev/null"], Stdin::Terminal);
    assert!(a.reasons[0].message.contains("empty table"));
}

#[test]
fn crontab_edit_is_allowed_with_a_snapshot_and_list_is_nothing() {
    let a = crontab(&["crontab", "-e"], Stdin::Terminal);
    check(&a, &["crontab", "-e"], &["crontab-replace"], Verdict::Allow);
    assert_eq!(a.targets[0].effect, Effect::Modify);
    assert!(a.snapshot);
    for argv in [
        &["crontab", "-l"][..],
        &["crontab", "-u", "bob", "-l"],
        &["crontab", "-lu", "bob"],
    ] {
        let a = crontab(argv, Stdin::Terminal);
        check(&a, argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty());
    }
}

// ---------------------------------------------------------------- reboot family

fn reboots(argv: &[&str]) -> Analysis {
    let a = case(Path::new("/tmp"), argv, &["reboot"], Verdict::Confirm);
    let t = &a.targets[0];
    assert_eq!(t.effect, Effect::Reboot, "{argv:?}");
    assert_ne!(t.path, root(), "a reboot must never look like a target '/'");
    a
}

#[test]
fn reboot_family_reboots_the_host() {
    for argv in [
        &["reboot"][..],
        &["reboot", "-f"],
        &["poweroff"],
        &["halt"],
        &["halt", "-p"],
        &["shutdown", "-r", "now"],
        &["shutdown", "-h", "+5"],
        &["shutdown", "now"],
        &["shutdown"],
        &["shutdown", "-r", "23:00", "maintenance"],
        &["init", "0"],
        &["init", "6"],
        &["telinit", "6"],
        &["init", "1"],
        &["telinit", "S"],
        &["systemctl", "reboot"],
        &["systemctl", "--no-block", "reboot"],
        &["systemctl", "-i", "reboot"],
        &["systemctl", "reboot", "--force"],
        &["systemctl", "--force", "--force", "poweroff"],
        &["systemctl", "halt"],
        &["systemctl", "kexec"],
        &["systemctl", "soft-reboot"],
        &["systemctl", "rescue"],
        &["systemctl", "emergency"],
        &["systemctl", "isolate", "reboot.target"],
        &["systemctl", "isolate", "rescue"],
        &["systemctl", "start", "reboot.target"],
        &["systemctl", "start", "systemd-reboot.service"],
        &[
            "systemctl",
            "--job-mode",
            "replace-irreversibly",
            "start",
            "poweroff.target",
        ],
        &["systemctl", "--when=+10min", "reboot"],
    ] {
        let a = reboots(argv);
        assert_eq!(a.targets[0].path, Path::new("host:testhost"), "{argv:?}");
    }
    let a = reboots(&["shutdown", "-r", "+5"]);
    assert!(a.reasons[0].message.contains("in 5 minute"));
}

#[test]
fn reboot_family_harmless_forms_touch_nothing() {
    for argv in [
        &["reboot", "--help"][..],
        &["reboot", "-w"],
        &["halt", "--wtmp-only"],
        &["shutdown", "-c"],
        &["shutdown", "-k", "now"],
        &["shutdown", "--help"],
        &["init", "3"],
        &["init", "q"],
        &["telinit", "u"],
        &["systemctl", "status"],
        &["systemctl", "restart", "nginx"],
        &["systemctl", "start", "reboot-notify.service"],
        &["systemctl", "--dry-run", "reboot"],
        &["systemctl", "--user", "start", "reboot.target"],
        &["systemctl", "--when=cancel", "reboot"],
        &["systemctl", "list-timers"],
        &["systemctl", "--help"],
        &["systemctl"],
    ] {
        let a = case(Path::new("/tmp"), argv, &[], Verdict::Allow);
        assert!(a.targets.is_empty(), "{argv:?}");
    }
}

#[test]
fn systemctl_reboot_of_another_host_names_it() {
    let a = reboots(&["systemctl", "-H", "admin@db1.example.com", "reboot"]);
    assert_eq!(a.targets[0].path, Path::new("host:db1.example.com"));
    let a = reboots(&["systemctl", "--host=db2", "reboot"]);
    assert_eq!(a.targets[0].path, Path::new("host:db2"));
}

#[test]
fn reboot_over_ssh_says_the_session_goes_too() {
    let mut ctx = context(None);
    ctx.ssh = true;
    let a = analyze_in(
        &ctx,
        Some(Path::new("/")),
        &args(&["reboot"]),
        Stdin::Terminal,
    );
    assert!(
        a.reasons[0].message.contains("SSH"),
        "{}",
        a.reasons[0].message
    );
}

#[test]
fn rsync_of_a_missing_file_onto_an_existing_file_overwrites_it() {
    // In a script the source may be built by an earlier line.
    let w = World::new();
    let dest = w.file("releases/app.tar.gz", "old");
    let a = case(
        &w.root,
        &["rsync", "-a", "build/app.tar.gz", "releases/app.tar.gz"],
        &["overwrite"],
        Verdict::Allow,
    );
    assert_target(&a, &dest, Effect::Overwrite, false, true);
    let a = run(&w.root, &["rsync", "-a", "build/app.tar.gz", "releases"]);
    assert_target(&a, &dest, Effect::Overwrite, true, true);
}

#[test]
fn chmod_recursive_on_a_single_file_is_no_tree() {
    let w = World::new();
    let proj = w.dir("proj");
    let f = w.file("notes.txt", "");
    let a = case(
        &proj,
        &["chmod", "-R", "600", &f.display().to_string()],
        &[],
        Verdict::Allow,
    );
    assert_target(&a, &f, Effect::Modify, false, true);
}

// ---------------------------------------------------------------- rm (the example analyzer), GNU corner cases

#[test]
fn rm_double_dash_makes_dash_rf_a_file_name() {
    let w = World::new();
    let f = w.file("-rf", "");
    w.dir("dir");
    let a = case(&w.root, &["rm", "--", "-rf", "dir"], &[], Verdict::Allow);
    assert_target(&a, &f, Effect::Delete, false, true);
    no_target(&a, &w.path("dir")); // no -r: rm refuses the directory
    let a = case(&w.root, &["rm", "--rec", "-f", "dir"], &[], Verdict::Allow);
    assert_target(&a, &w.path("dir"), Effect::Delete, true, true);
}

#[test]
fn rm_rf_link_slash_empties_the_target_like_real_rm() {
    let w = World::new();
    let real = w.dir("real");
    w.file("real/f", "");
    w.link("link", &real);
    let a = case(
        &w.root,
        &["rm", "-rf", "link/"],
        &["symlink-trailing-slash"],
        Verdict::Block,
    );
    assert_target(&a, &real, Effect::Delete, true, true);
    let out = w.run_tool("", &["rm", "-rf", "link/"]);
    assert!(out.status.success());
    assert!(w.path("link").symlink_metadata().is_ok(), "the link stays");
    assert!(!w.path("real/f").exists(), "the target is emptied");
}

// ---------------------------------------------------------------- tee

#[test]
fn tee_writes_its_files_like_a_redirection() {
    let w = World::new();
    let log = w.file("log", "old");
    for argv in [
        &["tee", "log"][..],
        &["tee", "-i", "--", "log"],
        &["tee", "-p", "log", "/dev/null"],
    ] {
        let a = case(&w.root, argv, &["overwrite"], Verdict::Allow);
        assert_target(&a, &log, Effect::Overwrite, false, true);
        assert!(a.snapshot, "{argv:?}");
    }
    for argv in [
        &["tee", "-a", "log"][..],
        &["tee", "--append", "log"],
        &["tee", "new.log"],
    ] {
        let a = case(&w.root, argv, &[], Verdict::Allow);
        assert!(!a.snapshot, "{argv:?}");
    }
    let a = case(&w.root, &["tee"], &[], Verdict::Allow);
    assert!(a.targets.is_empty());
    let disk = w.block_device("disk", 7, 250);
    case(
        &w.root,
        &["tee", disk.to_str().unwrap()],
        &["device-write"],
        Verdict::Block,
    );
}
