//! What the object-storage and instance analyzers (aws, gsutil, gcloud, s3cmd, openstack,
//! az, doctl) share: telling a bucket URL from a local path, the targets for each, and the
//! wording of `sync-delete` and `instance-delete`, so every CLI says the same thing the
//! same way. Program-specific parsing stays in each program's file.

use super::{Analysis, Arg, Invocation};
use crate::model::{Effect, FileKind, Target, Verdict};
use crate::rules::Rule;

/// `s3://bucket/key`, `gs://bucket`: a URL with a scheme other than `file://`.
pub fn is_url(operand: &str) -> bool {
    match operand.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme != "file"
                && scheme.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// A remote object or bucket: nothing local to resolve or snapshot.
pub fn remote_target(operand: &str, exact: bool, recursive: bool) -> Target {
    Target {
        path: operand.into(),
        effect: Effect::Remote,
        exists: true,
        kind: FileKind::Unknown,
        recursive,
        operand: operand.to_string(),
        exact,
    }
}

/// One side of a copy or sync: remote when it is a URL, otherwise a local path (a
/// `file://` prefix dropped) judged like any other target. An existing local file that
/// is overwritten, or a local directory a sync deletes from, is kept first by guarded
/// execution.
pub fn side_target(
    inv: &Invocation,
    arg: &Arg,
    effect: Effect,
    recursive: bool,
    analysis: &mut Analysis,
) {
    let text = arg.text();
    if is_url(&text) {
        analysis
            .targets
            .push(remote_target(&text, arg.exact, recursive));
        return;
    }
    let local = match text.strip_prefix("file://") {
        Some(path) => Arg {
            value: path.into(),
            exact: arg.exact,
        },
        None => arg.clone(),
    };
    let target = inv.target(&local, effect, recursive);
    // A file that is overwritten, or a directory a sync deletes from, is copied first.
    if target.exists && (effect == Effect::Delete || effect.loses_data() && !target.kind.is_dir()) {
        analysis.snapshot = true;
    }
    analysis.targets.push(target);
}

/// What the destination of a sync holds, in words.
fn things(operand: &str) -> &'static str {
    if is_url(operand) { "object" } else { "file" }
}

/// How a sync that deletes is named to the user: `command` (`aws s3 sync --delete`), the
/// same with its dry-run flag (`aws s3 sync --delete --dryrun`), and how to copy without
/// deleting, in words.
pub struct DeletingSync<'a> {
    pub command: &'a str,
    pub dry_run: &'a str,
    pub copy: &'a str,
}

/// A sync into `dst`: a recursive target that is written to, and, when the sync deletes
/// (`delete` says how it is named), loses every file or object `src` lacks (`sync-delete`).
pub fn sync(
    inv: &Invocation,
    analysis: &mut Analysis,
    src: &Arg,
    dst: &Arg,
    delete: Option<DeletingSync>,
) {
    let effect = if delete.is_some() {
        Effect::Delete
    } else {
        Effect::Overwrite
    };
    side_target(inv, dst, effect, true, analysis);
    if let Some(named) = delete {
        sync_delete(analysis, src, dst, &named);
    }
}

/// A sync that deletes at the destination what the source lacks.
fn sync_delete(analysis: &mut Analysis, src: &Arg, dst: &Arg, named: &DeletingSync) {
    let DeletingSync {
        command,
        dry_run,
        copy,
    } = named;
    let (src, dst) = (src.text(), dst.text());
    let what = things(&dst);
    analysis
        .reason(
            Rule::SyncDelete,
            Verdict::Confirm,
            format!(
                "{command} makes '{dst}' a copy of '{src}' ({src} → {dst}): {dst} will lose every {what} \
                 that {src} lacks, and {what}s that differ are replaced"
            ),
        )
        .instead(format!(
            "check the direction first with `{dry_run} {src} {dst}`; {copy}"
        ));
}

/// `rm` of remote objects: each URL is a remote target; a recursive or wildcard removal
/// deletes every object under or matching it. `how` names the command with and without
/// its recursive flag (`("gsutil rm -r", "gsutil rm")`), `dry_run` the CLI's flag that
/// only lists, if it has one.
pub fn objects_rm(
    analysis: &mut Analysis,
    urls: &[&Arg],
    recursive: bool,
    how: (&str, &str),
    dry_run: Option<&str>,
) {
    for url in urls {
        analysis
            .targets
            .push(remote_target(&url.text(), url.exact, recursive));
        if recursive || url.text().contains('*') {
            let how = if recursive { how.0 } else { how.1 };
            let dry = dry_run.map(|flag| format!("{how} {flag} {}", url.text()));
            objects_delete(analysis, how, url, dry.as_deref());
        }
    }
}

/// `rm -I`: the objects are named on standard input, which review cannot see.
pub fn objects_from_stdin(analysis: &mut Analysis, command: &str) {
    analysis.reason(
        Rule::SyncDelete,
        Verdict::Confirm,
        format!(
            "{command} deletes every object named on its standard input, which review cannot see"
        ),
    );
}

/// A recursive (or wildcard) delete of remote objects.
pub fn objects_delete(analysis: &mut Analysis, command: &str, url: &Arg, dry_run: Option<&str>) {
    let url = url.text();
    let scope = if url.contains(['*', '?', '[']) {
        format!("every object matching {url} is deleted")
    } else {
        format!("every object under {url} is deleted")
    };
    let reason = analysis.reason(
        Rule::SyncDelete,
        Verdict::Confirm,
        format!("{command}: {scope}; remote storage cannot be snapshotted"),
    );
    let keep = "with versioning on the bucket, deleted objects stay as noncurrent versions";
    match dry_run {
        Some(dry) => reason.instead(format!("list what would go with `{dry}`; {keep}")),
        None => reason.instead(format!("list what would go first; {keep}")),
    };
}

/// A bucket removed together with everything in it.
pub fn bucket_delete(analysis: &mut Analysis, command: &str, bucket: &Arg) {
    analysis
        .reason(
            Rule::SyncDelete,
            Verdict::Confirm,
            format!(
                "{command} deletes every object in {} and then the bucket itself; remote storage \
                 cannot be snapshotted",
                bucket.text()
            ),
        )
        .instead(
            "without the force/recursive flag the bucket is removed only when it is already empty",
        );
}

/// A cloud instance deleted: `names` as the user gave them, `instead` the CLI's own
/// image or snapshot command.
pub fn instance_delete(
    analysis: &mut Analysis,
    command: &str,
    kind: &str,
    names: &[String],
    place: Option<&str>,
    instead: String,
) {
    let named = if names.is_empty() {
        format!("the {kind}s it is given")
    } else {
        let list = names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let plural = if names.len() > 1 { "s" } else { "" };
        format!("the {kind}{plural} {list}")
    };
    let place = place.map(|p| format!(" ({p})")).unwrap_or_default();
    let question = if names.len() > 1 {
        "is there an image or snapshot of each? their local disks die with them"
    } else {
        "is there an image or snapshot of it? its local disks die with it"
    };
    for name in names {
        analysis
            .targets
            .push(remote_target(&format!("{kind}:{name}"), true, true));
    }
    analysis
        .reason(
            Rule::InstanceDelete,
            Verdict::Confirm,
            format!("{command} deletes {named}{place}: {question}"),
        )
        .instead(instead);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_remote_and_file_urls_local() {
        assert!(is_url("s3://bucket/key"));
        assert!(is_url("gs://bucket"));
        assert!(!is_url("file:///tmp/x"));
        assert!(!is_url("./dir"));
        assert!(!is_url("/srv/data"));
        assert!(!is_url("weird:name"));
    }
}
