//! A temp-dir world for driving the real binary: state, policy, host and config all
//! point inside it, so no test reads or writes the real system's shellguard files.
#![allow(dead_code)]

pub mod analyzer;
pub mod tree;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub struct TestEnv {
    pub dir: TempDir,
    policies: Vec<PathBuf>,
    pub host: String,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("shellguard-test")
            .tempdir()
            .expect("temp dir");
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        TestEnv {
            dir,
            policies: Vec::new(),
            host: "testbox".to_string(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The directory tests use as their working directory.
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.work().join(rel)
    }

    pub fn with_host(mut self, host: &str) -> TestEnv {
        self.host = host.to_string();
        self
    }

    /// Adds a policy layer (SHELLGUARD_POLICY) with this text.
    pub fn with_policy(mut self, toml: &str) -> TestEnv {
        let path = self
            .dir
            .path()
            .join(format!("policy{}.toml", self.policies.len()));
        std::fs::write(&path, toml).unwrap();
        self.policies.push(path);
        self
    }

    pub fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    pub fn mkdir(&self, rel: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    pub fn symlink(&self, target: &str, link: &str) {
        std::os::unix::fs::symlink(target, self.path(link)).unwrap();
    }

    /// The real binary with the test world's environment.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.shellguard())
    }

    /// The real binary as a plain `std::process::Command` (see [`TestEnv::std_cmd`]).
    pub fn shellguard(&self) -> std::process::Command {
        self.std_cmd(assert_cmd::cargo::cargo_bin("shellguard"))
    }

    /// A stand-in `program` first on PATH that records its argv, one per line: the PATH
    /// to run it with, and the file it records to (absent until it runs).
    pub fn stub(&self, program: &str) -> (String, PathBuf) {
        use std::os::unix::fs::PermissionsExt;
        let bin = self.root().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let log = self.root().join(format!("{program}-argv"));
        std::fs::write(
            bin.join(program),
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'\n",
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(bin.join(program), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
        (path, log)
    }

    /// `program` with the test world's environment, detached from any terminal (as CI
    /// is, and as a cron job or an agent would be): confirmations then cannot be asked.
    pub fn std_cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        use std::os::unix::process::CommandExt;
        let mut cmd = std::process::Command::new(program);
        // SAFETY: setsid is async-signal-safe; it only detaches from the terminal.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        cmd.current_dir(self.work())
            .env("SHELLGUARD_HOME", self.dir.path().join("state"))
            .env("SHELLGUARD_HOSTNAME", &self.host)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("NO_COLOR", "1")
            .env_remove("SHELLGUARD_ENV")
            .env_remove("SSH_CONNECTION")
            .env_remove("SSH_CLIENT")
            .env_remove("SSH_TTY")
            .env_remove("SUDO_USER");
        let joined: Vec<String> = self
            .policies
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        if joined.is_empty() {
            cmd.env_remove("SHELLGUARD_POLICY");
        } else {
            cmd.env("SHELLGUARD_POLICY", joined.join(":"));
        }
        cmd
    }

    /// `shellguard review --format json --cwd CWD -c TEXT`: (exit code, report).
    pub fn review_in(&self, cwd: &Path, text: &str) -> Review {
        self.review_with_env(cwd, &[], text)
    }

    /// [`TestEnv::review_in`] with extra environment variables (`HOME`, ...).
    pub fn review_with_env(&self, cwd: &Path, vars: &[(&str, &Path)], text: &str) -> Review {
        let mut cmd = self.cmd();
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let output = cmd
            .args(["review", "--format", "json", "--cwd"])
            .arg(cwd)
            .args(["-c", text])
            .output()
            .expect("run shellguard");
        Review::from_output(text, output)
    }

    pub fn review(&self, text: &str) -> Review {
        self.review_in(&self.work(), text)
    }
}

/// Asserts that a run of the binary (or of what it guards) exited 0.
#[track_caller]
pub fn assert_ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A parsed `review --format json` result.
pub struct Review {
    pub text: String,
    pub code: i32,
    pub json: Value,
}

impl Review {
    fn from_output(text: &str, output: Output) -> Review {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "review of {text:?} printed no JSON ({e}):\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        Review {
            text: text.to_string(),
            code: output.status.code().unwrap_or(-1),
            json,
        }
    }

    pub fn verdict(&self) -> &str {
        self.json["verdict"].as_str().unwrap()
    }

    /// Every rule id raised by any command.
    pub fn rules(&self) -> Vec<String> {
        self.json["commands"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["reasons"].as_array().unwrap().iter())
            .map(|r| r["rule"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn has_rule(&self, rule: &str) -> bool {
        self.rules().iter().any(|r| r == rule)
    }

    /// Every target path of every command.
    pub fn targets(&self) -> Vec<String> {
        self.json["commands"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["targets"].as_array().unwrap().iter())
            .map(|t| t["path"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn messages(&self) -> String {
        self.json["commands"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["reasons"].as_array().unwrap().iter())
            .map(|r| r["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn command(&self, i: usize) -> &Value {
        &self.json["commands"][i]
    }

    /// Asserts the verdict, the exit code that goes with it, and that each rule is present.
    #[track_caller]
    pub fn expect(&self, verdict: &str, rules: &[&str]) -> &Review {
        let code = match verdict {
            "allow" => 0,
            "confirm" => 10,
            "block" => 20,
            other => panic!("no verdict {other}"),
        };
        assert_eq!(
            self.verdict(),
            verdict,
            "verdict of {:?}: {:#}",
            self.text,
            self.json
        );
        assert_eq!(self.code, code, "exit code of {:?}", self.text);
        for rule in rules {
            assert!(
                self.has_rule(rule),
                "{:?} should raise {rule}, got {:?}: {:#}",
                self.text,
                self.rules(),
                self.json
            );
        }
        self
    }
}
