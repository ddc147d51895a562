//! One test (at least) per incident of shared/INCIDENTS.md that review can show.
//! Nothing here executes a destructive command except on fixtures in temp dirs.

mod common;

use std::path::Path;
use std::process::Command;

use common::TestEnv;

// 1. rsync over the root filesystem from the wrong directory.
#[test]
fn rsync_into_dot_from_root_is_blocked() {
    let env = TestEnv::new();
    let review = env.review_in(Path::new("/"), "rsync -aP /srv/lxc/root/ .");
    review.expect("block", &["root-target", "cwd-sensitive"]);
    assert!(
        review.targets().contains(&"/".to_string()),
        "{:?}",
        review.targets()
    );
    assert!(
        review.messages().contains("'.'"),
        "the message names the operand as typed: {}",
        review.messages()
    );
}

#[test]
fn cd_to_root_earlier_in_the_text_moves_relative_paths() {
    let env = TestEnv::new();
    env.review("cd / && rsync -aP /srv/lxc/root/ .")
        .expect("block", &["root-target"]);
    // From a project directory the same line is ordinary work.
    env.mkdir("mirror");
    env.review("rsync -aP ./mirror/ .").expect("allow", &[]);
}

#[test]
fn removing_lib_from_root_in_a_hurry_is_blocked() {
    let env = TestEnv::new();
    let review = env.review_in(Path::new("/"), "rm -rf etc-backup lib/ var/cache/old");
    review.expect("block", &["system-path", "cwd-sensitive"]);
}

// 2. The trailing slash that follows a symlink.
#[test]
fn trailing_slash_on_symlink_is_blocked_and_names_the_emptied_directory() {
    let env = TestEnv::new();
    env.write("target/keep.txt", "precious");
    env.symlink("target", "link");
    let review = env.review("rm -rf link/");
    review.expect("block", &["symlink-trailing-slash"]);
    let target = std::fs::canonicalize(env.path("target")).unwrap();
    assert!(
        review.messages().contains(&target.display().to_string()),
        "{}",
        review.messages()
    );
    assert_eq!(review.targets(), vec![target.display().to_string()]);

    // Without the slash only the link goes: nothing to stop.
    env.review("rm -rf link").expect("allow", &[]);
}

#[test]
fn real_gnu_rm_empties_the_target_through_link_slash() {
    // The behaviour the rule exists for, shown with the real rm on a fixture.
    let env = TestEnv::new();
    env.write("target/keep.txt", "precious");
    env.symlink("target", "link");
    let status = Command::new("rm")
        .arg("-rf")
        .arg("link/")
        .current_dir(env.work())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        env.path("link").symlink_metadata().is_ok(),
        "the link stays"
    );
    assert!(
        !env.path("target/keep.txt").exists(),
        "the target's contents are gone"
    );
}

// 3. Wrong host: the database directory on the primary.
const CLUSTER_POLICY: &str = r#"
[[environment]]
name = "production"
hosts = ["db*.cluster.example.com"]
color = "red"
confirm = "hostname"
"#;

#[test]
fn emptying_the_database_directory_on_production_is_blocked() {
    let env = TestEnv::new()
        .with_host("db1.cluster.example.com")
        .with_policy(CLUSTER_POLICY);
    let review = env.review("rm -rf /var/lib/postgresql/15/main");
    review.expect("block", &["protected-path", "production"]);
    assert_eq!(review.json["context"]["environment"], "production");
    assert_eq!(review.json["context"]["host"], "db1.cluster.example.com");
}

#[test]
fn the_same_command_on_a_development_host_asks_first() {
    let env = TestEnv::new()
        .with_host("laptop")
        .with_policy(CLUSTER_POLICY);
    let review = env.review("rm -rf /var/lib/postgresql/15/main");
    review.expect("confirm", &["protected-path"]);
    assert!(!review.has_rule("production"));
}

#[test]
fn review_can_pretend_to_be_the_primary() {
    let env = TestEnv::new()
        .with_host("laptop")
        .with_policy(CLUSTER_POLICY);
    let out = env
        .cmd()
        .args([
            "review",
            "--format",
            "json",
            "--host",
            "db1.cluster.example.com",
            "-c",
            "rm -rf /var/lib/postgresql/15/main/*",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(20));
}

#[test]
fn a_protect_entry_in_a_user_policy_blocks_a_temp_directory() {
    let env = TestEnv::new();
    let data = env.mkdir("pgdata");
    let env = env.with_policy(&format!(
        "[[protect]]\npaths = [\"{}\"]\nverdict = \"block\"\nreason = \"replica data\"\n",
        data.display()
    ));
    env.review("rm -rf pgdata")
        .expect("block", &["protected-path"]);
    env.review("rm -rf pgdata/base")
        .expect("block", &["protected-path"]);
    env.review(&format!("rm -rf {}", env.work().display()))
        .expect("block", &["protected-path"]);
}

#[test]
fn production_makes_ordinary_deletes_ask() {
    let env = TestEnv::new()
        .with_host("db1.cluster.example.com")
        .with_policy(CLUSTER_POLICY);
    env.mkdir("build");
    env.review("rm -rf build")
        .expect("confirm", &["production"]);
    // Harmless commands stay allowed, even on production.
    env.review("ls -la; rm -f does-not-exist")
        .expect("allow", &[]);
}

// 7. The empty variable.
#[test]
fn empty_variable_before_slash_star_is_blocked() {
    let env = TestEnv::new();
    let review = env.review(r#"rm -rf "$STEAMROOT/"*"#);
    review.expect("block", &["unset-variable"]);
    assert!(review.messages().contains("'/*'"), "{}", review.messages());
}

#[test]
fn variable_from_a_substitution_may_be_empty_too() {
    let env = TestEnv::new();
    let script = "STEAMROOT=\"$(cd \"${0%/*}\" && echo $PWD)\"\nrm -rf \"$STEAMROOT/\"*\n";
    env.review(script).expect("block", &["unset-variable"]);
}

#[test]
fn guarded_variable_is_not_unset_variable() {
    let env = TestEnv::new();
    let review = env.review(r#"rm -rf "${STEAMROOT:?}/"*"#);
    assert!(!review.has_rule("unset-variable"), "{:?}", review.rules());
    assert_ne!(review.verdict(), "allow", "the target is still unknown");
}

#[test]
fn a_known_variable_resolves() {
    let env = TestEnv::new();
    env.mkdir("steam/cache");
    env.review("STEAMROOT=./steam; rm -rf \"$STEAMROOT/\"*")
        .expect("allow", &[]);
}

// 5. Object storage migration: the direction of `rclone sync` decides what is deleted.
#[test]
fn rclone_sync_says_which_side_loses_what() {
    let env = TestEnv::new();
    let review = env.review("rclone sync old-bucket:media new-bucket:media --transfers 8");
    review.expect("confirm", &["sync-delete"]);
    let message = review.messages();
    assert!(
        message.contains("new-bucket:media will lose every object that old-bucket:media lacks"),
        "{message}"
    );
    assert!(
        message.contains("old-bucket:media → new-bucket:media"),
        "{message}"
    );
    // A dry run, and a copy, delete nothing.
    env.review("rclone sync --dry-run old-bucket:media new-bucket:media")
        .expect("allow", &[]);
    env.review("rclone copy old-bucket:media new-bucket:media")
        .expect("allow", &[]);
}

// 4. The daily reboot timer that looped.
fn reboot_timer(env: &TestEnv, persistent: bool) -> std::path::PathBuf {
    let units = env.mkdir("units");
    std::fs::write(
        units.join("daily-reboot.timer"),
        format!(
            "[Unit]\nDescription=Work around the kernel leak\n\n[Timer]\nOnCalendar=*-*-* 3:30:00\nPersistent={persistent}\n\n[Install]\nWantedBy=timers.target\n"
        ),
    )
    .unwrap();
    std::fs::write(
        units.join("daily-reboot.service"),
        "[Unit]\nDescription=Daily reboot\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/systemctl reboot\n",
    )
    .unwrap();
    units
}

#[test]
fn enabling_a_persistent_reboot_timer_is_a_reboot_loop() {
    let env = TestEnv::new();
    let units = reboot_timer(&env, true);
    let review = env.review(&format!(
        "systemctl enable --now {}/daily-reboot.timer",
        units.display()
    ));
    review.expect("confirm", &["timer-reboot-loop"]);
    assert!(
        review.messages().contains("Persistent=true"),
        "{}",
        review.messages()
    );
    // By name, found on the unit search path.
    let out = env
        .cmd()
        .env("SYSTEMD_UNIT_PATH", &units)
        .args([
            "review",
            "--format",
            "json",
            "-c",
            "systemctl start daily-reboot.timer",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    assert!(String::from_utf8_lossy(&out.stdout).contains("timer-reboot-loop"));
}

#[test]
fn a_reboot_timer_without_persistent_is_a_scheduled_reboot() {
    let env = TestEnv::new();
    let units = reboot_timer(&env, false);
    let review = env.review(&format!(
        "systemctl enable {}/daily-reboot.timer",
        units.display()
    ));
    review.expect("confirm", &["reboot"]);
    assert!(!review.has_rule("timer-reboot-loop"));
}

#[test]
fn an_ordinary_timer_is_allowed() {
    let env = TestEnv::new();
    let units = env.mkdir("units");
    std::fs::write(
        units.join("backup.timer"),
        "[Timer]\nOnCalendar=daily\nPersistent=true\n",
    )
    .unwrap();
    std::fs::write(
        units.join("backup.service"),
        "[Service]\nExecStart=/bin/sh -c 'tar czf /backup/etc.tgz /etc'\n",
    )
    .unwrap();
    env.review(&format!(
        "systemctl enable --now {}/backup.timer",
        units.display()
    ))
    .expect("allow", &[]);
    std::fs::write(
        units.join("sneaky.timer"),
        "[Timer]\nOnCalendar=daily\nPersistent=yes\nUnit=backup2.service\n",
    )
    .unwrap();
    std::fs::write(
        units.join("backup2.service"),
        "[Service]\nExecStartPost=-/bin/sh -c 'sync; /sbin/reboot'\n",
    )
    .unwrap();
    env.review(&format!("systemctl start {}/sneaky.timer", units.display()))
        .expect("confirm", &["timer-reboot-loop"]);
}

#[test]
fn stopping_sshd_over_ssh_would_lock_you_out() {
    let env = TestEnv::new();
    let over_ssh = |text: &str| {
        let out = env
            .cmd()
            .env("SSH_CONNECTION", "10.0.0.2 51000 10.0.0.1 22")
            .args(["review", "--format", "json", "-c", text])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, json) = over_ssh("systemctl stop sshd");
    assert_eq!(code, Some(10));
    assert!(json.contains("remote-lockout"));
    assert_eq!(
        over_ssh("systemctl disable --now NetworkManager.service").0,
        Some(10)
    );
    assert_eq!(over_ssh("systemctl restart sshd").0, Some(0));
    // At the console, stopping sshd is ordinary administration.
    env.review("systemctl stop sshd").expect("allow", &[]);
}
