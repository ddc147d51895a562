//! Where shellguard keeps its state (snapshots, audit log, freeze flag).

use std::path::PathBuf;

use crate::context::Context;

/// `$SHELLGUARD_HOME`, else `$XDG_DATA_HOME/shellguard`, else `~/.local/share/shellguard`.
pub fn state_home(ctx: &Context) -> PathBuf {
    if let Some(home) = ctx.var("SHELLGUARD_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    let data = ctx
        .var("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| ctx.home().map(|h| h.join(".local/share")));
    match data {
        Some(data) => data.join("shellguard"),
        // No home at all (a bare service account): a per-uid directory, not a shared one.
        None => PathBuf::from(format!("/tmp/shellguard-{}", ctx.uid)),
    }
}
