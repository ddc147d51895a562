//! `shellguard shims DIR`: one symlink per guarded program, DIR/NAME -> this binary, which
//! then behaves as `shellguard run -- NAME` (multi-call). With DIR first on PATH, scripts
//! and non-interactive shells are guarded too, not only interactive functions.

use std::path::{Path, PathBuf};

use super::review::write_stdout;
use super::{ExitCode, shown};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::Policy;

pub fn run(dir: &Path, ctx: &Context) -> Result<ExitCode> {
    let binary = std::env::current_exe()?;
    let policy = Policy::load(ctx)?;
    let dir = match ctx.cwd.as_deref() {
        Some(cwd) => cwd.join(dir),
        None => dir.to_path_buf(),
    };
    let (made, total) = install(&dir, &binary, &policy.guarded_programs)?;
    write_stdout(&format!(
        "{made} of {total} shims created or updated in {} (-> {})\n\
         put the directory first on PATH, e.g. in ~/.profile:\n    export PATH={}:\"$PATH\"\n",
        shown(&dir),
        shown(&binary),
        shown(&dir),
    ))?;
    Ok(ExitCode::Success)
}

/// Makes `dir/NAME -> binary` for every name; (links made or replaced, names). Refuses,
/// changing nothing, when a name is taken by something that is not a symlink.
pub fn install(dir: &Path, binary: &Path, programs: &[String]) -> Result<(usize, usize)> {
    let names: Vec<&str> = programs
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty() && !n.contains('/') && *n != "." && *n != "..")
        .collect();
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    // Check every name before touching any: a refusal leaves the directory as it was.
    let mut todo: Vec<(PathBuf, bool)> = Vec::new();
    let mut conflicts = Vec::new();
    for name in &names {
        let link = dir.join(name);
        match std::fs::symlink_metadata(&link) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => todo.push((link, false)),
            Err(source) => return Err(Error::Read { path: link, source }),
            Ok(meta) if !meta.file_type().is_symlink() => conflicts.push(shown(&link)),
            Ok(_) if std::fs::read_link(&link).is_ok_and(|t| t == binary) => {}
            Ok(_) => todo.push((link, true)),
        }
    }
    if !conflicts.is_empty() {
        return Err(Error::Usage(format!(
            "shims: not a symlink, left alone: {}; move it away or choose another directory",
            conflicts.join(", ")
        )));
    }
    for (link, replace) in &todo {
        if *replace {
            std::fs::remove_file(link).map_err(|source| Error::Write {
                path: link.clone(),
                source,
            })?;
        }
        std::os::unix::fs::symlink(binary, link).map_err(|source| Error::Write {
            path: link.clone(),
            source,
        })?;
    }
    Ok((todo.len(), names.len()))
}
