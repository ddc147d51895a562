//! Review looks through what executes (wrappers, nested shells, substitutions) and not
//! into what is only data (echo, grep, comments, heredocs fed to cat).

mod common;

use common::TestEnv;

#[test]
fn commands_that_only_mention_danger_stay_allowed() {
    let env = TestEnv::new();
    for text in [
        r#"echo "rm -rf /""#,
        "printf 'rm -rf /\\n'",
        "grep -r 'rm -rf /' .",
        "git commit -m 'stop rm -rf / in the installer'",
        "# rm -rf /\nls",
        "cat <<EOF\nrm -rf /\nEOF",
        "echo rm -rf / > notes.txt",
        "ls /; cd / && ls; du -sh /var",
        "man rm",
        "rm --help",
        "test -d / && echo root",
    ] {
        env.review(text).expect("allow", &[]);
    }
}

#[test]
fn ordinary_project_work_is_allowed() {
    let env = TestEnv::new();
    env.mkdir("build/obj");
    env.write("build/obj/a.o", "x");
    env.mkdir("src");
    for text in [
        "rm -rf ./build",
        "rm -rf build/",
        "rm -f build/obj/a.o",
        "mkdir -p out && rm -r out",
        "rmdir empty",
    ] {
        env.review(text).expect("allow", &[]);
    }
}

#[test]
fn wrappers_are_looked_through() {
    let env = TestEnv::new();
    for text in [
        "sudo rm -rf /",
        "sudo -u root -H rm -rf /",
        "sudo -- rm -rf /",
        "sudo FOO=1 rm -rf /",
        "sudo -E LANG=C TZ=UTC rm -rf /",
        "doas FOO=1 rm -rf /",
        "env -i PATH=/bin rm -rf /",
        "nice -n 10 rm -rf /",
        "nohup rm -rf / &",
        "time rm -rf /",
        "command rm -rf /",
        "exec rm -rf /",
        "timeout -s KILL 5 rm -rf /",
        "sudo nice timeout 5 env rm -rf --no-preserve-root /",
        "ionice -c3 rm -rf /usr",
        "chroot / rm -rf /",
        "chroot --userspec bob:bob / rm -rf /",
        "chroot --skip-chdir /mnt rm -rf /usr",
        "unshare -m rm -rf /",
        "unshare --propagation private -mFILE -r rm -rf /",
        "unshare -R / -w /usr rm -rf lib",
        "nsenter -t 1 -m rm -rf /",
        "nsenter -a -t1 -r/ rm -rf /",
        "systemd-run rm -rf /",
        "systemd-run rm -rf usr",
        "systemd-run --on-calendar daily --unit clean rm -rf /",
        "systemd-run --on-active=30 -p Nice=5 rm -rf /",
        "runuser -u bob -- rm -rf /",
        "runuser -u bob rm -rf /",
        "runuser bob -c 'rm -rf /'",
        "pkexec rm -rf /",
        "pkexec --user bob rm -rf /",
        "busybox rm -rf /",
        "busybox sh -c 'rm -rf /'",
        "taskset -c 0 rm -rf /",
        "taskset 0x3 rm -rf /",
        "chrt -i 0 rm -rf /",
        "chrt 10 rm -rf /",
        "chrt -d -T 1000 -P 2000 -D 2000 0 rm -rf /",
        "strace rm -rf /",
        "strace -f -o trace.log -e trace=file -s 200 rm -rf /",
        "ltrace -l libc.so.6 -o out rm -rf /",
        "fakeroot rm -rf /",
        "fakeroot -s state -- rm -rf /",
        "catchsegv rm -rf /",
        "firejail rm -rf /",
        "firejail --noprofile --private=/tmp/x -- rm -rf /",
        "script -c 'rm -rf /'",
        "script -qc 'rm -rf /' /dev/null",
        "script log.txt -c 'rm -rf /'",
        "sg wheel -c 'rm -rf /'",
        "sg wheel rm -rf /",
        "tmux new 'rm -rf /'",
        "tmux send-keys 'rm -rf /' Enter",
        "tmux send-keys -t 0 rm Space -rf Space / C-m",
        "tmux send -l 'rm -rf /'",
        "screen -S s -p 0 -X stuff 'rm -rf /\\n'",
        "tmux new-session -d -s job 'rm -rf /'",
        "tmux new -d -s job rm -rf /",
        "tmux -L sock new-window -n w 'rm -rf /'",
        "tmux splitw -h -l 10 'rm -rf /'",
        "tmux respawn-pane -k -t 0 'rm -rf /'",
        "tmux new -d -c / 'rm -rf usr'",
        "tmux new -d ls \\; new-window 'rm -rf /'",
        "tmux -c 'rm -rf /'",
        "screen -dm rm -rf /",
        "screen -dmS job rm -rf /",
        "screen -d -m -S job bash -c 'rm -rf /'",
        "at now <<< 'rm -rf /'",
        "echo 'rm -rf /' | at now + 1 hour",
        "batch <<< 'rm -rf /'",
        "parallel rm -rf ::: /",
        "parallel -j4 'rm -rf {}' ::: build /",
        "parallel ::: ls 'rm -rf /'",
        "parallel rm -rf ::: a ::: /",
    ] {
        let review = env.review(text);
        review.expect("block", &[]);
        assert!(
            review.json["commands"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["program"] == "rm"),
            "{text}"
        );
    }
}

#[test]
fn wrappers_that_start_nothing_stay_allowed() {
    let env = TestEnv::new();
    for text in [
        "chroot --help",
        "chroot /mnt",
        "tmux send-keys C-c",
        "tmux send-keys -t main 'make test' Enter",
        "screen -X quit",
        "unshare -h",
        "systemd-run -S",
        "runuser - bob",
        "busybox --list",
        "taskset -p 1234",
        "taskset -pc 0 1234",
        "chrt -p 1234",
        "chrt -m",
        "strace -p 1234",
        "strace -p1234 -e open",
        "fakeroot",
        "firejail --list",
        "script out.log",
        "sg wheel",
        "tmux ls",
        "tmux attach -t 0",
        "tmux new -d",
        "screen -ls",
        "screen -r job",
        "screen -S job -X quit",
        "at -l",
        "at -r 3",
        "at now",
        "parallel --dry-run rm -rf ::: /",
        "parallel -j 2 gzip ::: a.txt b.txt",
    ] {
        env.review(text).expect("allow", &[]);
    }
}

#[test]
fn wrapper_working_directories_are_followed() {
    let env = TestEnv::new();
    // chroot: relative paths resolve under NEWROOT.
    env.review("chroot / rm -rf usr")
        .expect("block", &["system-path"]);
    // A system service runs in /, a scope where it was started.
    env.review("systemd-run --scope rm -rf build")
        .expect("allow", &[]);
    env.review("systemd-run --working-directory=/ rm -rf etc")
        .expect("block", &["system-path"]);
    // pkexec runs in root's home.
    env.review("pkexec --keep-cwd rm -rf build")
        .expect("allow", &[]);
    // An unknown new root leaves relative targets unknown.
    env.review("chroot \"$ROOT\" rm -rf build")
        .expect("confirm", &["cwd-sensitive"]);
}

#[test]
fn jobs_and_inputs_from_unseen_sources_need_a_look() {
    let env = TestEnv::new();
    env.review("curl -fsSL https://example.invalid/job | at now")
        .expect("confirm", &["unknown-code"]);
    env.review("find . -name '*.tmp' | parallel rm -rf")
        .expect("confirm", &["unknown-target"]);
    env.review("parallel rm -rf :::: list.txt")
        .expect("confirm", &["unknown-target"]);
}

#[test]
fn nested_shells_and_eval_are_reviewed() {
    let env = TestEnv::new();
    for text in [
        "bash -c 'rm -rf /'",
        "sh -ec 'cd / && rm -rf usr'",
        "sudo bash -c \"rm -rf /usr\"",
        "eval 'rm -rf /'",
        "echo 'rm -rf /' | sh",
        "echo 'rm -rf /usr' | sudo bash",
        "bash <<EOF\nrm -rf /\nEOF",
        "echo $(rm -rf /)",
        "x=`rm -rf /usr`",
        "zsh -c 'dash -c \"rm -rf /\"'",
    ] {
        env.review(text).expect("block", &[]);
    }
}

#[test]
fn code_from_an_unseen_source_needs_a_look() {
    let env = TestEnv::new();
    env.review("curl -fsSL https://example.invalid/install.sh | sh")
        .expect("confirm", &["unknown-code"]);
    env.review("bash < script-that-does-not-exist.sh")
        .expect("confirm", &["unknown-code"]);
}

#[test]
fn a_script_file_handed_to_bash_is_read_and_reviewed() {
    let env = TestEnv::new();
    env.write("cleanup.sh", "#!/bin/sh\ncd /\nrm -rf var/\n");
    env.review("bash cleanup.sh")
        .expect("block", &["system-path"]);
    env.review("source ./cleanup.sh")
        .expect("block", &["system-path"]);
}

#[test]
fn ssh_commands_are_reviewed_for_the_remote_host() {
    let env = TestEnv::new().with_policy(
        "[[environment]]\nname = \"production\"\nhosts = [\"db*.example.com\"]\nconfirm = \"hostname\"\n",
    );
    let review = env.review("ssh -p 22 admin@db1.example.com 'rm -rf /var/lib/postgresql/15/main'");
    review.expect("block", &["protected-path"]);
    let remote = review.json["commands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["program"] == "rm")
        .unwrap()
        .clone();
    assert_eq!(remote["host"], "db1.example.com");
    let ssh = review.command(0);
    assert_eq!(ssh["targets"][0]["effect"], "remote");
}

#[test]
fn xargs_targets_are_unknown() {
    let env = TestEnv::new();
    env.review("find . -name '*.tmp' | xargs rm -rf")
        .expect("confirm", &["unknown-target"]);
}

#[test]
fn cd_to_an_unknown_directory_makes_relative_deletes_ask() {
    let env = TestEnv::new();
    env.review("cd \"$BUILD_DIR\"\nrm -rf build")
        .expect("confirm", &["cwd-sensitive"]);
    // Absolute targets do not depend on the directory.
    env.review(&format!(
        "cd \"$BUILD_DIR\"; rm -rf {}/nothing-here",
        env.work().display()
    ))
    .expect("allow", &[]);
}

#[test]
fn cd_pushd_popd_are_followed() {
    let env = TestEnv::new();
    env.review("pushd / && popd && rm -rf build")
        .expect("allow", &[]);
    env.review("pushd /tmp/ && cd / && rm -rf usr")
        .expect("block", &["system-path"]);
    env.review("cd /usr; cd -; rm -rf build")
        .expect("allow", &[]);
    env.review("cd; cd /; rm -rf etc")
        .expect("block", &["system-path"]);
}

#[test]
fn variables_assigned_in_the_text_are_expanded() {
    let env = TestEnv::new();
    env.review("DIR=/usr; rm -rf $DIR")
        .expect("block", &["system-path"]);
    env.review("export TARGET=/; rm -rf --no-preserve-root \"$TARGET\"")
        .expect("block", &["root-target"]);
    env.review("DIR=${DIR:-/etc}; rm -rf \"$DIR\"")
        .expect("block", &["system-path"]);
    // A prefix assignment does not affect the expansion of its own command's words.
    env.review("D=old; D=/usr rm -rf ./$D-backup")
        .expect("allow", &[]);
}

#[test]
fn loops_over_known_words_run_each_value() {
    let env = TestEnv::new();
    env.review("for d in build dist; do rm -rf \"$d\"; done")
        .expect("allow", &[]);
    env.review("for d in /usr /opt; do rm -rf \"$d\"; done")
        .expect("block", &["system-path"]);
}

#[test]
fn tilde_and_home_are_expanded() {
    let env = TestEnv::new();
    let home = env.mkdir("home");
    let review = env
        .cmd()
        .env("HOME", &home)
        .args(["review", "--format", "json", "-c", "rm -rf ~"])
        .output()
        .unwrap();
    assert_eq!(review.status.code(), Some(20));
    let json: serde_json::Value = serde_json::from_slice(&review.stdout).unwrap();
    assert!(json.to_string().contains("home-dir"), "{json:#}");
    let review = env
        .cmd()
        .env("HOME", &home)
        .args(["review", "-c", "rm -rf \"$HOME\"/old-project"])
        .output()
        .unwrap();
    assert_eq!(review.status.code(), Some(0));
}

#[test]
fn globs_expand_against_the_filesystem() {
    let env = TestEnv::new();
    let review = env.review_in(std::path::Path::new("/"), "rm -rf /*");
    review.expect("block", &["system-path"]);
    assert!(
        review.targets().contains(&"/usr".to_string()),
        "{:?}",
        review.targets()
    );
    env.write("logs/a.log", "");
    env.write("logs/b.log", "");
    let review = env.review("rm logs/*.log");
    review.expect("allow", &[]);
    assert_eq!(review.targets().len(), 2);
}

#[test]
fn brace_alternatives_are_each_a_target() {
    let env = TestEnv::new();
    let review = env.review("rm -rf /{usr,opt}");
    review.expect("block", &["system-path"]);
    assert_eq!(
        review.targets(),
        vec!["/usr".to_string(), "/opt".to_string()]
    );
}

#[test]
fn unparseable_text_is_never_allowed() {
    let env = TestEnv::new();
    for text in [
        "rm -rf 'unclosed",
        "if true; then rm x",
        "echo $(",
        "rm -rf ( /",
    ] {
        let review = env.review(text);
        assert_ne!(review.verdict(), "allow", "{text}");
        assert!(
            review.has_rule("unparseable"),
            "{text}: {:?}",
            review.rules()
        );
        assert!(
            review.messages().contains("line"),
            "the message gives the position: {}",
            review.messages()
        );
    }
}

#[test]
fn redirection_onto_an_existing_file_is_noted_and_snapshotted() {
    let env = TestEnv::new();
    env.write("config.yml", "keep: me");
    let review = env.review("echo x > config.yml");
    review.expect("allow", &["overwrite"]);
    assert_eq!(review.command(0)["snapshot"], true);
    env.review("echo x > /etc/passwd").expect("block", &[]);
    env.review("echo x >> log.txt; echo y > /dev/null 2>&1")
        .expect("allow", &[]);
}

#[test]
fn reads_from_standard_input_and_files() {
    let env = TestEnv::new();
    env.write("script.sh", "cd /\nrm -rf usr\n");
    let out = env
        .cmd()
        .args(["review", "--format", "json", "script.sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(20));
    let out = env
        .cmd()
        .args(["review", "--format", "json", "-"])
        .write_stdin("rm -rf /")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(20));
    let out = env
        .cmd()
        .args(["review"])
        .write_stdin("ls")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn usage_and_read_errors_have_their_own_codes() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args(["review", "--format", "yaml", "-c", "ls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env
        .cmd()
        .args(["review", "no-such-script.sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-script.sh"));
}

#[test]
fn json_has_the_keys_of_the_contract() {
    let env = TestEnv::new();
    let review = env.review_in(
        std::path::Path::new("/"),
        "rsync -aP /srv/lxc/root/ .; echo done",
    );
    let j = &review.json;
    for key in ["host", "environment", "user", "cwd"] {
        assert!(j["context"].get(key).is_some(), "context.{key}");
    }
    for cmd in j["commands"].as_array().unwrap() {
        for key in [
            "text", "argv", "program", "cwd", "verdict", "reasons", "targets", "snapshot",
        ] {
            assert!(cmd.get(key).is_some(), "commands[].{key} in {cmd}");
        }
        for r in cmd["reasons"].as_array().unwrap() {
            assert!(r["rule"].is_string() && r["severity"].is_string() && r["message"].is_string());
        }
        for t in cmd["targets"].as_array().unwrap() {
            assert!(t["path"].as_str().unwrap().starts_with('/'));
            assert!(t["effect"].is_string() && t["exists"].is_boolean());
        }
    }
    assert_eq!(j["commands"][1]["verdict"], "allow");
}

#[test]
fn long_scripts_show_what_matters_and_count_the_rest() {
    let env = TestEnv::new();
    let mut script: String = (0..40).map(|i| format!("echo step {i}\n")).collect();
    script.push_str("cd / && rm -rf usr\n");
    let path = env.write("long.sh", &script);
    let out = env.cmd().args(["review"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(20));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rm -rf usr"), "{text}");
    assert!(!text.contains("echo step 7"), "{text}");
    assert!(text.contains("41 harmless commands"), "{text}");
    // JSON keeps every command.
    let out = env
        .cmd()
        .args(["review", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["commands"].as_array().unwrap().len(), 42);
}

#[test]
fn deleting_on_a_production_host_over_ssh_needs_confirmation_though_its_files_are_unknown() {
    let env = TestEnv::new().with_policy(
        "[[environment]]\nname = \"production\"\nhosts = [\"*.prod.example.com\"]\nconfirm = \"hostname\"\n",
    );
    for text in [
        "ssh web1.prod.example.com 'rm -rf /srv/data'",
        "systemd-run -H root@web1.prod.example.com rm -rf /srv/data",
    ] {
        let review = env.review(text);
        review.expect("confirm", &["production"]);
        assert!(
            review
                .messages()
                .contains("web1.prod.example.com is a production host"),
            "{text}: {}",
            review.messages()
        );
    }
    env.review("ssh web1.prod.example.com 'ls /srv'")
        .expect("allow", &[]);
    env.review("ssh web1.dev.example.com 'rm -rf /srv/data'")
        .expect("allow", &[]);
}

#[test]
fn sudo_tee_onto_a_system_file_is_blocked_and_appending_is_not() {
    let env = TestEnv::new();
    env.review("echo 'root::0:0::/root:/bin/sh' | sudo tee /etc/passwd")
        .expect("block", &["system-path", "overwrite"]);
    env.review("echo '10.0.0.2 db' | sudo tee -a /etc/hosts")
        .expect("allow", &[]);
    env.review("make 2>&1 | tee build.log").expect("allow", &[]);
}
