//! The vocabulary every part of shellguard shares: verdicts, effects, reasons, targets.

use std::path::PathBuf;

use serde::Serialize;

use crate::rules::Rule;

/// How far shellguard lets a command go, in rising order of strictness.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allow,
    Confirm,
    Block,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Confirm => "confirm",
            Verdict::Block => "block",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a command does to one of its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    Delete,
    Overwrite,
    Modify,
    Reboot,
    Schedule,
    Remote,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Delete => "delete",
            Effect::Overwrite => "overwrite",
            Effect::Modify => "modify",
            Effect::Reboot => "reboot",
            Effect::Schedule => "schedule",
            Effect::Remote => "remote",
        }
    }

    /// Delete and overwrite lose data; modify and the others change state.
    pub fn loses_data(self) -> bool {
        matches!(self, Effect::Delete | Effect::Overwrite)
    }
}

/// What a path is on disk, as `lstat` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Missing,
    File,
    Dir,
    /// A directory that is the root of a mounted filesystem.
    MountPoint,
    Symlink,
    BlockDevice,
    CharDevice,
    Other,
    /// Not looked at: a remote path, or a path that could not be resolved statically.
    Unknown,
}

impl FileKind {
    pub fn exists(self) -> bool {
        !matches!(self, FileKind::Missing | FileKind::Unknown)
    }

    pub fn is_dir(self) -> bool {
        matches!(self, FileKind::Dir | FileKind::MountPoint)
    }
}

/// Why a command got (at least) a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: Rule,
    pub severity: Verdict,
    pub message: String,
    /// What to do instead, when there is a safer way to the same end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
}

impl Reason {
    pub fn new(rule: Rule, severity: Verdict, message: impl Into<String>) -> Self {
        Reason {
            rule,
            severity,
            message: message.into(),
            instead: None,
        }
    }

    /// Adds the safer way to the same end.
    pub fn instead(&mut self, advice: impl Into<String>) -> &mut Self {
        self.instead = Some(advice.into());
        self
    }
}

/// One thing a command would touch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Absolute and normalized; for a remote target, `host:path` as written.
    pub path: PathBuf,
    pub effect: Effect,
    pub exists: bool,
    pub kind: FileKind,
    /// The command acts on everything below the path, not just the path itself.
    pub recursive: bool,
    /// The operand as the command received it (before resolution), for messages.
    pub operand: String,
    /// False when the path is a best guess (a variable or substitution could not be expanded).
    pub exact: bool,
}

impl Target {
    pub fn is_remote(&self) -> bool {
        self.effect == Effect::Remote || self.kind == FileKind::Unknown && !self.path.is_absolute()
    }
}
