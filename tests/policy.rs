//! Policy layers, validation with positions, and `policy show|check|explain`.

mod common;

use common::TestEnv;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_builtin_policy_is_valid_and_shown() {
    let env = TestEnv::new();
    let out = env.cmd().args(["policy", "show"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("/var/lib/postgresql"), "{text}");
    assert!(text.contains("name = \"production\""));
}

#[test]
fn check_names_file_line_and_column_of_a_syntax_error() {
    let env = TestEnv::new();
    let file = env.write(
        "bad.toml",
        "[[protect]]\npaths = [\"/data\"\nverdict = \"block\"\n",
    );
    let out = env
        .cmd()
        .args(["policy", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:2:", file.display()))
            || err.contains(&format!("{}:3:", file.display())),
        "{err}"
    );
}

#[test]
fn check_rejects_unknown_keys_bad_verdicts_and_bad_globs_with_positions() {
    let env = TestEnv::new();
    for (text, line, needle) in [
        (
            "[[protect]]\npaths = [\"/data\"]\nverdikt = \"block\"\n",
            3,
            "verdikt",
        ),
        (
            "[[protect]]\npaths = [\"/data\"]\nverdict = \"maybe\"\n",
            3,
            "maybe",
        ),
        (
            "[[environment]]\nname = \"prod\"\nhosts = [\"db[1.example\"]\n",
            3,
            "glob",
        ),
        (
            "[[environment]]\nname = \"prod\"\ncolor = \"mauve\"\n",
            3,
            "mauve",
        ),
        ("[rules]\nno-such-rule = \"block\"\n", 2, "no-such-rule"),
        ("[[protect]]\npaths = [\"relative/path\"]\n", 2, "absolute"),
    ] {
        let file = env.write("p.toml", text);
        let out = env
            .cmd()
            .args(["policy", "check"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{text}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{}:{line}:", file.display())),
            "line {line} for {text:?}: {err}"
        );
        assert!(err.contains(needle), "{needle} in {err}");
    }
}

#[test]
fn a_broken_layer_stops_review_with_its_position_and_is_never_allow() {
    let env = TestEnv::new().with_policy("[[protect]\n");
    let out = env.cmd().args(["review", "-c", "ls"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("policy0.toml:1:"), "{}", stderr(&out));
}

#[test]
fn a_user_layer_cannot_weaken_a_system_block() {
    let env = TestEnv::new()
        .with_policy("[rules]\nroot-target = \"allow\"\nsymlink-trailing-slash = \"confirm\"\n");
    env.review_in(std::path::Path::new("/"), "rm -rf --no-preserve-root /")
        .expect("block", &["root-target"]);
    let out = env.cmd().args(["policy", "show"]).output().unwrap();
    assert!(stdout(&out).contains("ignored"), "{}", stdout(&out));
}

#[test]
fn a_user_layer_can_tighten() {
    let env = TestEnv::new().with_policy("[rules]\noverwrite = \"confirm\"\n");
    env.write("notes.txt", "x");
    env.review("echo y > notes.txt")
        .expect("confirm", &["overwrite"]);
}

#[test]
fn environment_from_host_globs_or_forced() {
    let env = TestEnv::new()
        .with_host("web3.shop.example")
        .with_policy("[[environment]]\nname = \"production\"\nhosts = [\"*.shop.example\"]\ncolor = \"red\"\nconfirm = \"hostname\"\n");
    assert_eq!(
        env.review("ls").json["context"]["environment"],
        "production"
    );
    let out = env
        .cmd()
        .env("SHELLGUARD_ENV", "staging")
        .args(["review", "--format", "json", "-c", "ls"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["context"]["environment"], "staging");
    let out = env
        .cmd()
        .args(["review", "--format", "json", "--env", "dev", "-c", "ls"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["context"]["environment"], "dev");
}

#[test]
fn protect_entries_can_be_limited_to_environments() {
    let data = "/srv/ledger";
    let policy = format!(
        "[[environment]]\nname = \"production\"\nhosts = [\"prodbox\"]\n\n[[protect]]\npaths = [\"{data}\"]\nverdict = \"block\"\nenvironments = [\"production\"]\n"
    );
    let prod = TestEnv::new().with_host("prodbox").with_policy(&policy);
    prod.review(&format!("rm -rf {data}/2026"))
        .expect("block", &["protected-path"]);
    let dev = TestEnv::new().with_host("devbox").with_policy(&policy);
    assert!(
        !dev.review(&format!("rm -rf {data}/2026"))
            .has_rule("protected-path")
    );
}

#[test]
fn explain_documents_every_rule() {
    let env = TestEnv::new();
    let out = env.cmd().args(["policy", "explain"]).output().unwrap();
    let list = stdout(&out);
    for id in [
        "root-target",
        "system-path",
        "home-dir",
        "protected-path",
        "symlink-trailing-slash",
        "cwd-sensitive",
        "unset-variable",
        "production",
        "crontab-remove",
        "crontab-replace",
        "reboot",
        "timer-reboot-loop",
        "rsync-delete",
        "sync-delete",
        "device-write",
        "recursive-permissions",
        "frozen",
        "unparseable",
    ]
    .into_iter()
    .chain(shellguard::rules::Rule::ALL.iter().map(|r| r.id()))
    {
        assert!(list.contains(id), "{id} listed");
        let out = env.cmd().args(["policy", "explain", id]).output().unwrap();
        assert!(out.status.success(), "explain {id}");
        assert!(stdout(&out).len() > 80, "explain {id} says something");
    }
    let out = env
        .cmd()
        .args(["policy", "explain", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn protected_patterns_match_literally_and_by_glob_in_every_relation() {
    // Literal patterns skip the glob engine; globbed ones compile on first use.
    // Both must give the same three relations: the path is, contains or lies inside.
    let policy =
        "[[protect]]\npaths = [\"/srv/ledger/\", \"/srv/db-*/data\"]\nverdict = \"block\"\n";
    let env = TestEnv::new().with_policy(policy);
    for text in [
        "rm -rf /srv/ledger",
        "rm -rf /srv/ledger/2026/jan",
        "rm -rf /srv",
        "rm -rf /srv/db-main/data",
        "rm -rf /srv/db-main/data/base",
        "rm -rf /srv/db-main",
    ] {
        env.review(text).expect("block", &["protected-path"]);
    }
    for text in [
        "rm -rf /srv/ledgers",
        "rm -rf /srv/db-main/logs",
        "rm -rf /srv/dbmain/data",
    ] {
        assert!(!env.review(text).has_rule("protected-path"), "{text}");
    }
}
