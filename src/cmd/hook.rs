//! `shellguard hook claude-code`: an AI agent asks before running a shell command; the
//! command is reviewed like any text, with the agent's working directory.
//!
//! Claude Code sends `{"tool_name": "Bash", "tool_input": {"command": ...}, "cwd": ...}` on
//! stdin and reads a `hookSpecificOutput.permissionDecision` on stdout: `deny` stops the
//! command and shows the reason to the agent, `ask` puts it before the person. An `allow`
//! verdict gives no opinion (the agent's own permission rules still apply): shellguard never
//! widens what an agent may do.

use std::io::Read;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::json;

use super::ExitCode;
use super::review::write_stdout;
use crate::cli::HookAgent;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::Verdict;
use crate::policy::Policy;
use crate::review::{self, Report};

#[derive(Debug, Deserialize)]
struct ClaudeCodeInput {
    tool_name: String,
    #[serde(default)]
    tool_input: serde_json::Value,
    cwd: Option<PathBuf>,
}

pub fn run(agent: HookAgent, ctx: &Context) -> Result<ExitCode> {
    match agent {
        HookAgent::ClaudeCode => claude_code(ctx),
    }
}

fn claude_code(ctx: &Context) -> Result<ExitCode> {
    let mut raw = String::new();
    std::io::stdin()
        .read_to_string(&mut raw)
        .map_err(|source| Error::Read {
            path: "-".into(),
            source,
        })?;
    // Input that cannot be read is a usage error: exit 2, which Claude Code treats as
    // "blocked", so a command shellguard could not see never runs unreviewed.
    let input: ClaudeCodeInput = serde_json::from_str(&raw).map_err(|e| {
        Error::Usage(format!(
            "hook claude-code: the hook input is not the expected JSON: {e}"
        ))
    })?;
    if input.tool_name != "Bash" {
        return Ok(ExitCode::Success);
    }
    let Some(command) = input.tool_input.get("command").and_then(|c| c.as_str()) else {
        return Err(Error::Usage(
            "hook claude-code: Bash tool input without a \"command\"".into(),
        ));
    };
    let cwd = input
        .cwd
        .or_else(|| ctx.cwd.clone())
        .unwrap_or_else(|| PathBuf::from("/"));
    let policy = Policy::load(ctx)?;
    let forced_env = ctx.var("SHELLGUARD_ENV");
    let report = review::review(ctx, &policy, command, &cwd, forced_env);
    let decision = match report.verdict {
        Verdict::Allow => return Ok(ExitCode::Success),
        Verdict::Confirm => "ask",
        Verdict::Block => "deny",
    };
    let answer = json!({
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": decision,
            "permissionDecisionReason": reason_text(&report),
        }
    });
    write_stdout(&format!("{answer}\n"))?;
    Ok(ExitCode::Success)
}

/// The reasons, strictest first, one line each, as the agent and the person will read them.
fn reason_text(report: &Report) -> String {
    let mut lines = vec![format!(
        "shellguard: {} on {} (cwd {})",
        report.verdict,
        report.context.host,
        report.context.cwd.display()
    )];
    for cmd in report
        .commands
        .iter()
        .filter(|c| c.verdict > Verdict::Allow)
    {
        for r in cmd
            .reasons
            .iter()
            .filter(|r| r.severity > Verdict::Allow)
            .take(3)
        {
            let mut line = format!(
                "- {} [{}]: {}",
                cmd.text.lines().next().unwrap_or(""),
                r.rule,
                r.message
            );
            if let Some(instead) = &r.instead {
                line.push_str(&format!(" (instead: {instead})"));
            }
            lines.push(line);
        }
    }
    lines.join("\n")
}
