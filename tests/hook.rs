//! `shellguard hook claude-code`: the agent's PreToolUse JSON in, a permission decision out.

mod common;

use common::TestEnv;
use serde_json::{Value, json};

fn hook(env: &TestEnv, input: &str) -> (i32, Option<Value>) {
    let out = env
        .cmd()
        .args(["hook", "claude-code"])
        .write_stdin(input)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json =
        (!stdout.trim().is_empty()).then(|| serde_json::from_str(&stdout).expect("JSON answer"));
    (out.status.code().unwrap(), json)
}

fn bash(command: &str, cwd: &str) -> String {
    json!({"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Bash",
           "tool_input": {"command": command, "description": "x"}, "cwd": cwd})
    .to_string()
}

#[test]
fn an_agent_is_denied_rsync_into_root() {
    let env = TestEnv::new();
    let (code, answer) = hook(&env, &bash("rsync -aP /srv/lxc/root/ .", "/"));
    assert_eq!(code, 0);
    let answer = answer.expect("a decision");
    assert_eq!(answer["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    assert_eq!(answer["hookSpecificOutput"]["permissionDecision"], "deny");
    let reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("root-target"), "{reason}");
}

#[test]
fn risky_commands_are_put_before_the_person_and_harmless_ones_get_no_opinion() {
    let env = TestEnv::new();
    let work = env.work().display().to_string();
    let (_, answer) = hook(&env, &bash("crontab -r", &work));
    assert_eq!(
        answer.unwrap()["hookSpecificOutput"]["permissionDecision"],
        "ask"
    );
    let (code, answer) = hook(&env, &bash("ls -la && rm -rf ./build", &work));
    assert_eq!((code, answer), (0, None));
}

#[test]
fn the_agents_working_directory_is_used() {
    let env = TestEnv::new();
    env.write("target/keep", "k");
    env.symlink("target", "link");
    let (_, answer) = hook(
        &env,
        &bash("rm -rf link/", &env.work().display().to_string()),
    );
    assert_eq!(
        answer.unwrap()["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
}

#[test]
fn other_tools_pass_and_unreadable_input_blocks() {
    let env = TestEnv::new();
    let edit = json!({"tool_name": "Edit", "tool_input": {"file_path": "/etc/passwd"}}).to_string();
    assert_eq!(hook(&env, &edit), (0, None));
    let (code, _) = hook(&env, "not json");
    assert_eq!(code, 2, "Claude Code treats exit 2 as blocking");
}
