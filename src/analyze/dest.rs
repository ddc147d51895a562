//! Where `mv`, `cp` and `ln` put things: GNU's rules for the last operand.
//!
//! `-t DIR` names the directory and every operand is a source; `-T` makes the last
//! operand a plain name; otherwise with three or more operands the last is a directory,
//! and with two it is a directory only when it already is one (following a symlink),
//! in which case the source lands at `DIR/basename(source)`.

use std::path::{Path, PathBuf};

use super::opts::Parsed;
use super::{Arg, Invocation};
use crate::model::FileKind;

/// One source and the path it will occupy.
pub struct Placement<'a> {
    pub source: &'a Arg,
    /// Absolute (or relative when the working directory is unknown).
    pub dest: PathBuf,
    /// What is at `dest` now, as `lstat` sees it.
    pub dest_kind: FileKind,
    /// The destination as the user wrote it, for messages.
    pub dest_operand: String,
    pub dest_exact: bool,
}

/// Options that shape the destination: `-t DIR` and `-T`.
pub struct Shape {
    /// Follow a destination symlink to decide whether it is a directory (`ln -n` does not).
    pub follow_dest_link: bool,
    /// `ln TARGET` with a single operand links into the working directory.
    pub single_operand_into_cwd: bool,
}

pub fn place<'a>(inv: &Invocation, parsed: &Parsed<'a>, shape: &Shape) -> Vec<Placement<'a>> {
    let operands = &parsed.operands;
    if let Some(dir) = parsed.value("target-directory") {
        let dir = Arg::exact(dir.clone());
        return operands.iter().map(|s| into_dir(inv, s, &dir)).collect();
    }
    if parsed.has("no-target-directory") {
        if operands.len() != 2 {
            return Vec::new();
        }
        return vec![as_name(inv, operands[0], operands[1])];
    }
    match operands.len() {
        0 => Vec::new(),
        1 if shape.single_operand_into_cwd => vec![into_dir(inv, operands[0], &Arg::exact("."))],
        1 => Vec::new(),
        2 => {
            let dest = operands[1];
            let resolved = inv.resolve(dest);
            let is_dir = resolved.kind.is_dir()
                || (resolved.kind == FileKind::Symlink
                    && shape.follow_dest_link
                    && inv.follow(&resolved.path).is_some_and(|(_, k)| k.is_dir()));
            if is_dir {
                vec![into_dir(inv, operands[0], dest)]
            } else {
                vec![as_name(inv, operands[0], dest)]
            }
        }
        n => {
            let dir = operands[n - 1];
            operands[..n - 1]
                .iter()
                .map(|s| into_dir(inv, s, dir))
                .collect()
        }
    }
}

fn as_name<'a>(inv: &Invocation, source: &'a Arg, dest: &Arg) -> Placement<'a> {
    let resolved = inv.resolve(dest);
    Placement {
        source,
        dest: resolved.path,
        dest_kind: resolved.kind,
        dest_operand: dest.text().into_owned(),
        dest_exact: dest.exact,
    }
}

fn into_dir<'a>(inv: &Invocation, source: &'a Arg, dir: &Arg) -> Placement<'a> {
    let resolved = inv.resolve(dir);
    let dir_path = match resolved.kind {
        FileKind::Symlink => inv
            .follow(&resolved.path)
            .map(|(p, _)| p)
            .unwrap_or(resolved.path),
        _ => resolved.path,
    };
    let name = basename(source);
    let dest = dir_path.join(&name);
    let dest_kind = if resolved.kind == FileKind::Unknown || !source.exact {
        FileKind::Unknown
    } else {
        inv.ctx.kind_of(&dest)
    };
    Placement {
        source,
        dest,
        dest_kind,
        dest_operand: format!("{}/{}", dir.text().trim_end_matches('/'), name),
        dest_exact: dir.exact && source.exact,
    }
}

/// The last component of an operand (`src/` → `src`), as GNU `base_name` gives it.
pub fn basename(arg: &Arg) -> String {
    let text = arg.text();
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    Path::new(trimmed)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| trimmed.rsplit('/').next().unwrap_or(trimmed).to_string())
}
