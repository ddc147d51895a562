//! `shellguard snapshots [list|show ID|verify [ID]|prune]`: the snapshot store.

use std::collections::HashMap;
use std::fmt::Write;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use super::review::write_stdout;
use super::{ExitCode, printable, shown, table};
use crate::cli::{Format, SnapshotsAction, SnapshotsArgs};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::snapshot::{
    Entry, Kind, Manifest, SnapshotId, Store, Summary, format_size, parse_duration, parse_size,
};
use crate::state::state_home;

/// What prune keeps when no policy layer says `[snapshots] keep`.
const DEFAULT_KEEP: Duration = Duration::from_secs(7 * 86_400);

pub fn run(args: SnapshotsArgs, ctx: &Context) -> Result<ExitCode> {
    let store = Store::open(&state_home(ctx))?;
    match args.action.unwrap_or(SnapshotsAction::List { du: false }) {
        SnapshotsAction::List { du } => list(&store, du, args.format),
        SnapshotsAction::Show { id } => show(&store, &id.parse()?, args.format),
        SnapshotsAction::Verify { id } => {
            let id = id.map(|text| text.parse::<SnapshotId>()).transpose()?;
            verify(&store, id.as_ref(), args.format)
        }
        SnapshotsAction::Prune {
            older_than,
            max_size,
        } => prune(ctx, &store, older_than, max_size, args.format),
    }
}

/// One line per transaction, from the summaries only: the cost grows with the number of
/// snapshots, not with what they hold (`--du` walks the stored trees).
fn list(store: &Store, du: bool, format: Format) -> Result<ExitCode> {
    let summaries = store.list()?;
    if format == Format::Json {
        let items: Vec<Value> = summaries
            .iter()
            .map(|s| {
                let mut item = serde_json::to_value(s).unwrap_or(Value::Null);
                item["time_utc"] = json!(s.time.to_rfc3339());
                if du {
                    item["disk_usage"] = json!(store.usage(&s.id));
                }
                item
            })
            .collect();
        write_stdout(&(serde_json::to_string_pretty(&items)? + "\n"))?;
        return Ok(ExitCode::Success);
    }
    if summaries.is_empty() {
        write_stdout(&format!("no snapshots (store: {})\n", shown(store.root())))?;
        return Ok(ExitCode::Success);
    }
    let mut header = vec!["ID", "TIME (UTC)", "STATE", "ENTRIES", "SIZE"];
    if du {
        header.push("ON DISK");
    }
    header.extend(["CWD", "COMMAND"]);
    let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for s in &summaries {
        let mut row = vec![
            s.id.to_string(),
            s.time.to_rfc3339(),
            name(&s.state),
            (s.entries + s.created).to_string(),
            known_size(s),
        ];
        if du {
            row.push(format_size(store.usage(&s.id)));
        }
        row.push(printable(&s.cwd).into_owned());
        row.push(printable(&s.command).into_owned());
        rows.push(row);
    }
    write_stdout(&table(&rows))?;
    Ok(ExitCode::Success)
}

/// Bytes known without walking: files, and trees once sealed by `verify`.
fn known_size(s: &Summary) -> String {
    if s.known_bytes == 0 && s.entries > 0 {
        "?".to_string()
    } else {
        format_size(s.known_bytes)
    }
}

fn show(store: &Store, id: &SnapshotId, format: Format) -> Result<ExitCode> {
    let manifest = store.manifest(id)?;
    if format == Format::Json {
        let mut value = serde_json::to_value(&manifest)?;
        value["disk_usage"] = json!(store.usage(id));
        write_stdout(&(serde_json::to_string_pretty(&value)? + "\n"))?;
        return Ok(ExitCode::Success);
    }
    write_stdout(&render_manifest(&manifest, store.usage(id)))?;
    Ok(ExitCode::Success)
}

fn render_manifest(m: &Manifest, usage: u64) -> String {
    let mut out = String::new();
    let user = match &m.meta.sudo_user {
        Some(sudo) => format!("{} (sudo: {})", m.meta.user, sudo),
        None => m.meta.user.clone(),
    };
    let mut fields = vec![
        ("snapshot", m.id.to_string()),
        ("state", name(&m.state)),
        ("time", m.time_utc.clone()),
        ("host", printable(&m.meta.host).into_owned()),
        ("user", printable(&user).into_owned()),
        ("cwd", shown(&m.meta.cwd)),
        ("command", printable(&m.command).into_owned()),
        ("on disk", format_size(usage)),
    ];
    if let Some(at) = m.restored_at {
        fields.push(("restored", at.to_rfc3339()));
    }
    for (key, value) in fields {
        let _ = writeln!(out, "{key:<9} {value}");
    }
    if !m.entries.is_empty() {
        let _ = writeln!(out, "\nentries:");
        let mut rows = vec![
            ["TYPE", "MODE", "SIZE", "METHOD", "ORIGINAL"]
                .map(String::from)
                .to_vec(),
        ];
        for e in &m.entries {
            rows.push(vec![
                name(&e.kind),
                if matches!(e.kind, Kind::Bytes) {
                    "-".into()
                } else {
                    format!("{:04o}", e.mode & 0o7777)
                },
                entry_size(e),
                name(&e.method),
                entry_text(e),
            ]);
        }
        out.push_str(&indent(&table(&rows)));
    }
    if !m.created.is_empty() {
        let _ = writeln!(
            out,
            "\ncreated by the command (undo removes them if unchanged):"
        );
        for c in &m.created {
            let _ = writeln!(out, "  {}", shown(&c.path));
        }
    }
    if !m.displaced.is_empty() {
        let _ = writeln!(out, "\nmoved out of the way by undo:");
        for d in &m.displaced {
            let _ = writeln!(out, "  {} -> {}", shown(&d.place), shown(&d.kept_at));
        }
    }
    out
}

fn entry_size(e: &Entry) -> String {
    match (&e.tree, e.kind) {
        (Some(seal), _) => format!("{} in {} nodes", format_size(seal.bytes), seal.nodes),
        (None, Kind::Dir) => "?".into(),
        (None, _) => format_size(e.size),
    }
}

fn entry_text(e: &Entry) -> String {
    let mut text = shown(&e.original);
    if let Some(target) = &e.symlink_target {
        let _ = write!(text, " -> {}", shown(target));
    }
    if let Some(place) = &e.restored_to {
        if *place == e.original {
            text.push_str("  (restored)");
        } else {
            let _ = write!(text, "  (restored as {})", shown(place));
        }
    }
    text
}

fn verify(store: &Store, id: Option<&SnapshotId>, format: Format) -> Result<ExitCode> {
    let report = store.verify(id)?;
    let code = if report.is_ok() {
        ExitCode::Success
    } else {
        ExitCode::Error
    };
    if format == Format::Json {
        let value = json!({
            "ok": report.is_ok(),
            "checked": report.checked,
            "entries": report.entries,
            "problems": report.problems.iter().map(|p| json!({
                "id": p.id,
                "original": p.original.to_string_lossy(),
                "stored_at": p.stored_at.to_string_lossy(),
                "what": p.what,
            })).collect::<Vec<_>>(),
            "sealed": report.sealed.iter().map(|(id, path)| json!({
                "id": id, "original": path.to_string_lossy(),
            })).collect::<Vec<_>>(),
            "busy": report.busy,
        });
        write_stdout(&(serde_json::to_string_pretty(&value)? + "\n"))?;
        return Ok(code);
    }
    let mut out = String::new();
    for p in &report.problems {
        let _ = writeln!(
            out,
            "DAMAGED {}  {}: {}  (stored at {})",
            p.id,
            shown(&p.original),
            printable(&p.what),
            shown(&p.stored_at)
        );
    }
    for busy in &report.busy {
        let _ = writeln!(
            out,
            "skipped {busy}: in use by another shellguard; verify it when that has finished"
        );
    }
    if !report.sealed.is_empty() {
        let _ = writeln!(
            out,
            "sealed {} entries: their checksums were taken now, later verifies compare against them",
            report.sealed.len()
        );
    }
    let _ = writeln!(
        out,
        "{}: {} snapshots, {} entries checked, {} missing or damaged",
        if report.is_ok() { "ok" } else { "FAILED" },
        report.checked.len(),
        report.entries,
        report.problems.len()
    );
    write_stdout(&out)?;
    Ok(code)
}

/// `keep` is the policy's floor: plain `prune` drops what is older than it, and `--max-size`
/// never drops anything younger. An explicit `--older-than` replaces it, because the user
/// named the age on the command line.
fn prune(
    ctx: &Context,
    store: &Store,
    older_than: Option<String>,
    max_size: Option<String>,
    format: Format,
) -> Result<ExitCode> {
    let explicit = older_than.as_deref().map(parse_duration).transpose()?;
    let limit = max_size.as_deref().map(parse_size).transpose()?;
    let policy = Policy::load(ctx)?;
    let keep = match policy.keep_snapshots.as_deref() {
        Some(text) => parse_duration(text).map_err(|source| Error::BadSetting {
            setting: "[snapshots] keep",
            source,
        })?,
        None => DEFAULT_KEEP,
    };
    let floor = explicit.unwrap_or(keep);
    let age = match (explicit, limit) {
        (Some(age), _) => Some(age),
        (None, None) => Some(keep),
        (None, Some(_)) => None,
    };
    let before: HashMap<SnapshotId, Summary> = store
        .list()?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let report = store.prune_keeping(age, limit, floor)?;
    let remaining: Option<u64> = limit
        .map(|_| {
            store
                .list()
                .map(|all| all.iter().map(|s| store.usage(&s.id)).sum())
        })
        .transpose()?;

    if format == Format::Json {
        let value = json!({
            "removed": report.removed.iter().map(|(id, bytes)| json!({"id": id, "bytes": bytes})).collect::<Vec<_>>(),
            "freed": report.freed,
            "kept_in_use": report.kept_pending,
            "older_than_secs": age.map(|a| a.as_secs()),
            "keep_secs": floor.as_secs(),
            "max_size": limit,
            "remaining": remaining,
        });
        write_stdout(&(serde_json::to_string_pretty(&value)? + "\n"))?;
        return Ok(ExitCode::Success);
    }
    let mut out = String::new();
    if explicit.is_some_and(|age| age < keep) {
        let _ = writeln!(
            out,
            "note: --older-than {} goes below the policy's keep = {}",
            older_than.as_deref().unwrap_or_default(),
            human_duration(keep)
        );
    }
    for (id, bytes) in &report.removed {
        let command = before
            .get(id)
            .map(|s| printable(&s.command).into_owned())
            .unwrap_or_default();
        let _ = writeln!(out, "removed {id}  {:>9}  {command}", format_size(*bytes));
    }
    for id in &report.kept_pending {
        let _ = writeln!(out, "kept {id}: pending or in use by another shellguard");
    }
    if report.removed.is_empty() {
        let why = match age {
            Some(age) => format!("no snapshot is older than {}", human_duration(age)),
            None => "the store already fits".to_string(),
        };
        let _ = writeln!(out, "nothing to prune: {why}");
    } else {
        let _ = writeln!(
            out,
            "freed {} in {} snapshots",
            format_size(report.freed),
            report.removed.len()
        );
    }
    if let (Some(limit), Some(remaining)) = (limit, remaining)
        && remaining > limit
    {
        let _ = writeln!(
            out,
            "the store still takes {}, over --max-size {}: what is left is younger than {} \
             (keep); --older-than goes below it",
            format_size(remaining),
            format_size(limit),
            human_duration(floor)
        );
    }
    write_stdout(&out)?;
    Ok(ExitCode::Success)
}

/// `7d`, `12h`, `90s`: the largest unit that divides the duration.
fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs >= size && secs.is_multiple_of(size) {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

/// The serde (kebab-case) name of a state, kind or method.
fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        _ => "?".into(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}
