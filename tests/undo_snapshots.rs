//! `shellguard undo` and `shellguard snapshots` on the real binary. Transactions are made
//! through the library on fixture trees in the test world, exactly as `run` would make them.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use common::TestEnv;
use serde_json::Value;
use shellguard::snapshot::{RestoreAction, SnapshotId, Store, TransactionMeta};

fn state(env: &TestEnv) -> PathBuf {
    env.root().join("state")
}

fn store(env: &TestEnv) -> Store {
    Store::open(&state(env)).unwrap()
}

/// What `shellguard run -- <argv>` would record, run in the test's work directory.
fn meta(env: &TestEnv, argv: &[&str]) -> TransactionMeta {
    TransactionMeta {
        host: env.host.clone(),
        user: "tester".into(),
        sudo_user: None,
        cwd: env.work(),
        argv: argv.iter().map(OsString::from).collect(),
    }
}

/// Puts `paths` aside in one committed transaction, as `rm -rf` under shellguard would.
fn rm_rf(env: &TestEnv, paths: &[&str]) -> SnapshotId {
    let mut argv = vec!["rm", "-rf"];
    argv.extend(paths);
    let mut tx = store(env).begin(meta(env, &argv), u64::MAX).unwrap();
    for path in paths {
        tx.put_aside(&env.path(path)).unwrap();
        assert!(
            fs::symlink_metadata(env.path(path)).is_err(),
            "{path} moved"
        );
    }
    tx.commit().unwrap()
}

/// Makes a transaction look `secs` older than it is (summary and manifest alike).
fn age(env: &TestEnv, id: &SnapshotId, secs: i64) {
    let dir = store(env).transaction_dir(id);
    for file in ["summary.json", "manifest.json"] {
        let path = dir.join(file);
        let mut value: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        let then = value["time"]["secs"].as_i64().unwrap() - secs;
        value["time"]["secs"] = then.into();
        fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(env: &TestEnv, args: &[&str]) -> Run {
    let output = env.cmd().args(args).output().expect("run shellguard");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Contents, mode, owner, times and symlink target of every node below `root`.
fn tree_state(root: &Path) -> BTreeMap<Vec<u8>, String> {
    fn walk(root: &Path, path: &Path, out: &mut BTreeMap<Vec<u8>, String>) {
        let meta = fs::symlink_metadata(path).unwrap();
        let rel = path.strip_prefix(root).unwrap().as_os_str().as_bytes();
        let ft = meta.file_type();
        let contents = if ft.is_file() {
            let mut bytes = Vec::new();
            fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOATIME)
                .open(path)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            format!("{:?}", blake3::hash(&bytes))
        } else if ft.is_symlink() {
            format!("-> {:?}", fs::read_link(path).unwrap())
        } else {
            "dir".into()
        };
        // A directory's own times change when undo recreates its children below the top.
        let mtime = if ft.is_dir() && !rel.is_empty() {
            0
        } else {
            meta.mtime()
        };
        out.insert(
            rel.to_vec(),
            format!(
                "{contents} mode={:o} owner={}:{} mtime={mtime}",
                meta.mode(),
                meta.uid(),
                meta.gid()
            ),
        );
        if ft.is_dir() {
            for child in fs::read_dir(path).unwrap() {
                walk(root, &child.unwrap().path(), out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// A build tree with the things undo gets wrong most easily.
fn make_build(env: &TestEnv) -> PathBuf {
    let build = env.mkdir("build/src/deep");
    let build = build.parent().unwrap().parent().unwrap().to_path_buf();
    fs::create_dir(build.join("empty")).unwrap();
    fs::write(build.join("src/main.rs"), "fn main() {}\n").unwrap();
    fs::write(build.join("src/deep/data.bin"), vec![7u8; 70_000]).unwrap();
    fs::write(build.join("secret"), "token").unwrap();
    fs::set_permissions(build.join("secret"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::write(build.join("run.sh"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(build.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(
        build.join(OsString::from_vec(b"caf\xe9.txt".to_vec())),
        "latin-1 name",
    )
    .unwrap();
    symlink("src/main.rs", build.join("link")).unwrap();
    symlink("/nonexistent/target", build.join("dangling")).unwrap();
    fs::set_permissions(build.join("empty"), fs::Permissions::from_mode(0o750)).unwrap();
    build
}

#[test]
fn rm_rf_build_then_undo_gives_back_an_identical_tree() {
    let env = TestEnv::new();
    let build = make_build(&env);
    let before = tree_state(&build);
    let id = rm_rf(&env, &["build"]);

    let undo = run(&env, &["undo"]);
    assert_eq!(undo.code, 0, "{}{}", undo.stdout, undo.stderr);
    assert!(
        undo.stdout.contains(&format!("undo {id}: rm -rf build")),
        "{}",
        undo.stdout
    );
    assert!(
        undo.stdout
            .contains(&format!("restored {}", build.display())),
        "{}",
        undo.stdout
    );
    assert_eq!(tree_state(&build), before);

    let again = run(&env, &["undo"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("nothing to undo"), "{}", again.stderr);
    let same = run(&env, &["undo", id.as_str()]);
    assert_eq!(same.code, 1);
    assert!(same.stderr.contains("already restored"), "{}", same.stderr);
}

#[test]
fn undo_takes_the_newest_snapshot_first() {
    let env = TestEnv::new();
    env.write("first", "1");
    env.write("second", "2");
    let older = rm_rf(&env, &["first"]);
    age(&env, &older, 60);
    rm_rf(&env, &["second"]);
    assert_eq!(run(&env, &["undo"]).code, 0);
    assert!(env.path("second").exists());
    assert!(!env.path("first").exists());
    assert_eq!(run(&env, &["undo"]).code, 0);
    assert_eq!(fs::read(env.path("first")).unwrap(), b"1");
}

#[test]
fn undo_never_overwrites_what_was_recreated_and_restores_beside_it_with_to() {
    let env = TestEnv::new();
    env.write("a", "old a");
    env.write("b", "old b");
    let id = rm_rf(&env, &["a", "b"]);
    env.write("a", "new a");

    let partial = run(&env, &["undo"]);
    assert_eq!(partial.code, 1, "a conflict makes the undo partial");
    let a = env.path("a");
    assert!(
        partial
            .stderr
            .contains(&format!("not restored: {} exists now", a.display())),
        "{}",
        partial.stderr
    );
    assert!(partial.stderr.contains("--to DIR"), "{}", partial.stderr);
    assert!(
        partial.stderr.contains("1 of 2 entries restored"),
        "{}",
        partial.stderr
    );
    assert_eq!(
        fs::read(&a).unwrap(),
        b"new a",
        "the new file is left alone"
    );
    assert_eq!(
        fs::read(env.path("b")).unwrap(),
        b"old b",
        "the other entry still comes back"
    );

    // A relative --to is taken from the working directory, like any path argument.
    let beside = run(&env, &["undo", id.as_str(), "--to", "side"]);
    assert_eq!(beside.code, 0, "{}{}", beside.stdout, beside.stderr);
    let restored = env.path("side").join(a.strip_prefix("/").unwrap());
    assert_eq!(fs::read(&restored).unwrap(), b"old a");
    assert!(
        beside.stdout.contains(&format!(
            "restored {} as {}",
            a.display(),
            restored.display()
        )),
        "{}",
        beside.stdout
    );
    assert_eq!(fs::read(&a).unwrap(), b"new a");
}

#[test]
fn undo_points_at_a_snapshot_left_pending_by_a_crash() {
    let env = TestEnv::new();
    env.write("victim", "data");
    let mut tx = store(&env)
        .begin(meta(&env, &["rm", "victim"]), u64::MAX)
        .unwrap();
    tx.put_aside(&env.path("victim")).unwrap();
    let id = tx.id().clone();
    drop(tx); // as a crash of shellguard would leave it: never committed

    let plain = run(&env, &["undo"]);
    assert_eq!(plain.code, 1);
    assert!(
        plain.stderr.contains("still pending")
            && plain.stderr.contains(&format!("shellguard undo {id}")),
        "{}",
        plain.stderr
    );
    let explicit = run(&env, &["undo", id.as_str()]);
    assert_eq!(explicit.code, 0, "{}", explicit.stderr);
    assert_eq!(fs::read(env.path("victim")).unwrap(), b"data");
}

#[test]
fn a_damaged_summary_does_not_hide_the_snapshot() {
    let env = TestEnv::new();
    env.write("victim", "data");
    let id = rm_rf(&env, &["victim"]);
    fs::write(
        store(&env).transaction_dir(&id).join("summary.json"),
        "garbage",
    )
    .unwrap();
    let list = run(&env, &["snapshots"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains(id.as_str()), "{}", list.stdout);
    assert_eq!(run(&env, &["undo"]).code, 0);
    assert_eq!(fs::read(env.path("victim")).unwrap(), b"data");
}

#[test]
fn undo_of_an_unknown_or_malformed_id_says_so() {
    let env = TestEnv::new();
    let unknown = run(&env, &["undo", "20261121-230405-12345-3f9a"]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("there is no snapshot 20261121-230405-12345-3f9a")
    );
    let bad = run(&env, &["undo", "latest"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("is not a snapshot id"),
        "{}",
        bad.stderr
    );
}

#[test]
fn undo_restores_crontab() {
    let env = TestEnv::new();
    let stubs = env.root().join("stubs");
    fs::create_dir(&stubs).unwrap();
    let record = env.root().join("crontab.stdin");
    fs::write(
        stubs.join("crontab"),
        format!(
            "#!/bin/sh\necho \"$@\" > '{0}.args'\ncat > '{0}'\n",
            record.display()
        ),
    )
    .unwrap();
    fs::set_permissions(stubs.join("crontab"), fs::Permissions::from_mode(0o755)).unwrap();
    let table = b"30 3 * * * /usr/local/bin/backup --all\n";
    let mut tx = store(&env)
        .begin(meta(&env, &["crontab", "-r"]), u64::MAX)
        .unwrap();
    tx.save_bytes(
        "crontab of tester",
        table,
        RestoreAction::Crontab { user: None },
    )
    .unwrap();
    tx.commit().unwrap();

    let path = format!(
        "{}:{}",
        stubs.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = env.cmd().arg("undo").env("PATH", path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("reinstalled the crontab"), "{stdout}");
    assert_eq!(
        fs::read(&record).unwrap(),
        table,
        "the stub got the saved table"
    );
    assert_eq!(
        fs::read_to_string(record.with_extension("stdin.args"))
            .unwrap()
            .trim(),
        "-"
    );
}

#[test]
fn snapshots_list_shows_one_line_per_transaction() {
    let env = TestEnv::new();
    assert!(run(&env, &["snapshots"]).stdout.contains("no snapshots"));
    make_build(&env);
    env.write("notes.txt", "hello");
    let first = rm_rf(&env, &["build"]);
    let second = rm_rf(&env, &["notes.txt"]);

    let list = run(&env, &["snapshots", "list"]);
    assert_eq!(list.code, 0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", list.stdout);
    assert!(lines[0].starts_with("ID "));
    for (line, id, command) in [
        (lines[1], &first, "rm -rf build"),
        (lines[2], &second, "rm -rf notes.txt"),
    ] {
        assert!(line.starts_with(id.as_str()), "{line}");
        assert!(line.contains("committed"), "{line}");
        assert!(line.ends_with(command), "{line}");
        assert!(line.contains(&env.work().display().to_string()), "{line}");
    }
    assert!(
        lines[2].contains("5 B"),
        "a small file's size is known: {}",
        lines[2]
    );
    assert_eq!(
        run(&env, &["snapshots"]).stdout,
        list.stdout,
        "list is the default"
    );

    let du = run(&env, &["snapshots", "list", "--du"]);
    assert!(du.stdout.contains("ON DISK"), "{}", du.stdout);

    let json = run(&env, &["snapshots", "--format", "json"]);
    let items: Value = serde_json::from_str(&json.stdout).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], first.as_str());
    assert_eq!(items[0]["state"], "committed");
    assert_eq!(items[0]["entries"], 1);
    assert_eq!(items[1]["command"], "rm -rf notes.txt");
}

#[test]
fn snapshots_show_names_each_entry() {
    let env = TestEnv::new();
    let build = make_build(&env);
    env.symlink("build/src", "src-link");
    let id = rm_rf(&env, &["build", "src-link"]);

    let show = run(&env, &["snapshots", "show", id.as_str()]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.contains("command   rm -rf build src-link"),
        "{}",
        show.stdout
    );
    let entry = show
        .stdout
        .lines()
        .find(|l| l.ends_with(&build.display().to_string()))
        .unwrap_or_else(|| panic!("no line for build:\n{}", show.stdout));
    for part in ["dir", "moved"] {
        assert!(entry.contains(part), "{entry}");
    }
    assert!(
        show.stdout
            .contains(&format!("{} -> build/src", env.path("src-link").display())),
        "{}",
        show.stdout
    );

    let json = run(
        &env,
        &["snapshots", "show", id.as_str(), "--format", "json"],
    );
    let manifest: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        manifest["entries"][0]["original"],
        build.display().to_string()
    );
    assert_eq!(manifest["entries"][0]["kind"], "dir");
    assert_eq!(manifest["entries"][1]["kind"], "symlink");

    let missing = run(&env, &["snapshots", "show", "20261121-230405-12345-3f9a"]);
    assert_eq!(missing.code, 1);
}

#[test]
fn snapshots_verify_names_a_damaged_or_missing_entry() {
    let env = TestEnv::new();
    make_build(&env);
    env.write("config", "port = 5432\n");
    let tree = rm_rf(&env, &["build"]);
    let file = rm_rf(&env, &["config"]);

    let first = run(&env, &["snapshots", "verify"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("ok: 2 snapshots"), "{}", first.stdout);
    assert!(
        first.stdout.contains("sealed 1 entries"),
        "the tree is sealed on first use: {}",
        first.stdout
    );

    // Same size, different bytes: only the checksum can tell.
    let stored = store(&env).transaction_dir(&file).join("e0001");
    fs::write(&stored, "port = 6543\n").unwrap();
    let damaged = run(&env, &["snapshots", "verify", file.as_str()]);
    assert_eq!(damaged.code, 1);
    assert!(
        damaged.stdout.contains(&format!(
            "DAMAGED {file}  {}: contents changed",
            env.path("config").display()
        )),
        "{}",
        damaged.stdout
    );

    let inner = store(&env).transaction_dir(&tree).join("e0001/src/main.rs");
    fs::remove_file(inner).unwrap();
    let all = run(&env, &["snapshots", "verify"]);
    assert_eq!(all.code, 1);
    assert!(
        all.stdout.contains("src/main.rs: missing"),
        "{}",
        all.stdout
    );
    assert!(all.stdout.contains("FAILED: 2 snapshots"), "{}", all.stdout);

    let json = run(&env, &["snapshots", "verify", "--format", "json"]);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"].as_array().unwrap().len(), 2);
}

#[test]
fn snapshots_prune_keeps_what_is_younger_than_keep() {
    let env = TestEnv::new();
    for name in ["old", "recent"] {
        env.write(name, &name.repeat(1000));
    }
    let old = rm_rf(&env, &["old"]);
    age(&env, &old, 10 * 86_400);
    let recent = rm_rf(&env, &["recent"]);
    age(&env, &recent, 3600);

    // The built-in policy keeps 7 days: plain prune drops only the 10-day-old snapshot.
    let prune = run(&env, &["snapshots", "prune"]);
    assert_eq!(prune.code, 0, "{}", prune.stderr);
    assert!(
        prune.stdout.contains(&format!("removed {old}")),
        "{}",
        prune.stdout
    );
    assert!(prune.stdout.contains("freed"), "{}", prune.stdout);
    assert!(!store(&env).transaction_dir(&old).exists());
    assert!(store(&env).transaction_dir(&recent).exists());

    // A size limit does not go below keep either.
    let size = run(&env, &["snapshots", "prune", "--max-size", "0"]);
    assert_eq!(size.code, 0);
    assert!(size.stdout.contains("nothing to prune"), "{}", size.stdout);
    assert!(size.stdout.contains("younger than 7d"), "{}", size.stdout);
    assert!(store(&env).transaction_dir(&recent).exists());

    // An explicit age wins over keep.
    let explicit = run(&env, &["snapshots", "prune", "--older-than", "0s"]);
    assert!(
        explicit
            .stdout
            .contains("goes below the policy's keep = 7d"),
        "{}",
        explicit.stdout
    );
    assert!(
        explicit.stdout.contains(&format!("removed {recent}")),
        "{}",
        explicit.stdout
    );
    assert!(run(&env, &["snapshots"]).stdout.contains("no snapshots"));
}

#[test]
fn snapshots_prune_honours_the_policy_keep() {
    let env = TestEnv::new().with_policy("[snapshots]\nkeep = \"30d\"\n");
    env.write("old", "data");
    let old = rm_rf(&env, &["old"]);
    age(&env, &old, 10 * 86_400);
    let prune = run(&env, &["snapshots", "prune"]);
    assert!(
        prune.stdout.contains("no snapshot is older than 30d"),
        "{}",
        prune.stdout
    );
    assert!(store(&env).transaction_dir(&old).exists());

    let bad = run(&env, &["snapshots", "prune", "--older-than", "soon"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("'soon' is not a duration"),
        "{}",
        bad.stderr
    );
}
