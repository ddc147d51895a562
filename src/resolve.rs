//! Turning an operand into the absolute path the kernel would act on.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::context::Context;
use crate::model::FileKind;

/// Where an operand leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Absolute, normalized; the last component is not followed unless the operand
    /// ends in a slash and names a symlink to a directory.
    pub path: PathBuf,
    pub kind: FileKind,
    /// Set when the operand was `link/`: the path of the symlink that was followed.
    pub through_link: Option<PathBuf>,
}

/// Resolves `operand` against `cwd` (None = unknown; relative operands then stay relative
/// and are reported with kind `Unknown`).
pub fn resolve(ctx: &Context, cwd: Option<&Path>, operand: &OsStr) -> Resolved {
    let raw = Path::new(operand);
    let base = if raw.is_absolute() {
        PathBuf::from("/")
    } else {
        match cwd {
            Some(dir) => dir.to_path_buf(),
            None => {
                return Resolved {
                    path: raw.to_path_buf(),
                    kind: FileKind::Unknown,
                    through_link: None,
                };
            }
        }
    };
    let path = normalize(&base.join(raw));
    let kind = ctx.kind_of(&path);
    if kind == FileKind::Symlink
        && names_directory_contents(operand)
        && let Ok(real) = std::fs::canonicalize(&path)
    {
        let real_kind = ctx.kind_of(&real);
        if real_kind.is_dir() {
            return Resolved {
                path: real,
                kind: real_kind,
                through_link: Some(path),
            };
        }
    }
    Resolved {
        path,
        kind,
        through_link: None,
    }
}

/// `dir/` and `dir/.` make the kernel follow a final symlink.
pub fn names_directory_contents(operand: &OsStr) -> bool {
    let bytes = operand.as_bytes();
    bytes.ends_with(b"/") || bytes.ends_with(b"/.")
}

/// Normalizes an absolute path the way the kernel walks it: `//` and `.` vanish, and `..`
/// goes to the parent of where the path so far really leads (following symlinks in the
/// prefix), not merely of its text. The last component is never followed.
pub fn normalize(path: &Path) -> PathBuf {
    // On bytes: a review resolves every operand, and `Path::components` cost more than
    // the rest of resolving.
    let mut out: Vec<u8> = Vec::with_capacity(path.as_os_str().len() + 1);
    for segment in path.as_os_str().as_bytes().split(|&b| b == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                if out.is_empty() {
                    continue; // `/..` is `/`
                }
                if let Ok(real) = std::fs::canonicalize(OsStr::from_bytes(&out)) {
                    out = real.into_os_string().into_vec();
                }
                let parent = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(parent);
            }
            name => {
                out.push(b'/');
                out.extend_from_slice(name);
            }
        }
    }
    if out.is_empty() {
        out.push(b'/');
    }
    PathBuf::from(OsString::from_vec(out))
}

/// True when `path` is `ancestor` or below it (component-wise).
pub fn is_within(path: &Path, ancestor: &Path) -> bool {
    path.starts_with(ancestor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashes_and_dots_collapse() {
        assert_eq!(
            normalize(Path::new("//usr/./lib//")),
            PathBuf::from("/usr/lib")
        );
        assert_eq!(normalize(Path::new("/..")), PathBuf::from("/"));
        assert_eq!(
            normalize(Path::new("/nonexistent-x/../etc")),
            PathBuf::from("/etc")
        );
        assert_eq!(normalize(Path::new("/")), PathBuf::from("/"));
        assert_eq!(normalize(Path::new("/srv/./a/")), PathBuf::from("/srv/a"));
        assert_eq!(normalize(Path::new("/srv/a/../../..")), PathBuf::from("/"));
        assert_eq!(normalize(Path::new("/.../x")), PathBuf::from("/.../x"));
    }

    #[test]
    fn dotdot_goes_through_symlinks_like_the_kernel() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("a/b");
        std::fs::create_dir_all(&real).unwrap();
        std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
        let via = normalize(&tmp.path().join("link/.."));
        assert_eq!(via, std::fs::canonicalize(tmp.path().join("a")).unwrap());
    }
}
