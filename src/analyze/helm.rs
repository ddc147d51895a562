//! `helm uninstall` (and its aliases `delete`, `del`, `un`) removes a release and every
//! resource its chart created: `cluster-delete`; `--dry-run` is `allow`, as is everything
//! else helm does (install, upgrade, list, ...). The kube context comes from
//! `--kube-context`, `$HELM_KUBECONTEXT`, else the kubeconfig as for kubectl, and becomes
//! `Analysis::acts_on` (a production context glob makes it production).
//!
//! Not covered: `upgrade` that drops resources from a chart, `rollback`.

use super::kubectl;
use super::opts::{self, OptDef, flag, optional, valued};
use super::{Analysis, Invocation};
use crate::model::Verdict;
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    valued("namespace", Some('n'), Some("namespace")),
    valued("context", None, Some("kube-context")),
    valued("kubeconfig", None, Some("kubeconfig")),
    valued("x", None, Some("kube-apiserver")),
    valued("x", None, Some("kube-as-user")),
    valued("x", None, Some("kube-as-group")),
    valued("x", None, Some("kube-ca-file")),
    valued("x", None, Some("kube-token")),
    valued("x", None, Some("kube-tls-server-name")),
    valued("x", None, Some("registry-config")),
    valued("x", None, Some("repository-cache")),
    valued("x", None, Some("repository-config")),
    valued("x", None, Some("burst-limit")),
    valued("x", None, Some("qps")),
    valued("x", None, Some("timeout")),
    valued("x", None, Some("description")),
    valued("x", None, Some("cascade")),
    flag("x", None, Some("kube-insecure-skip-tls-verify")),
    flag("x", None, Some("debug")),
    flag("x", None, Some("keep-history")),
    flag("x", None, Some("no-hooks")),
    flag("x", None, Some("wait")),
    flag("help", Some('h'), Some("help")),
    optional("dry-run", "dry-run"),
];

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse_unabbreviated(OPTIONS, inv.args);
    let Some((command, releases)) = parsed.operands.split_first() else {
        return analysis;
    };
    if !matches!(
        command.text().as_ref(),
        "uninstall" | "delete" | "del" | "un"
    ) || parsed.has("help")
        || parsed.has("dry-run") && kubectl::is_dry_run(parsed.value("dry-run"))
    {
        return analysis;
    }
    let names: Vec<String> = releases.iter().map(|r| r.text().into_owned()).collect();
    let plural = if names.len() > 1 { "s" } else { "" };
    let ns = parsed.value("namespace").map_or_else(
        || "the context's default namespace".to_string(),
        |n| format!("namespace '{}'", n.to_string_lossy()),
    );
    let context = parsed
        .value("context")
        .map(|c| c.to_string_lossy().into_owned())
        .or_else(|| {
            inv.var("HELM_KUBECONTEXT")
                .filter(|c| !c.is_empty())
                .map(str::to_string)
        });
    let context = kubectl::context(
        inv,
        context.as_deref().map(std::ffi::OsStr::new),
        parsed.value("kubeconfig").map(|c| c.as_os_str()),
    );
    analysis
        .reason(
            Rule::ClusterDelete,
            Verdict::Confirm,
            format!(
                "helm uninstall removes the release{plural} {} from {ns} and every resource its chart created, \
                 volume claims (and their data) included — {}",
                names.join(" "),
                kubectl::on_context(context.as_deref())
            ),
        )
        .instead(format!(
            "see what would be removed with `helm uninstall --dry-run {}`; --keep-history keeps the release \
             record for a rollback",
            names.join(" ")
        ));
    analysis.acts_on = context;
    analysis
}
