//! Guarded execution end to end: the real binary in front of the real rm, in temp dirs.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::process::Output;

use common::TestEnv;
use common::tree::tree_state;

/// A tree state without modification times: for comparing two fixtures made one after the
/// other (a second may tick between them).
fn without_times(state: BTreeMap<Vec<u8>, String>) -> BTreeMap<Vec<u8>, String> {
    state
        .into_iter()
        .map(|(path, what)| {
            let mut fields: Vec<&str> = what.splitn(4, ' ').collect();
            if fields[0] == "file" && fields.len() == 4 {
                fields.remove(2);
            }
            (path, fields.join(" "))
        })
        .collect()
}

/// A build tree with what trash tools get wrong: modes, symlinks, an empty directory,
/// a name that is not UTF-8.
fn build_fixture(env: &TestEnv, name: &str) -> PathBuf {
    let root = env.mkdir(name);
    std::fs::create_dir_all(root.join("obj/deep")).unwrap();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    std::fs::write(root.join("obj/a.o"), b"\x7fELF object").unwrap();
    std::fs::write(root.join("obj/deep/b.o"), vec![0u8; 10_000]).unwrap();
    std::fs::write(root.join("run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    std::fs::set_permissions(root.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(root.join("secret"), "key").unwrap();
    std::fs::set_permissions(root.join("secret"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("obj/a.o", root.join("latest")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/dangling", root.join("dangling")).unwrap();
    std::fs::write(root.join(OsStr::from_bytes(b"caf\xe9.txt")), "latin-1 name").unwrap();
    root
}

fn run(env: &TestEnv, args: &[&str]) -> Output {
    env.std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
        .arg("run")
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// stderr without shellguard's banner lines (all printed before the program runs).
fn program_stderr(out: &Output) -> String {
    let text = stderr(out);
    text.split_inclusive('\n')
        .filter(|l| !l.starts_with("shellguard │"))
        .collect()
}

#[test]
fn rm_rf_build_then_undo_gives_back_an_identical_tree() {
    let env = TestEnv::new();
    let root = build_fixture(&env, "build");
    let before = tree_state(&root);
    let out = run(&env, &["--", "rm", "-rf", "build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!root.exists(), "rm removed it");
    assert!(stderr(&out).contains("snapshot"), "{}", stderr(&out));

    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(
        tree_state(&root),
        before,
        "restored byte for byte, with modes and links"
    );
}

#[test]
fn trailing_slash_on_symlink_is_refused_and_the_target_stays() {
    let env = TestEnv::new();
    env.write("target/keep.txt", "precious");
    env.symlink("target", "link");
    let out = run(&env, &["--", "rm", "-rf", "link/"]);
    assert_eq!(out.status.code(), Some(20));
    assert!(
        stderr(&out).contains("symlink-trailing-slash"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(env.path("target/keep.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn a_protected_path_is_blocked_at_run_time() {
    let env = TestEnv::new();
    env.write("pgdata/PG_VERSION", "15");
    let data = env.path("pgdata");
    let env = env.with_policy(&format!(
        "[[protect]]\npaths = [\"{}\"]\nverdict = \"block\"\n",
        data.display()
    ));
    let out = run(&env, &["--", "rm", "-rf", "pgdata"]);
    assert_eq!(out.status.code(), Some(20));
    assert!(data.join("PG_VERSION").exists());
}

const PRODUCTION: &str = "[[environment]]\nname = \"production\"\nhosts = [\"db1.example.com\"]\ncolor = \"red\"\nconfirm = \"hostname\"\n";

#[test]
fn production_without_a_terminal_is_refused_and_confirm_host_runs_it() {
    let env = TestEnv::new()
        .with_host("db1.example.com")
        .with_policy(PRODUCTION);
    env.write("build/out.bin", "x");
    let out = run(&env, &["--", "rm", "-rf", "build"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("PRODUCTION"),
        "the banner names the environment: {}",
        stderr(&out)
    );
    assert!(env.path("build/out.bin").exists(), "nothing ran");

    let out = run(
        &env,
        &["--confirm", "db2.example.com", "--", "rm", "-rf", "build"],
    );
    assert_eq!(
        out.status.code(),
        Some(10),
        "a confirmation for another host is no confirmation"
    );
    assert!(env.path("build/out.bin").exists());

    let out = run(
        &env,
        &["--confirm", "db1.example.com", "--", "rm", "-rf", "build"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!env.path("build").exists());
}

#[test]
fn dry_run_decides_and_runs_nothing() {
    let env = TestEnv::new();
    env.write("build/x", "x");
    let out = run(&env, &["--dry-run", "--", "rm", "-rf", "build"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(env.path("build/x").exists());
    let out = run(&env, &["--dry-run", "--", "rm", "-rf", "/"]);
    assert_eq!(out.status.code(), Some(20));
}

#[test]
fn exit_status_and_argv_pass_through_untouched() {
    let env = TestEnv::new();
    let out = run(&env, &["--", "sh", "-c", "exit 3"]);
    assert_eq!(out.status.code(), Some(3));
    let out = env
        .std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
        .args(["run", "--", "printf", "[%s]"])
        .arg("a b")
        .arg("")
        .arg("-x")
        .arg("new\nline")
        .arg(OsStr::from_bytes(b"\xff\xfe"))
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"[a b][][-x][new\nline][\xff\xfe]");
}

#[test]
fn a_missing_program_is_reported_like_a_shell_does() {
    let env = TestEnv::new();
    let out = run(&env, &["--", "no-such-program-xyz"]);
    assert_eq!(out.status.code(), Some(127));
}

#[test]
fn shims_on_path_guard_scripts_without_recursion() {
    let env = TestEnv::new();
    let shims = env.mkdir("../shims");
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("shellguard"), shims.join("rm"))
        .unwrap();
    let path = format!("{}:{}", shims.display(), std::env::var("PATH").unwrap());
    env.write("target/keep.txt", "precious");
    env.symlink("target", "link");
    env.write("junk.txt", "junk");

    let sh = |script: &str| {
        env.std_cmd("sh")
            .env("PATH", &path)
            .args(["-c", script])
            .output()
            .unwrap()
    };
    let out = sh("rm -rf link/");
    assert_eq!(out.status.code(), Some(20), "{}", stderr(&out));
    assert!(env.path("target/keep.txt").exists());

    let out = sh("rm junk.txt");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the real rm ran (no recursion into the shim): {}",
        stderr(&out)
    );
    assert!(!env.path("junk.txt").exists());
    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(
        std::fs::read_to_string(env.path("junk.txt")).unwrap(),
        "junk"
    );
}

/// For each argv, guarded rm and plain rm on identical fixtures: same exit status, same
/// stderr (banner aside), same resulting tree.
#[test]
fn guarded_rm_behaves_like_rm() {
    let cases: &[&[&str]] = &[
        &["missing"],
        &["-f", "missing"],
        &["dir"],
        &["-r", "dir"],
        &["-rf", "dir", "file"],
        &["file", "missing", "file2"],
        &[],
        &["-d", "emptydir"],
        &["-d", "dir"],
        &["--", "-dash"],
        &["-r", "."],
        &["-r", "dir/.."],
        &["-rfv", "dir"],
        &["--recursive", "--force", "--", "dir", "-dash"],
        &["--rec", "emptydir"],
        &["-R", "link"],
        &["link/"],
        &["-i", "missing"],
        &["-rv", "dir", "file", "emptydir"],
        &["-dv", "emptydir", "file2"],
        &["-rv", "dir/"],
        &["-i", "file"],
        &["-I", "-r", "dir", "file"],
        &["--interactive=never", "file"],
        &["--interactive", "file2"],
    ];
    for case in cases {
        let plain = TestEnv::new();
        let guarded = TestEnv::new();
        for env in [&plain, &guarded] {
            env.write("dir/sub/f", "f");
            env.write("dir/sub/g", "g");
            env.write("dir/h", "h");
            env.mkdir("dir/empty");
            env.write("file", "1");
            env.write("file2", "2");
            env.write("-dash", "d");
            env.mkdir("emptydir");
            env.symlink("dir", "link");
        }
        let expected = plain.std_cmd("rm").args(*case).output().unwrap();
        let got = guarded
            .std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
            .args(["run", "--", "rm"])
            .args(*case)
            .output()
            .unwrap();
        assert_eq!(
            got.status.code(),
            expected.status.code(),
            "exit status of rm {case:?}: {}",
            stderr(&got)
        );
        assert_eq!(
            program_stderr(&got),
            stderr(&expected),
            "stderr of rm {case:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&expected.stdout),
            "stdout of rm {case:?} (-v lists what it removed)"
        );
        assert_eq!(
            without_times(tree_state(&guarded.work())),
            without_times(tree_state(&plain.work())),
            "resulting tree of rm {case:?}"
        );
    }
}

#[test]
fn crontab_remove_then_undo_restores_the_table() {
    // The real crontab would edit this machine's spool: a stub keeps the table in the
    // test directory and behaves like crontab for -l, -r and replacement from stdin.
    let env = TestEnv::new();
    let bin = env.mkdir("../bin");
    let table = env.root().join("table");
    std::fs::write(
        bin.join("crontab"),
        format!(
            "#!/bin/sh\nt={t}\nwhile [ $# -gt 0 ]; do case \"$1\" in\n -u) shift;;\n -l) [ -f $t ] && exec cat $t; echo 'no crontab for root' >&2; exit 1;;\n -r) rm -f $t; exit 0;;\n -) cat > $t; exit 0;;\n *) cp \"$1\" $t; exit 0;;\n esac; shift; done\ncat > $t\n",
            t = table.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("crontab"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let entries = "30 3 * * * /usr/local/bin/backup\n@reboot /usr/local/bin/warm-cache\n";
    std::fs::write(&table, entries).unwrap();

    let out = env
        .std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
        .env("PATH", &path)
        .args(["run", "--confirm", &env.host, "--", "crontab", "-r"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!table.exists(), "crontab -r ran");

    let undo = env
        .std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
        .env("PATH", &path)
        .arg("undo")
        .output()
        .unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(std::fs::read_to_string(&table).unwrap(), entries);
}

#[test]
fn a_frozen_host_refuses_destructive_commands_until_unfrozen() {
    let env = TestEnv::new();
    env.write("build/x", "x");
    let out = env
        .cmd()
        .args(["freeze", "--reason", "migration in progress"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = run(&env, &["--", "rm", "-rf", "build"]);
    assert_eq!(out.status.code(), Some(20));
    assert!(
        stderr(&out).contains("migration in progress"),
        "the reason is given: {}",
        stderr(&out)
    );
    assert!(env.path("build/x").exists());
    // Harmless commands still run while frozen.
    assert_eq!(
        run(&env, &["--", "rm", "-f", "not-there"]).status.code(),
        Some(0)
    );

    env.cmd().arg("unfreeze").assert().success();
    assert_eq!(
        run(&env, &["--", "rm", "-rf", "build"]).status.code(),
        Some(0)
    );
    assert!(!env.path("build").exists());
}

#[test]
fn every_decided_command_is_in_the_audit_log() {
    let env = TestEnv::new();
    env.write("build/x", "x");
    env.write("target/keep", "k");
    env.symlink("target", "link");
    run(&env, &["--", "rm", "-rf", "build"]);
    run(&env, &["--", "rm", "-rf", "link/"]);
    let out = env.cmd().args(["log", "--json"]).output().unwrap();
    let entries: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["outcome"], "ran");
    assert_eq!(entries[0]["exit"], 0);
    assert!(entries[0]["snapshot"].is_string());
    assert_eq!(
        entries[0]["argv"],
        serde_json::json!(["rm", "-rf", "build"])
    );
    assert_eq!(entries[1]["outcome"], "refused");
    assert_eq!(entries[1]["verdict"], "block");
    assert_eq!(entries[1]["reasons"][0]["rule"], "symlink-trailing-slash");
}

#[test]
fn rsync_delete_then_undo_gives_back_the_destination() {
    let env = TestEnv::new();
    env.write("src/a.txt", "new, longer a");
    env.write("src/b.txt", "b");
    env.write("src/newdir/deeper/c.txt", "c");
    let dst = build_fixture(&env, "dst");
    env.write("dst/a.txt", "old a");
    // Same contents and time, another mode: rsync -a only changes its mode (no backup).
    env.write("src/same.txt", "same");
    env.write("dst/same.txt", "same");
    std::fs::set_permissions(dst.join("same.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::process::Command::new("touch")
        .arg("-r")
        .arg(env.path("src/same.txt"))
        .arg(dst.join("same.txt"))
        .status()
        .unwrap();
    let before = tree_state(&dst);
    let out = run(
        &env,
        &[
            "--confirm",
            &env.host.clone(),
            "--",
            "rsync",
            "-a",
            "--delete",
            "src/",
            "dst/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dst.join("a.txt")).unwrap(),
        "new, longer a"
    );
    assert!(
        !dst.join("secret").exists(),
        "--delete removed what src lacks"
    );
    assert_eq!(
        std::fs::metadata(dst.join("same.txt")).unwrap().mode() & 0o777,
        0o644
    );

    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(
        tree_state(&dst),
        before,
        "dst exactly as it was, without what rsync created"
    );
}

#[test]
fn overwriting_copy_then_undo_restores_the_old_file() {
    let env = TestEnv::new();
    env.write("new.conf", "new");
    env.write("app.conf", "old");
    let out = run(&env, &["--", "cp", "new.conf", "app.conf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(env.path("app.conf")).unwrap(),
        "new"
    );
    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(
        std::fs::read_to_string(env.path("app.conf")).unwrap(),
        "old"
    );
}

#[test]
fn find_delete_then_undo_restores_the_tree() {
    let env = TestEnv::new();
    let logs = env.mkdir("logs");
    env.write("logs/a.log", "a");
    env.write("logs/keep.txt", "k");
    env.write("logs/old/b.log", "b");
    let before = tree_state(&logs);
    let out = run(&env, &["--", "find", "logs", "-name", "*.log", "-delete"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!env.path("logs/a.log").exists() && env.path("logs/keep.txt").exists());
    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(tree_state(&logs), before);
}

#[test]
fn rclone_sync_in_the_wrong_direction_is_undone() {
    if std::process::Command::new("rclone")
        .arg("version")
        .output()
        .is_err()
    {
        panic!("rclone is not installed (.ci/run installs it)");
    }
    let env = TestEnv::new();
    env.write("good/photo1.jpg", "one");
    env.write("good/photo2.jpg", "two");
    env.write("good/album/photo3.jpg", "three");
    env.write("empty/.keep", "");
    let good = env.path("good");
    let before = tree_state(&good);
    // Swapped operands: syncing the empty copy onto the good one.
    let out = run(
        &env,
        &[
            "--confirm",
            &env.host.clone(),
            "--",
            "rclone",
            "sync",
            "empty",
            "good",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !good.join("photo1.jpg").exists(),
        "rclone deleted the good copy"
    );
    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    let after = tree_state(&good);
    for (path, state) in &before {
        assert_eq!(
            after.get(path),
            Some(state),
            "{}",
            String::from_utf8_lossy(path)
        );
    }
}

/// A tmpfs mounted inside the test's own directory, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: PathBuf, size: &str) -> Tmpfs {
        std::fs::create_dir_all(&at).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .status()
            .expect("mount");
        assert!(
            status.success(),
            "mounting a tmpfs needs root (CI runs as root)"
        );
        Tmpfs(at)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn rm_on_another_filesystem_is_put_aside_there_and_undone() {
    let env = TestEnv::new();
    let fs = Tmpfs::mount(env.path("mnt"), "16m");
    let data = fs.0.join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::write(data.join("sub/file"), "on tmpfs").unwrap();
    std::os::unix::fs::symlink("sub/file", data.join("link")).unwrap();
    let before = tree_state(&data);
    let out = run(&env, &["--", "rm", "-rf", "mnt/data"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!data.exists());
    let store = fs.0.join(".shellguard-0");
    assert!(
        store.is_dir(),
        "moved into the store at the top of that filesystem, not copied home"
    );
    let undo = env.cmd().arg("undo").output().unwrap();
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(tree_state(&data), before);
}

#[test]
fn no_room_for_a_snapshot_refuses_and_loses_nothing() {
    // State on a 1 MiB tmpfs; the target on another tmpfs whose top-level store is taken
    // by a file (so the copy fallback into the full state dir is the only way): refused.
    let env = TestEnv::new();
    let state = Tmpfs::mount(env.root().join("state"), "1m");
    let fs = Tmpfs::mount(env.path("mnt"), "16m");
    std::fs::write(fs.0.join(".shellguard-0"), "not a store").unwrap();
    let big = fs.0.join("big");
    std::fs::create_dir_all(&big).unwrap();
    std::fs::write(big.join("blob"), vec![7u8; 4 << 20]).unwrap();
    let out = run(&env, &["--", "rm", "-rf", "mnt/big"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--no-snapshot"),
        "says how to go on: {}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::metadata(big.join("blob")).unwrap().len(),
        4 << 20,
        "nothing lost"
    );
    drop(state);
}

#[test]
fn enabling_a_looping_reboot_timer_needs_confirmation_at_run_time() {
    // A real systemctl could reboot this machine: a stub records what it would have run.
    let env = TestEnv::new();
    let bin = env.mkdir("../bin");
    let record = env.root().join("systemctl.argv");
    std::fs::write(
        bin.join("systemctl"),
        format!("#!/bin/sh\necho \"$@\" >> {}\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("systemctl"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let units = env.mkdir("units");
    std::fs::write(
        units.join("nightly.timer"),
        "[Timer]\nOnCalendar=*-*-* 3:30:00\nPersistent=true\n",
    )
    .unwrap();
    std::fs::write(
        units.join("nightly.service"),
        "[Service]\nExecStart=/usr/bin/systemctl reboot\n",
    )
    .unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let timer = units.join("nightly.timer").display().to_string();
    let sg = |extra: &[&str]| {
        env.std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
            .env("PATH", &path)
            .arg("run")
            .args(extra)
            .args(["--", "systemctl", "enable", "--now", &timer])
            .output()
            .unwrap()
    };
    let out = sg(&[]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(stderr(&out).contains("timer-reboot-loop"));
    assert!(!record.exists(), "nothing ran");
    let out = sg(&["--confirm", &env.host.clone()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        format!("enable --now {timer}\n")
    );
}

#[test]
fn guarded_tee_keeps_the_file_it_replaces_and_undo_brings_it_back() {
    use std::io::Write;
    let env = TestEnv::new();
    let file = env.write("hosts", "10.0.0.1 old\n");
    let mut child = env
        .shellguard()
        .current_dir(env.work())
        .args(["run", "--", "tee", "hosts"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"10.0.0.2 new\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        out.stdout, b"10.0.0.2 new\n",
        "tee's own output passes through"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "10.0.0.2 new\n");
    let undo = env.shellguard().arg("undo").output().unwrap();
    assert_eq!(
        undo.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&undo.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "10.0.0.1 old\n");
}
