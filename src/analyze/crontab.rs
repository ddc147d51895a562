//! `crontab` (Debian's cron / cronie): the whole table of a user at once.
//!
//! The target is the table's file in the spool, `/var/spool/cron/crontabs/USER` (Debian)
//! or `/var/spool/cron/USER` (cronie, when only that spool exists), so the judge and the
//! snapshot store see a real path. `-r` deletes it (`crontab-remove`, confirm); a FILE,
//! `-`, or no operand replaces it from that file or standard input (`crontab-replace`,
//! confirm); `-e` edits it (`crontab-replace`, allow, effect modify). All three snapshot
//! the table. `-l` only prints.

use std::path::{Path, PathBuf};

use super::opts::{self, OptDef, flag, valued};
use super::{Analysis, Invocation, Stdin};
use crate::model::{Effect, Target, Verdict};
use crate::rules::Rule;

const OPTIONS: &[OptDef] = &[
    valued("user", Some('u'), None),
    flag("list", Some('l'), None),
    flag("edit", Some('e'), None),
    flag("remove", Some('r'), None),
    flag("ask", Some('i'), None),
    flag("selinux", Some('s'), None),
    flag("cluster", Some('c'), None),
    flag("test", Some('T'), None),
    valued("debug", Some('x'), None),
    valued("host", Some('n'), None),
    flag("version", Some('V'), None),
    flag("help", Some('h'), None),
];

/// Where a user's crontab lives on this machine.
pub fn table_path(inv: &Invocation, user: &str) -> PathBuf {
    let debian = Path::new("/var/spool/cron/crontabs");
    let cronie = Path::new("/var/spool/cron");
    if !inv.ctx.kind_of(debian).is_dir() && inv.ctx.kind_of(cronie).is_dir() {
        cronie.join(user)
    } else {
        debian.join(user)
    }
}

pub fn analyze(inv: &Invocation) -> Analysis {
    let mut analysis = Analysis::default();
    let parsed = opts::parse(OPTIONS, inv.args);
    if parsed.has("help") || parsed.has("version") || parsed.has("test") {
        return analysis;
    }
    let user = parsed
        .value("user")
        .map(|u| u.to_string_lossy().into_owned())
        .unwrap_or_else(|| inv.ctx.user().to_string());
    let path = table_path(inv, &user);
    let kind = inv.ctx.kind_of(&path);
    let target = |effect: Effect| Target {
        exists: kind.exists(),
        path: path.clone(),
        effect,
        kind,
        recursive: false,
        operand: path.display().to_string(),
        exact: true,
    };
    let whose = format!("{user}'s crontab");

    if parsed.has("remove") {
        let asks = if parsed.has("ask") {
            " (-i asks first, but one 'y' and it is gone)"
        } else {
            " without asking"
        };
        analysis
            .reason(
                Rule::CrontabRemove,
                Verdict::Confirm,
                format!("crontab -r deletes {whose}, every job in it,{asks}"),
            )
            .instead(format!(
                "save it first (crontab{} -l > crontab.bak), or edit it with crontab -e",
                user_flag(&parsed)
            ));
        analysis.targets.push(target(Effect::Delete));
        analysis.snapshot = true;
        return analysis;
    }
    if parsed.has("list") {
        return analysis;
    }
    if parsed.has("edit") {
        analysis.reason(
            Rule::CrontabReplace,
            Verdict::Allow,
            format!("crontab -e edits {whose}; shellguard keeps the current table"),
        );
        analysis.targets.push(target(Effect::Modify));
        analysis.snapshot = true;
        return analysis;
    }
    let source = match parsed.operands.first() {
        Some(file) if file.text() != "-" => {
            let text = file.text();
            if text == "/dev/null" {
                "an empty table from /dev/null: every job is gone, as with crontab -r".to_string()
            } else {
                format!("the contents of '{text}'")
            }
        }
        _ => match &inv.stdin {
            Stdin::Terminal => {
                "what you type on the terminal until Ctrl-D (Ctrl-C leaves it as it is)".to_string()
            }
            Stdin::Data(Some(text)) if text.trim().is_empty() => {
                "an empty table from standard input: every job is gone, as with crontab -r"
                    .to_string()
            }
            Stdin::Data(Some(text)) => format!(
                "{} line(s) from standard input",
                text.lines().filter(|l| !l.trim().is_empty()).count()
            ),
            _ => "whatever arrives on standard input".to_string(),
        },
    };
    analysis
        .reason(
            Rule::CrontabReplace,
            Verdict::Confirm,
            format!("crontab replaces the whole of {whose} with {source}"),
        )
        .instead(format!(
            "to add a job, append to the current table: (crontab{u} -l; cat FILE) | crontab{u} -",
            u = user_flag(&parsed)
        ));
    analysis.targets.push(target(Effect::Overwrite));
    analysis.snapshot = true;
    analysis
}

fn user_flag(parsed: &opts::Parsed) -> String {
    parsed
        .value("user")
        .map(|u| format!(" -u {}", u.to_string_lossy()))
        .unwrap_or_default()
}
