//! `kubectl`: what removes workloads or their data from a cluster — `delete` (any
//! resource; a namespace, `--all`, `-A` and volume claims are said to take more),
//! `drain` (every pod evicted from a node), `scale --replicas=0` (every pod of the
//! workload stopped) — is `cluster-delete`; `--dry-run[=client|server]` and the read-only
//! verbs (`get`, `describe`, `logs`, `apply`, ...) are `allow`.
//!
//! The kube context decides which cluster: `--context`, else the `current-context:` of
//! the kubeconfig (`--kubeconfig`, else the first file of `$KUBECONFIG` that names one,
//! else `~/.kube/config`), read with a line scan (one top-level key of a YAML file, no
//! YAML parser needed). It becomes `Analysis::acts_on`, so a policy `[[environment]]`
//! whose host globs match it (`prod-*`) makes the command a production one. Not covered:
//! `apply --prune`, `replace --force`, the context's default namespace (messages say
//! "the context's default namespace"), `KUBECONFIG=... kubectl` prefix assignments in
//! reviewed text (the analyzer sees the environment shellguard runs with).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Invocation};
use crate::model::Verdict;
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    // global
    valued("context", None, Some("context")),
    valued("kubeconfig", None, Some("kubeconfig")),
    valued("namespace", Some('n'), Some("namespace")),
    valued("x", None, Some("cluster")),
    valued("x", None, Some("user")),
    valued("x", Some('s'), Some("server")),
    valued("x", None, Some("token")),
    valued("x", None, Some("as")),
    valued("x", None, Some("as-group")),
    valued("x", None, Some("as-uid")),
    valued("x", None, Some("request-timeout")),
    valued("x", None, Some("cache-dir")),
    valued("x", None, Some("certificate-authority")),
    valued("x", None, Some("client-certificate")),
    valued("x", None, Some("client-key")),
    valued("x", None, Some("tls-server-name")),
    valued("x", Some('v'), Some("v")),
    valued("x", None, Some("vmodule")),
    valued("x", None, Some("profile")),
    valued("x", None, Some("profile-output")),
    valued("x", None, Some("username")),
    valued("x", None, Some("password")),
    flag("x", None, Some("insecure-skip-tls-verify")),
    flag("x", None, Some("warnings-as-errors")),
    flag("x", None, Some("match-server-version")),
    flag("help", Some('h'), Some("help")),
    optional("dry-run", "dry-run"),
    // delete, drain, scale
    flag("all-namespaces", Some('A'), Some("all-namespaces")),
    flag("all", None, Some("all")),
    valued("filename", Some('f'), Some("filename")),
    valued("kustomize", Some('k'), Some("kustomize")),
    valued("selector", Some('l'), Some("selector")),
    valued("field-selector", None, Some("field-selector")),
    valued("x", None, Some("grace-period")),
    valued("x", Some('o'), Some("output")),
    valued("x", None, Some("raw")),
    valued("x", None, Some("timeout")),
    optional("x", "cascade"),
    flag("force", None, Some("force")),
    flag("x", None, Some("now")),
    flag("x", None, Some("wait")),
    flag("x", Some('R'), Some("recursive")),
    flag("x", None, Some("ignore-not-found")),
    flag("x", Some('i'), Some("interactive")),
    flag("x", None, Some("ignore-daemonsets")),
    flag("emptydir", None, Some("delete-emptydir-data")),
    flag("emptydir", None, Some("delete-local-data")),
    flag("x", None, Some("disable-eviction")),
    valued("x", None, Some("pod-selector")),
    valued("x", None, Some("skip-wait-for-delete-timeout")),
    valued("x", None, Some("chunk-size")),
    valued("replicas", None, Some("replicas")),
    valued("x", None, Some("current-replicas")),
    valued("x", None, Some("resource-version")),
];

/// `--dry-run` alone (the old form, meaning client) or `=client|server`; `=none` runs.
pub fn is_dry_run(value: Option<&std::ffi::OsString>) -> bool {
    value.is_none_or(|v| v != "none" && v != "false")
}

/// The kube context a command acts on: `flag_context`, else the kubeconfig's
/// `current-context`. None when it cannot be known here.
pub fn context(
    inv: &Invocation,
    flag_context: Option<&OsStr>,
    flag_kubeconfig: Option<&OsStr>,
) -> Option<String> {
    if let Some(name) = flag_context.map(|c| c.to_string_lossy().into_owned()) {
        return (!name.is_empty()).then_some(name);
    }
    if inv.ctx.remote {
        return None; // another machine's kubeconfig
    }
    let files: Vec<PathBuf> = match (flag_kubeconfig, inv.var("KUBECONFIG")) {
        (Some(file), _) => vec![PathBuf::from(file)],
        (None, Some(list)) if !list.is_empty() => list
            .split(':')
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .collect(),
        _ => vec![inv.ctx.home()?.join(".kube/config")],
    };
    files.iter().find_map(|file| {
        let path = match inv.cwd {
            Some(cwd) if file.is_relative() => cwd.join(file),
            _ => file.clone(),
        };
        current_context(&path)
    })
}

/// The top-level `current-context:` of a kubeconfig file.
fn current_context(path: &Path) -> Option<String> {
    // A kubeconfig is small; anything huge is not one.
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > 4 << 20 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let value = line.strip_prefix("current-context:")?;
        let value = match value.split_once(" #") {
            Some((v, _)) => v,
            None => value,
        }
        .trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// "on kube context 'prod-eu'", or a word on not knowing it.
pub fn on_context(context: Option<&str>) -> String {
    match context {
        Some(c) => format!("on kube context '{c}'"),
        None => {
            "on whichever kube context is current (its kubeconfig could not be read)".to_string()
        }
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_unabbreviated(OPTIONS, inv.args);
    let Some((verb, rest)) = parsed.operands.split_first() else {
        return analysis;
    };
    let verb = verb.text();
    if parsed.has("help") || parsed.has("dry-run") && is_dry_run(parsed.value("dry-run")) {
        return analysis;
    }
    let words = opts::texts(rest);
    let namespace = parsed
        .value("namespace")
        .map(|n| n.to_string_lossy().trim_start_matches('=').to_string());
    let in_ns = if parsed.has("all-namespaces") {
        "in every namespace".to_string()
    } else {
        match &namespace {
            Some(ns) => format!("in namespace '{ns}'"),
            None => "in the context's default namespace".to_string(),
        }
    };
    let message = match verb.as_ref() {
        "delete" => delete_message(&parsed, &words, &in_ns),
        "drain" => {
            let node = words.first().map_or("the node", String::as_str);
            let mut m = format!(
                "kubectl drain evicts every pod from node '{node}' and cordons it: its workloads move or stop"
            );
            if parsed.has("emptydir") {
                m.push_str("; --delete-emptydir-data deletes the emptyDir data of its pods");
            }
            if parsed.has("force") {
                m.push_str("; --force deletes pods no controller will recreate");
            }
            Some((
                m,
                format!("`kubectl cordon {node}` stops new pods there without evicting any"),
            ))
        }
        "scale" => {
            let replicas = parsed
                .value("replicas")
                .map(|r| r.to_string_lossy().into_owned());
            (replicas.as_deref() == Some("0")).then(|| {
                let what = if words.is_empty() {
                    "the workload".to_string()
                } else {
                    words.join(" ")
                };
                (
                    format!(
                        "kubectl scale --replicas=0 stops every pod of {what} {in_ns}: what it serves is down until \
                         it is scaled up again"
                    ),
                    "note the current replica count first (`kubectl get` shows it) to scale back".to_string(),
                )
            })
        }
        _ => None,
    };
    let Some((message, instead)) = message else {
        return analysis;
    };
    let context = context(
        inv,
        parsed.value("context").map(|c| c.as_os_str()),
        parsed.value("kubeconfig").map(|c| c.as_os_str()),
    );
    analysis
        .reason(
            Rule::ClusterDelete,
            Verdict::Confirm,
            format!("{message} — {}", on_context(context.as_deref())),
        )
        .instead(instead);
    analysis.acts_on = context;
    analysis
}

fn delete_message(
    parsed: &opts::Parsed,
    words: &[String],
    in_ns: &str,
) -> Option<(String, String)> {
    let kind = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
    let types: Vec<&str> = kind
        .split(',')
        .map(|t| t.split('/').next().unwrap_or(t))
        .collect();
    let names = if words.len() > 1 {
        words[1..].join(" ")
    } else {
        kind.clone()
    };
    let instead =
        "see what it would delete first with --dry-run=server, and check the context with \
                   `kubectl config current-context`"
            .to_string();
    let namespace = types
        .iter()
        .any(|t| matches!(*t, "ns" | "namespace" | "namespaces"));
    let mut message = if namespace {
        let which = if parsed.has("all") {
            "every namespace".to_string()
        } else {
            format!("namespace {names}")
        };
        format!(
            "kubectl delete {which} deletes everything in it: deployments, services, secrets, volume claims \
             and the data of their volumes"
        )
    } else if let Some(file) = parsed.value("filename").or(parsed.value("kustomize")) {
        format!(
            "kubectl delete deletes every resource defined in '{}' {in_ns}",
            file.to_string_lossy()
        )
    } else if parsed.has("all") {
        format!("kubectl delete {kind} --all deletes every resource of type '{kind}' {in_ns}")
    } else if let Some(selector) = parsed.value("selector") {
        format!(
            "kubectl delete deletes every resource of type '{kind}' matching '{}' {in_ns}",
            selector.to_string_lossy()
        )
    } else if kind.is_empty() {
        format!("kubectl delete deletes resources {in_ns}")
    } else if words.len() > 1 {
        format!("kubectl delete deletes {kind} {names} {in_ns}")
    } else {
        format!("kubectl delete deletes {kind} {in_ns}")
    };
    if types.iter().any(|t| {
        matches!(
            *t,
            "pvc"
                | "persistentvolumeclaim"
                | "persistentvolumeclaims"
                | "pv"
                | "persistentvolume"
                | "persistentvolumes"
        )
    }) {
        message.push_str("; with the usual Delete reclaim policy the volume's data goes with it");
    }
    Some((message, instead))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_context_line_is_read_with_quotes_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        for (text, want) in [
            (
                "apiVersion: v1\ncurrent-context: prod-eu\nkind: Config\n",
                Some("prod-eu"),
            ),
            ("current-context: \"prod-eu\" # main\n", Some("prod-eu")),
            ("current-context: 'dev'\n", Some("dev")),
            ("current-context: \"\"\n", None),
            ("contexts:\n- name: x\n  current-context: nested\n", None),
        ] {
            std::fs::write(&file, text).unwrap();
            assert_eq!(current_context(&file).as_deref(), want, "{text:?}");
        }
    }
}
