//! Shell integration end to end: `shellguard init` rendered and run by real bash, zsh and
//! fish (no rc files, HOME in a temp dir), the guarded functions in front of real rm, a
//! stub sudo that records how it was called, and the other shell-facing commands.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::TestEnv;

const SHELLS: [&str; 3] = ["bash", "zsh", "fish"];

const PRODUCTION: &str = r#"
[[environment]]
name = "production"
hosts = ["db*.example.com"]
color = "red"
confirm = "hostname"
"#;

fn shellguard() -> PathBuf {
    assert_cmd::cargo::cargo_bin("shellguard")
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

/// The line a user puts in their rc file, with the binary's absolute path.
fn init_line(shell: &str, options: &str) -> String {
    let sg = shellguard().display().to_string();
    match shell {
        "fish" => format!("'{sg}' init fish {options} | source"),
        _ => format!("eval \"$('{sg}' init {shell} {options})\""),
    }
}

/// `shell` without any rc file, HOME inside the test world, `bin/` first on PATH.
fn shell(env: &TestEnv, shell: &str, interactive: bool, script: &str) -> std::process::Command {
    let home = env.root().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = env.std_cmd(shell);
    let mut args: Vec<&str> = match shell {
        "bash" => vec!["--norc", "--noprofile"],
        "zsh" => vec!["-f"],
        "fish" => vec!["--no-config"],
        other => panic!("no shell {other}"),
    };
    if interactive {
        args.push("-i");
    }
    args.extend(["-c", script]);
    let path = format!(
        "{}:{}",
        env.root().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.args(args)
        .env("HOME", &home)
        .env("PATH", path)
        .env_remove("PROMPT_COMMAND")
        .env_remove("SHELLGUARD_REVIEW_KEY");
    cmd
}

fn output(mut cmd: std::process::Command) -> Output {
    cmd.output().expect("start the shell")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `init` printed to a file, as the user's shell would get it.
fn rendered(env: &TestEnv, shell: &str, options: &[&str]) -> PathBuf {
    let out = env
        .cmd()
        .arg("init")
        .arg(shell)
        .args(options)
        .output()
        .unwrap();
    assert!(out.status.success(), "init {shell}: {}", text(&out.stderr));
    assert!(out.stderr.is_empty());
    let path = env
        .root()
        .join(format!("init-{shell}-{}", options.join("")));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// A program on the test PATH that records its arguments, NUL-separated, in `file`.
fn install_recorder(env: &TestEnv, name: &str, file: &Path) {
    let bin = env.root().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!("#!/bin/sh\nprintf '%s\\0' \"$@\" > '{}'\n", file.display());
    let path = bin.join(name);
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in for sudo: records its argv and, when it was asked to run shellguard, runs
/// it as the same user. Real sudo is never run, nor anything else.
fn install_stub_sudo(env: &TestEnv) -> PathBuf {
    let bin = env.root().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = env.root().join("sudo-argv");
    let script = format!(
        r#"#!/bin/bash
printf '%s\0' "$@" > '{}'
while (($#)); do
    [[ $1 == '{}' ]] && exec "$@"
    shift
done
"#,
        log.display(),
        shellguard().display()
    );
    let path = bin.join("sudo");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    log
}

fn recorded(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut args: Vec<String> = bytes
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    args.pop(); // after the last NUL
    args
}

#[test]
fn rendered_scripts_run_silently_in_every_shell_even_sourced_twice() {
    let env = TestEnv::new()
        .with_host("db1.example.com")
        .with_policy(PRODUCTION);
    for sh in SHELLS {
        for options in [&[][..], &["--no-prompt", "--no-sudo", "--no-keys"][..]] {
            let script = rendered(&env, sh, options);
            let source = format!("source '{0}'; source '{0}'", script.display());
            let out = output(shell(&env, sh, false, &source));
            assert!(
                out.status.success(),
                "{sh} {options:?}: {}",
                text(&out.stderr)
            );
            assert_eq!(text(&out.stdout), "", "{sh} {options:?} printed something");
            assert_eq!(text(&out.stderr), "", "{sh} {options:?} complained");

            // Interactive shells without a terminal say so themselves: only what the
            // integration adds to that counts.
            let baseline = output(shell(&env, sh, true, "true"));
            let out = output(shell(&env, sh, true, &source));
            assert!(
                out.status.success(),
                "{sh} -i {options:?}: {}",
                text(&out.stderr)
            );
            assert_eq!(
                text(&out.stdout),
                text(&baseline.stdout),
                "{sh} -i {options:?}"
            );
            assert_eq!(
                text(&out.stderr),
                text(&baseline.stderr),
                "{sh} -i {options:?}"
            );
        }
    }
}

#[test]
fn bash_script_works_under_set_u_and_keeps_prompt_command() {
    let env = TestEnv::new()
        .with_host("db1.example.com")
        .with_policy(PRODUCTION);
    let script = rendered(&env, "bash", &[]);
    let s = script.display();
    // String form: the user's command still runs, ours comes after it.
    let check = format!(
        "set -u; PROMPT_COMMAND='mine'; PS1='$ '; source '{s}'; source '{s}'; \
         declare -p PROMPT_COMMAND; printf 'PS1=%s\\n' \"$PS1\""
    );
    let out = output(shell(&env, "bash", true, &check));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("declare -- PROMPT_COMMAND=$'mine\\n__shellguard_prompt'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("PRODUCTION") && stdout.ends_with("] $ \n"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("PRODUCTION").count(),
        1,
        "badge once: {stdout}"
    );

    // Array form (bash 5.1): appended as one more element.
    let check = format!(
        "set -u; PROMPT_COMMAND=(one two); source '{s}'; source '{s}'; declare -p PROMPT_COMMAND"
    );
    let out = output(shell(&env, "bash", true, &check));
    assert_eq!(
        text(&out.stdout),
        "declare -a PROMPT_COMMAND=([0]=\"one\" [1]=\"two\" [2]=\"__shellguard_prompt\")\n",
        "{}",
        text(&out.stderr)
    );

    // Unset PROMPT_COMMAND and PS1 under set -u, non-interactive and interactive.
    for interactive in [false, true] {
        let check =
            format!("set -u; unset PROMPT_COMMAND PS1; source '{s}'; rm --version >/dev/null");
        let out = output(shell(&env, "bash", interactive, &check));
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

#[test]
fn bash_script_passes_shellcheck() {
    let env = TestEnv::new()
        .with_host("db1.example.com")
        .with_policy(PRODUCTION);
    for options in [
        &[][..],
        &["--no-prompt"][..],
        &["--no-sudo", "--no-keys"][..],
    ] {
        let script = rendered(&env, "bash", options);
        let out = std::process::Command::new("shellcheck")
            .args(["-s", "bash"])
            .arg(&script)
            .output()
            .expect("shellcheck is installed (.ci/run installs it)");
        assert!(
            out.status.success(),
            "shellcheck {options:?}:\n{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn rm_through_a_symlink_with_trailing_slash_is_refused_in_every_shell() {
    let env = TestEnv::new();
    for sh in SHELLS {
        let target = env.mkdir(&format!("target-{sh}"));
        std::fs::write(target.join("data"), "keep").unwrap();
        env.symlink(&format!("target-{sh}"), &format!("link-{sh}"));
        let script = format!("{}\nrm -rf link-{sh}/", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert_eq!(out.status.code(), Some(20), "{sh}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("symlink-trailing-slash"), "{sh}");
        assert_eq!(
            std::fs::read_to_string(target.join("data")).unwrap(),
            "keep"
        );
    }
}

#[test]
fn rm_works_through_the_function_and_undo_brings_the_file_back() {
    let env = TestEnv::new();
    for sh in SHELLS {
        let file = env.write(&format!("notes-{sh}.txt"), "precious");
        let script = format!("{}\nrm notes-{sh}.txt", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert!(out.status.success(), "{sh}: {}", text(&out.stderr));
        assert!(!file.exists(), "{sh}: rm did not remove the file");
        let undo = env.cmd().arg("undo").output().unwrap();
        assert!(undo.status.success(), "{sh}: {}", text(&undo.stderr));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious", "{sh}");
    }
}

#[test]
fn arguments_reach_the_real_program_byte_for_byte() {
    let env = TestEnv::new().with_policy("[guard]\nprograms = [\"argdump\"]\n");
    let log = env.root().join("argdump.log");
    install_recorder(&env, "argdump", &log);
    let expected = ["a b", "", "-n", "--", "x\ny", "*", "$HOME", "'\"", "-rf"];
    for sh in SHELLS {
        let _ = std::fs::remove_file(&log);
        // Written so that every shell passes exactly these words.
        let args = match sh {
            "fish" => {
                r#"'a b' '' -n -- 'x
y' '*' '$HOME' '\'"' -rf"#
            }
            _ => {
                r#"'a b' '' -n -- 'x
y' '*' '$HOME' \'\" -rf"#
            }
        };
        // The wrapper function is what runs (shellguard then execs the real program).
        let probe = match sh {
            "fish" => "functions -q argdump",
            _ => "typeset -f argdump >/dev/null",
        };
        let script = format!("{}\n{probe} || exit 99\nargdump {args}", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert!(out.status.success(), "{sh}: {}", text(&out.stderr));
        assert_eq!(recorded(&log), expected, "{sh}");
    }
}

#[test]
fn sudo_rm_rf_root_goes_through_shellguard_and_is_refused() {
    let env = TestEnv::new();
    let log = install_stub_sudo(&env);
    let sg = shellguard().display().to_string();
    for sh in SHELLS {
        let script = format!("{}\nsudo -u root -E rm -rf /", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert_eq!(out.status.code(), Some(20), "{sh}: {}", text(&out.stderr));
        assert_eq!(
            recorded(&log),
            ["-u", "root", "-E", &sg, "run", "--", "rm", "-rf", "/"],
            "{sh}"
        );
    }
}

#[test]
fn sudo_keeps_its_options_and_leaves_other_commands_alone() {
    let env = TestEnv::new();
    let log = install_stub_sudo(&env);
    let sg = shellguard().display().to_string();
    let cases: &[(&str, &[&str])] = &[
        // Not guarded: exactly as typed.
        ("sudo true", &["true"]),
        (
            "sudo -u nobody true 'a b'",
            &["-u", "nobody", "true", "a b"],
        ),
        // Listing or editing, not running: exactly as typed.
        ("sudo -l rm -f missing", &["-l", "rm", "-f", "missing"]),
        // Options with values, in clusters, long and abbreviated, variables, `--`.
        (
            "sudo -Eu nobody rm -f missing",
            &["-Eu", "nobody", &sg, "run", "--", "rm", "-f", "missing"],
        ),
        (
            "sudo -unobody rm -f missing",
            &["-unobody", &sg, "run", "--", "rm", "-f", "missing"],
        ),
        (
            "sudo --user nobody --chdir=/ rm -f missing",
            &[
                "--user",
                "nobody",
                "--chdir=/",
                &sg,
                "run",
                "--",
                "rm",
                "-f",
                "missing",
            ],
        ),
        (
            "sudo --us nobody rm -f missing",
            &["--us", "nobody", &sg, "run", "--", "rm", "-f", "missing"],
        ),
        (
            "sudo LC_ALL=C -- rm -f missing",
            &["LC_ALL=C", "--", &sg, "run", "--", "rm", "-f", "missing"],
        ),
    ];
    for sh in SHELLS {
        for (line, expected) in cases {
            let script = format!("{}\n{line}", init_line(sh, ""));
            let out = output(shell(&env, sh, false, &script));
            assert!(out.status.success(), "{sh}: {line}: {}", text(&out.stderr));
            assert_eq!(recorded(&log), *expected, "{sh}: {line}");
        }
        // --no-sudo leaves sudo alone altogether.
        let script = format!("{}\nsudo rm -f missing", init_line(sh, "--no-sudo"));
        assert!(output(shell(&env, sh, false, &script)).status.success());
        assert_eq!(recorded(&log), ["rm", "-f", "missing"], "{sh} --no-sudo");
    }
}

#[test]
fn an_alias_does_not_break_the_wrapper_definition() {
    // RHEL's default rc has alias rm='rm -i': the wrapper must still be defined and used.
    let env = TestEnv::new();
    let target = env.mkdir("target");
    env.symlink("target", "link");
    std::fs::write(target.join("data"), "keep").unwrap();
    for sh in ["bash", "zsh"] {
        let script = format!("alias rm='rm -i'\n{}\nrm -rf link/", init_line(sh, ""));
        let out = output(shell(&env, sh, true, &script));
        assert_eq!(out.status.code(), Some(20), "{sh}: {}", text(&out.stderr));
        assert!(target.join("data").exists());
    }
}

#[test]
fn wrappers_cover_every_guarded_program_including_dotted_names() {
    let env = TestEnv::new();
    for sh in SHELLS {
        let probe = match sh {
            "fish" => "functions -q rm mkfs.ext4 rsync crontab sudo",
            "zsh" => {
                "whence -w rm mkfs.ext4 rsync crontab sudo | grep -vq ': function$' && exit 1; true"
            }
            _ => {
                "for f in rm mkfs.ext4 rsync crontab sudo; do [ \"$(type -t $f)\" = function ] || exit 1; done"
            }
        };
        let script = format!("{}\n{probe}", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert!(out.status.success(), "{sh}: {}", text(&out.stderr));
    }
}

#[test]
fn prompt_badge_shows_the_environment_only_where_there_is_one() {
    let env = TestEnv::new()
        .with_host("db1.example.com")
        .with_policy(PRODUCTION);
    let badge = |shell: &str| {
        let out = env
            .cmd()
            .args(["prompt", "--shell", shell])
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert!(out.status.success());
        text(&out.stdout)
    };
    let user = if is_root() { "root@" } else { "" };
    assert_eq!(
        badge("bash"),
        format!("\\[\\e[1;31m\\][PRODUCTION {user}db1.example.com]\\[\\e[0m\\] ")
    );
    assert_eq!(
        badge("zsh"),
        format!("%{{\x1b[1;31m%}}[PRODUCTION {user}db1.example.com]%{{\x1b[0m%}} ")
    );
    assert_eq!(
        badge("plain"),
        format!("\x1b[1;31m[PRODUCTION {user}db1.example.com]\x1b[0m")
    );
    let plain = env
        .cmd()
        .args(["prompt", "--shell", "plain"])
        .output()
        .unwrap();
    assert_eq!(
        text(&plain.stdout),
        format!("[PRODUCTION {user}db1.example.com]"),
        "NO_COLOR"
    );

    // A host the policy says nothing about: no badge, unless root.
    let elsewhere = TestEnv::new().with_host("laptop").with_policy(PRODUCTION);
    let out = elsewhere.cmd().arg("prompt").output().unwrap();
    let expected = if is_root() { "[root@laptop]" } else { "" };
    assert_eq!(text(&out.stdout), expected);
    let out = elsewhere
        .cmd()
        .args(["prompt", "--always"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("laptop]"));
}

#[test]
fn banner_names_host_environment_and_how_to_confirm() {
    let env = TestEnv::new()
        .with_host("db1.example.com")
        .with_policy(PRODUCTION);
    let out = env.cmd().arg("banner").output().unwrap();
    let banner = text(&out.stdout);
    assert!(out.status.success());
    assert!(
        banner.contains("db1.example.com · PRODUCTION · user "),
        "{banner}"
    );
    assert!(banner.contains("host name typed out"), "{banner}");

    env.cmd()
        .args(["freeze", "--reason", "migration"])
        .assert()
        .success();
    let banner = text(&env.cmd().arg("banner").output().unwrap().stdout);
    assert!(
        banner.contains("FROZEN") && banner.contains("migration"),
        "{banner}"
    );
}

#[test]
fn shims_are_idempotent_refuse_real_files_and_guard_through_path() {
    let env = TestEnv::new();
    let dir = env.root().join("shims");
    env.cmd().arg("shims").arg(&dir).assert().success();
    let rm = dir.join("rm");
    assert_eq!(std::fs::read_link(&rm).unwrap(), shellguard());
    assert!(dir.join("mkfs.ext4").is_symlink());
    // Again: nothing to do, nothing broken.
    let again = env.cmd().arg("shims").arg(&dir).output().unwrap();
    assert!(again.status.success());
    assert!(
        text(&again.stdout).starts_with("0 of "),
        "{}",
        text(&again.stdout)
    );

    // Through PATH, a script (no functions) is guarded too.
    let target = env.mkdir("target");
    std::fs::write(target.join("data"), "keep").unwrap();
    env.symlink("target", "link");
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap());
    let out = env
        .std_cmd("sh")
        .args(["-c", "rm -rf link/"])
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(20), "{}", text(&out.stderr));
    assert!(target.join("data").exists());

    // A real file where a link would go is left alone, and so is everything else.
    std::fs::remove_file(&rm).unwrap();
    std::fs::write(&rm, "mine").unwrap();
    std::fs::remove_file(dir.join("mv")).unwrap();
    let out = env.cmd().arg("shims").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a symlink"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&rm).unwrap(), "mine");
    assert!(!dir.join("mv").exists());
}

#[test]
fn completions_load_in_their_shells_and_the_man_page_is_roff() {
    let env = TestEnv::new();
    for sh in SHELLS {
        let out = env.cmd().args(["completions", sh]).output().unwrap();
        assert!(out.status.success());
        let file = env.root().join(format!("completion.{sh}"));
        std::fs::write(&file, &out.stdout).unwrap();
        let load = match sh {
            "zsh" => format!(
                "autoload -Uz compinit && compinit -u && source '{}'",
                file.display()
            ),
            _ => format!("source '{}'", file.display()),
        };
        let out = output(shell(&env, sh, false, &load));
        assert!(out.status.success(), "{sh}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{sh}");
    }
    let man = env.cmd().arg("man").output().unwrap();
    assert!(man.status.success());
    let page = text(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH shellguard"),
        "{page}"
    );
    assert!(page.contains("init"));
}

#[test]
fn escape_hatches_are_the_documented_ones() {
    let env = TestEnv::new();
    let target = env.mkdir("target");
    std::fs::write(target.join("data"), "keep").unwrap();
    env.symlink("target", "link");
    for sh in ["bash", "zsh"] {
        // A backslash skips aliases only: the guarded function still runs.
        let script = format!("{}\n\\rm -rf link/", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert_eq!(out.status.code(), Some(20), "{sh}: {}", text(&out.stderr));
        assert!(target.join("data").exists());
    }
    for sh in SHELLS {
        // `command` reaches the real rm: no banner, no snapshot.
        let file = env.write(&format!("plain-{sh}"), "x");
        let script = format!("{}\ncommand rm plain-{sh}", init_line(sh, ""));
        let out = output(shell(&env, sh, false, &script));
        assert!(out.status.success(), "{sh}: {}", text(&out.stderr));
        assert!(!file.exists());
    }
    let undo = env.cmd().arg("undo").output().unwrap();
    assert!(
        text(&undo.stderr).contains("nothing to undo"),
        "{}",
        text(&undo.stderr)
    );
}
