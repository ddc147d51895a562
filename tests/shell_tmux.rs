//! Interactive flows in a real terminal: bash, zsh and fish run inside a private tmux
//! server (its own socket in the test's temp dir, no config), driven with `send-keys` and read with
//! `capture-pane`. Every wait polls the screen until a deadline; none sleeps blindly.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::TestEnv;

const PRODUCTION: &str = r#"
[[environment]]
name = "production"
hosts = ["db*.example.com"]
color = "red"
confirm = "hostname"
"#;

const HOST: &str = "db1.example.com";

/// How long a screen may take to show what is expected (a loaded CI machine is slow).
const PATIENCE: Duration = Duration::from_secs(20);

fn shellguard() -> PathBuf {
    assert_cmd::cargo::cargo_bin("shellguard")
}

/// One tmux server with one pane; killed when dropped, whatever the test did.
struct Terminal {
    socket: String,
    env: TestEnv,
}

impl Terminal {
    /// `shell` (bash, zsh or fish) started interactively in the test world with the
    /// integration loaded, on the production host.
    fn start(shell: &str) -> Terminal {
        Terminal::start_with(shell, &[])
    }

    fn start_with(shell: &str, vars: &[(&str, &str)]) -> Terminal {
        let env = TestEnv::new().with_host(HOST).with_policy(PRODUCTION);
        let home = env.root().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let sg = shellguard().display().to_string();
        let rc = env.root().join("rc");
        let command = match shell {
            "bash" => {
                std::fs::write(&rc, format!("PS1='$ '\neval \"$('{sg}' init bash)\"\n")).unwrap();
                format!("bash --noprofile --rcfile '{}' -i", rc.display())
            }
            "zsh" => {
                std::fs::write(
                    home.join(".zshrc"),
                    format!("PROMPT='%% '\neval \"$('{sg}' init zsh)\"\n"),
                )
                .unwrap();
                // ZDOTDIR's .zshrc only: -d skips the global rc files.
                "zsh -d -i".to_string()
            }
            "fish" => {
                std::fs::write(
                    &rc,
                    format!("function fish_prompt; printf '> '; end\n'{sg}' init fish | source\n"),
                )
                .unwrap();
                format!("fish --no-config -i -C 'source {}'", rc.display())
            }
            other => panic!("no shell {other}"),
        };
        // A socket inside the test world (not -L's shared /tmp/tmux-UID): a private
        // server, and nothing left behind when the world is removed.
        let socket = env.root().join("tmux.sock").display().to_string();
        let terminal = Terminal { socket, env };
        let status = terminal
            .tmux()
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "50",
            ])
            .arg(&command)
            .env("HOME", &home)
            .env("ZDOTDIR", &home)
            .env("TERM", "xterm-256color")
            .env_remove("PROMPT_COMMAND")
            .env_remove("TMUX")
            .envs(vars.iter().copied())
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success(), "tmux new-session failed");
        terminal
    }

    fn tmux(&self) -> Command {
        let mut cmd = self.env.std_cmd("tmux");
        cmd.args(["-S", &self.socket]);
        cmd
    }

    /// Keys in tmux's names (`C-x`, `Enter`).
    fn keys(&self, keys: &[&str]) {
        let status = self.tmux().arg("send-keys").args(keys).status().unwrap();
        assert!(status.success());
    }

    /// Text typed as it is.
    fn type_text(&self, text: &str) {
        let status = self
            .tmux()
            .args(["send-keys", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-J", "-S", "-200"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls until `ready` holds for the screen; panics with the screen after PATIENCE.
    #[track_caller]
    fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("waited for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[track_caller]
    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |s| s.contains(needle))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
    }
}

#[test]
fn badge_appears_in_the_prompt_on_a_production_host() {
    for shell in ["bash", "zsh", "fish"] {
        let t = Terminal::start(shell);
        let screen = t.wait_for("[PRODUCTION ");
        let line = screen.lines().find(|l| l.contains("[PRODUCTION ")).unwrap();
        assert!(line.contains(HOST), "{shell}: {line}");
        // The badge comes before the shell's own prompt, on the line the cursor is on.
        let own = match shell {
            "bash" => "] $",
            "zsh" => "] %",
            _ => "] >",
        };
        assert!(line.contains(own), "{shell}: {line}");
    }
}

#[test]
fn review_key_prints_the_verdict_and_runs_nothing() {
    for shell in ["bash", "zsh", "fish"] {
        let t = Terminal::start(shell);
        t.wait_for("[PRODUCTION ");
        let target = t.env.mkdir("target");
        std::fs::write(target.join("data"), "keep").unwrap();
        t.env.symlink("target", "link");
        let marker = t.env.root().join(format!("ran-{shell}"));
        let line = format!(
            "cd {} && touch {} && rm -rf link/",
            t.env.work().display(),
            marker.display()
        );
        t.type_text(&line);
        t.wait_for("rm -rf link/");
        t.keys(&["C-x", "C-g"]);
        let screen = t.wait_for("block: do not run this");
        assert!(
            screen.contains("symlink-trailing-slash"),
            "{shell}:\n{screen}"
        );
        // The line is still there to edit, after the report.
        let after = screen.rsplit("block: do not run this").next().unwrap();
        assert!(
            after.contains("rm -rf link/"),
            "{shell}: line gone:\n{screen}"
        );
        assert!(!marker.exists(), "{shell}: the line was run");
        assert!(target.join("data").exists());
        t.keys(&["C-c"]);
    }
}

#[test]
fn host_name_challenge_accepts_the_right_name_and_refuses_a_wrong_one() {
    let t = Terminal::start("bash");
    t.wait_for("[PRODUCTION ");
    let work = t.env.work();
    let right = t.env.mkdir("build-right");
    let wrong = t.env.mkdir("build-wrong");
    std::fs::write(right.join("a.o"), "obj").unwrap();
    std::fs::write(wrong.join("a.o"), "obj").unwrap();

    t.type_text(&format!(
        "cd {} && rm -rf build-wrong; echo \"wrong=$?\"",
        work.display()
    ));
    t.keys(&["Enter"]);
    t.wait_for(&format!("Type the host name ({HOST}) to go on:"));
    t.type_text("nope");
    t.keys(&["Enter"]);
    t.wait_for("wrong=10");
    assert!(wrong.join("a.o").exists(), "refused, yet removed");

    t.type_text("rm -rf build-right; echo \"right=$?\"");
    t.keys(&["Enter"]);
    t.wait_until("the second question", |s| {
        s.matches(&format!("Type the host name ({HOST}) to go on:"))
            .count()
            == 2
    });
    t.type_text(HOST);
    t.keys(&["Enter"]);
    t.wait_for("right=0");
    assert!(!right.exists(), "confirmed, yet not removed");
    // And it is undoable.
    let undo = t.env.cmd().arg("undo").output().unwrap();
    assert!(
        undo.status.success(),
        "{}",
        String::from_utf8_lossy(&undo.stderr)
    );
    assert!(right.join("a.o").exists());
}

#[test]
fn zsh_reviews_a_paste_before_it_can_run_when_asked_to() {
    let t = Terminal::start_with("zsh", &[("SHELLGUARD_REVIEW_PASTE", "1")]);
    t.wait_for("[PRODUCTION ");
    let marker = t.env.root().join("pasted-ran");
    let paste = format!("touch {} && rm -rf /", marker.display());
    let status = t
        .tmux()
        .args(["set-buffer", "--", &paste])
        .status()
        .unwrap();
    assert!(status.success());
    // -p: as a terminal pastes, in bracketed-paste markers when the shell asked for them.
    let status = t.tmux().args(["paste-buffer", "-p"]).status().unwrap();
    assert!(status.success());
    let screen = t.wait_for("block: do not run this");
    assert!(screen.contains("root-target"), "{screen}");
    let after = screen.rsplit("block: do not run this").next().unwrap();
    assert!(
        after.contains("rm -rf /"),
        "the paste is no longer on the line:\n{screen}"
    );
    assert!(!marker.exists(), "the paste ran");
    t.keys(&["C-c"]);
}

#[test]
fn interactive_review_prompt_reviews_pastes_and_runs_only_when_told() {
    let t = Terminal::start("bash");
    t.wait_for("[PRODUCTION ");
    let target = t.env.mkdir("target");
    std::fs::write(target.join("data"), "keep").unwrap();
    t.env.symlink("target", "link");
    t.type_text(&format!(
        "cd {} && {} review",
        t.env.work().display(),
        shellguard().display()
    ));
    t.keys(&["Enter"]);
    t.wait_for("review> ");
    t.type_text("rm -rf link/");
    t.keys(&["Enter"]);
    t.wait_for("block: do not run this");
    assert!(target.join("data").exists());

    // A harmless line, then :run runs it (guarded) in the review's directory.
    t.type_text("touch made-by-run");
    t.keys(&["Enter"]);
    t.wait_for("allow: nothing here destroys");
    assert!(!t.env.path("made-by-run").exists(), "reviewing ran it");
    t.type_text(":run");
    t.keys(&["Enter"]);
    t.wait_for("(exit 0)");
    assert!(t.env.path("made-by-run").exists());

    t.type_text(":q");
    t.keys(&["Enter"]);
    t.type_text("echo \"review=$?\"");
    t.keys(&["Enter"]);
    t.wait_for("review=0");
    assert!(t.env.root().join("state/review_history").exists());
}
