//! The text report as people read it, pinned with insta for a few incidents.

mod common;

use common::TestEnv;

fn text_report(env: &TestEnv, cwd: &std::path::Path, command: &str) -> String {
    let out = env
        .cmd()
        .args(["review", "--cwd"])
        .arg(cwd)
        .args(["-c", command])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(&env.work().display().to_string(), "[work]")
}

#[test]
fn report_rsync_into_root() {
    let env = TestEnv::new();
    insta::assert_snapshot!(text_report(
        &env,
        std::path::Path::new("/"),
        "rsync -aP /srv/lxc/root/ ."
    ));
}

#[test]
fn report_trailing_slash_symlink() {
    let env = TestEnv::new();
    env.mkdir("target");
    env.symlink("target", "link");
    insta::assert_snapshot!(text_report(&env, &env.work(), "rm -rf link/\nrm -rf link"));
}

#[test]
fn report_unset_variable() {
    let env = TestEnv::new();
    insta::assert_snapshot!(text_report(
        &env,
        &env.work(),
        "cd \"$STEAMROOT\" || exit\nrm -rf \"$STEAMROOT/\"*"
    ));
}

#[test]
fn report_database_directory_on_production() {
    let env = TestEnv::new().with_host("db1.cluster.example.com").with_policy(
        "[[environment]]\nname = \"production\"\nhosts = [\"db*.cluster.example.com\"]\ncolor = \"red\"\nconfirm = \"hostname\"\n",
    );
    insta::assert_snapshot!(text_report(
        &env,
        std::path::Path::new("/"),
        "rm -rf /var/lib/postgresql/15/main"
    ));
}

#[test]
fn an_allowed_command_that_destroys_says_it_is_snapshotted() {
    let env = TestEnv::new();
    env.mkdir("build");
    let report = text_report(&env, &env.work(), "rm -rf ./build");
    assert!(
        report.contains("allow: what this destroys is snapshotted first"),
        "{report}"
    );
    let report = text_report(&env, &env.work(), "ls -la");
    assert!(report.contains("allow: nothing here destroys"), "{report}");
}
