//! `shellguard log` and `shellguard freeze` / `unfreeze` on the real binary.

mod common;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use common::TestEnv;
use serde_json::Value;
use shellguard::audit::{self, AuditEntry, AuditReason};
use shellguard::freeze;

fn state(env: &TestEnv) -> PathBuf {
    env.root().join("state")
}

fn entry(argv: &[&str], verdict: &str, outcome: &str, exit: Option<i32>) -> AuditEntry {
    AuditEntry {
        time: audit::now_rfc3339(),
        host: "testbox".into(),
        environment: Some("staging".into()),
        user: "root".into(),
        sudo_user: Some("alice".into()),
        cwd: Some("/srv/app".into()),
        argv: argv.iter().map(|a| a.to_string()).collect(),
        program: argv[0].into(),
        verdict: verdict.into(),
        reasons: if verdict == "allow" {
            Vec::new()
        } else {
            vec![AuditReason {
                rule: "rsync-delete".into(),
                severity: verdict.into(),
                message: "deletes at the destination what the source lacks".into(),
            }]
        },
        outcome: outcome.into(),
        snapshot: exit.map(|_| "20261121-230405-12345-3f9a".into()),
        exit,
    }
}

#[test]
fn log_shows_the_guarded_commands() {
    let env = TestEnv::new();
    let empty = env.cmd().arg("log").output().unwrap();
    assert_eq!(empty.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no guarded commands logged yet"));

    let home = state(&env);
    audit::append(
        &home,
        &entry(&["rm", "-rf", "build"], "allow", "ran", Some(0)),
    )
    .unwrap();
    audit::append(
        &home,
        &entry(
            &["rsync", "-a", "--delete", "src/", "dst/"],
            "confirm",
            "not-confirmed",
            None,
        ),
    )
    .unwrap();
    audit::append(
        &home,
        &entry(&["rm", "-rf", "my file"], "allow", "ran", Some(1)),
    )
    .unwrap();

    let output = env.cmd().arg("log").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("TIME (UTC)"), "{text}");
    for part in [
        "testbox [staging]",
        "root (alice)",
        "allow",
        "ran",
        "20261121-230405-12345-3f9a",
        "/srv/app",
        "rm -rf build",
    ] {
        assert!(lines[1].contains(part), "{part} in {}", lines[1]);
    }
    assert!(lines[2].contains("confirm (rsync-delete)"), "{}", lines[2]);
    assert!(lines[2].contains("not-confirmed"), "{}", lines[2]);
    assert!(
        lines[3].ends_with("rm -rf 'my file'"),
        "argv is shown quoted: {}",
        lines[3]
    );

    let last = env.cmd().args(["log", "-n", "1"]).output().unwrap();
    let last = String::from_utf8_lossy(&last.stdout);
    assert_eq!(last.lines().count(), 2, "{last}");
    assert!(last.contains("'my file'"));
}

#[test]
fn log_json_is_one_valid_object_per_line() {
    let env = TestEnv::new();
    let home = state(&env);
    audit::append(
        &home,
        &entry(&["rm", "-rf", "build"], "allow", "ran", Some(0)),
    )
    .unwrap();
    audit::append(&home, &entry(&["crontab", "-r"], "block", "refused", None)).unwrap();
    // A line from a newer shellguard, with a field this one does not know: kept as written.
    let mut newer =
        serde_json::to_value(entry(&["mv", "a", "b"], "allow", "ran", Some(0))).unwrap();
    newer["duration_ms"] = 12.into();
    OpenOptions::new()
        .append(true)
        .open(audit::log_path(&home))
        .unwrap()
        .write_all(format!("{newer}\n").as_bytes())
        .unwrap();
    let output = env.cmd().args(["log", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["duration_ms"], 12);
    assert_eq!(lines[0]["argv"], serde_json::json!(["rm", "-rf", "build"]));
    assert_eq!(lines[0]["exit"], 0);
    assert_eq!(lines[1]["verdict"], "block");
    assert_eq!(lines[1]["outcome"], "refused");
    assert_eq!(lines[1]["reasons"][0]["rule"], "rsync-delete");
}

#[test]
fn a_damaged_log_line_is_skipped_with_a_warning() {
    let env = TestEnv::new();
    let home = state(&env);
    audit::append(&home, &entry(&["rm", "a"], "allow", "ran", Some(0))).unwrap();
    OpenOptions::new()
        .append(true)
        .open(audit::log_path(&home))
        .unwrap()
        .write_all(b"{\"time\": \"2026-11-21T23:0\n")
        .unwrap();
    audit::append(&home, &entry(&["rm", "b"], "allow", "ran", Some(0))).unwrap();

    for args in [&["log"][..], &["log", "--json"][..]] {
        let output = env.cmd().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("skipped 1 damaged line(s)"), "{stderr}");
        assert!(stderr.contains("line 2"), "{stderr}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("\"rm\",\"a\"") || stdout.contains("rm a"),
            "{stdout}"
        );
        assert!(
            stdout.contains("\"rm\",\"b\"") || stdout.contains("rm b"),
            "{stdout}"
        );
    }
}

#[test]
fn freeze_and_unfreeze_round_trip() {
    let env = TestEnv::new();
    let home = state(&env);
    let frozen = env
        .cmd()
        .args(["freeze", "--reason", "migrating backups to the new cloud"])
        .env("SUDO_USER", "alice")
        .output()
        .unwrap();
    assert_eq!(frozen.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&frozen.stdout);
    assert!(stdout.contains("froze testbox"), "{stdout}");
    assert!(
        stdout.contains("reason: migrating backups to the new cloud"),
        "{stdout}"
    );

    // The flag file itself says why, who and when, for people and for the run path.
    let file: Value =
        serde_json::from_slice(&fs::read(home.join("freeze/testbox.json")).unwrap()).unwrap();
    assert_eq!(file["host"], "testbox");
    assert_eq!(file["reason"], "migrating backups to the new cloud");
    assert!(file["by"].as_str().unwrap().contains("alice"), "{file}");
    assert!(file["at"].as_str().unwrap().ends_with('Z'), "{file}");
    let current = freeze::current(&home, "testbox").unwrap().expect("frozen");
    assert_eq!(current.reason, "migrating backups to the new cloud");
    assert!(
        stdout.contains(&format!("by {} at {}", current.by, current.at)),
        "{stdout}"
    );

    let unfrozen = env.cmd().arg("unfreeze").output().unwrap();
    assert_eq!(unfrozen.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&unfrozen.stdout);
    assert!(stdout.contains("unfroze testbox"), "{stdout}");
    assert!(stdout.contains("migrating backups"), "{stdout}");
    assert_eq!(freeze::current(&home, "testbox").unwrap(), None);

    let again = env.cmd().arg("unfreeze").output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("testbox is not frozen"));
}

#[test]
fn freeze_is_per_host() {
    let env = TestEnv::new();
    let home = state(&env);
    let out = env
        .cmd()
        .args(["freeze", "--reason", "incident 42"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(freeze::current(&home, "testbox").unwrap().is_some());
    assert_eq!(freeze::current(&home, "other").unwrap(), None);

    let other = env
        .cmd()
        .arg("unfreeze")
        .env("SHELLGUARD_HOSTNAME", "other")
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&other.stdout).contains("other is not frozen"));
    assert!(
        freeze::current(&home, "testbox").unwrap().is_some(),
        "still frozen"
    );
}

#[test]
fn freeze_needs_a_reason() {
    let env = TestEnv::new();
    for args in [&["freeze"][..], &["freeze", "--reason", "  "][..]] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(freeze::current(&state(&env), "testbox").unwrap(), None);
}
