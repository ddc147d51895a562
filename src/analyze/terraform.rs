//! `terraform` and `tofu` (OpenTofu): `destroy`, `apply -destroy` and `apply -auto-approve`
//! (which skips the plan review) are `infra-destroy`. Plain `apply` shows its plan and
//! asks by itself, and `apply PLANFILE` applies a plan that was saved (and could be read)
//! before: both `allow`, as are `plan -destroy`, `-help` and everything else.
//!
//! Flags are Go-style (`-flag`, `--flag`, `-flag=value`, `-flag value`; booleans only
//! `-flag` or `-flag=BOOL`). `-chdir=DIR` names the configuration in the message. The
//! workspace — `$TF_WORKSPACE`, else the `environment` file of the data directory
//! (`$TF_DATA_DIR` or `.terraform`) — becomes `Analysis::acts_on` when it is not
//! `default`, so a workspace named like a production glob (`prod-eu`) makes it production.
//! Not covered: `state rm`, `workspace delete -force`, `import`/`taint` side effects.

use std::path::PathBuf;

use super::{Analysis, Invocation};
use crate::model::Verdict;
use crate::rules::Rule;

/// Flags of plan/apply/destroy that take a value (the others are booleans).
const VALUED: &[&str] = &[
    "var",
    "var-file",
    "target",
    "exclude",
    "replace",
    "lock-timeout",
    "parallelism",
    "state",
    "state-out",
    "backup",
    "out",
    "generate-config-out",
    "chdir",
];

/// One Go-style flag: its name and the value after `=` or in the next word.
struct Flag {
    name: String,
    value: Option<String>,
}

/// Go's `strconv.ParseBool`: a boolean flag with `=VALUE`.
fn truthy(value: Option<&str>) -> bool {
    match value {
        None => true,
        Some(v) => matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"),
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < inv.args.len() {
        let text = inv.args[i].text().into_owned();
        i += 1;
        let Some(body) = text
            .strip_prefix("--")
            .or_else(|| text.strip_prefix('-'))
            .filter(|b| !b.is_empty() && inv.args[i - 1].exact)
        else {
            operands.push(text);
            continue;
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None if VALUED.contains(&body) => {
                let next = inv.args.get(i).map(|a| a.text().into_owned());
                i += 1;
                (body.to_string(), next)
            }
            None => (body.to_string(), None),
        };
        flags.push(Flag { name, value });
    }
    let last = |name: &str| flags.iter().rev().find(|f| f.name == name);
    let on = |name: &str| last(name).is_some_and(|f| truthy(f.value.as_deref()));
    if on("help") || on("h") || on("version") {
        return analysis;
    }
    let Some((command, rest)) = operands.split_first() else {
        return analysis;
    };
    // Only these touch anything; the rest need no workspace lookup.
    let destroys = command == "destroy" || command == "apply" && on("destroy");
    // A saved plan file (apply PLANFILE) was reviewable when it was made, and apply does
    // not ask for one anyway: only auto-approving a fresh plan skips the look.
    let auto_apply = command == "apply" && on("auto-approve") && rest.is_empty();
    if !destroys && !auto_apply {
        return analysis;
    }
    let tool = inv.name;
    let chdir = last("chdir").and_then(|f| f.value.clone());
    let dir = match (&chdir, inv.cwd) {
        (Some(d), Some(cwd)) => Some(cwd.join(d)),
        (Some(d), None) => Some(PathBuf::from(d)),
        (None, cwd) => cwd.map(PathBuf::from),
    };
    let workspace = workspace(inv, dir.as_deref());
    let mut place = match (&chdir, inv.cwd) {
        (Some(d), _) => format!("the configuration in '{d}'"),
        (None, Some(cwd)) => format!("the configuration in '{}'", cwd.display()),
        (None, None) => "the configuration in the working directory".to_string(),
    };
    if let Some(ws) = &workspace {
        place.push_str(&format!(", workspace '{ws}'"));
    }
    let targets: Vec<&str> = flags
        .iter()
        .filter(|f| f.name == "target")
        .filter_map(|f| f.value.as_deref())
        .collect();
    let scope = if targets.is_empty() {
        "every resource in the state of".to_string()
    } else {
        format!(
            "the resources -target names ({}) and everything that depends on them, in",
            targets.join(", ")
        )
    };
    let chdir_flag = chdir
        .as_deref()
        .map(|d| format!("-chdir={d} "))
        .unwrap_or_default();
    let (message, instead) = if destroys {
        let how = if command == "destroy" {
            "destroy"
        } else {
            "apply -destroy"
        };
        (
            format!(
                "{tool} {how} deletes {scope} {place}: servers, databases, buckets and their data"
            ),
            format!("read the plan first: `{tool} {chdir_flag}plan -destroy`"),
        )
    } else {
        (
            format!(
                "{tool} apply -auto-approve applies {place} without showing the plan: whatever it replaces or \
                 destroys goes without a look"
            ),
            format!(
                "`{tool} {chdir_flag}plan -out=tfplan`, read it, then `{tool} {chdir_flag}apply tfplan`"
            ),
        )
    };
    analysis
        .reason(Rule::InfraDestroy, Verdict::Confirm, message)
        .instead(instead);
    analysis.acts_on = workspace.filter(|w| w != "default");
    analysis
}

/// The selected workspace: `$TF_WORKSPACE`, else `DATA_DIR/environment` in `dir`.
fn workspace(inv: &Invocation, dir: Option<&std::path::Path>) -> Option<String> {
    if let Some(ws) = inv.var("TF_WORKSPACE").filter(|w| !w.is_empty()) {
        return Some(ws.to_string());
    }
    if inv.ctx.remote {
        return None;
    }
    let data = inv
        .var("TF_DATA_DIR")
        .filter(|d| !d.is_empty())
        .unwrap_or(".terraform");
    let file = dir?.join(data).join("environment");
    let meta = std::fs::metadata(&file).ok()?;
    if meta.len() > 4096 {
        return None;
    }
    let name = std::fs::read_to_string(file).ok()?.trim().to_string();
    (!name.is_empty()).then_some(name)
}
