//! One policy file as written (SPEC §7), parsed with positions so that every error names
//! file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::Error;
use crate::model::Verdict;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    #[serde(default)]
    pub environment: Vec<EnvironmentEntry>,
    #[serde(default)]
    pub protect: Vec<ProtectEntry>,
    #[serde(default)]
    pub paths: PathsSection,
    /// Rule id → severity, to tighten (or, in system layers, relax) a rule.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<Verdict>>,
    #[serde(default)]
    pub snapshots: SnapshotsSection,
    #[serde(default)]
    pub guard: GuardSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentEntry {
    pub name: String,
    #[serde(default)]
    pub hosts: Vec<Spanned<String>>,
    #[serde(default)]
    pub color: Option<Spanned<String>>,
    #[serde(default)]
    pub confirm: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtectEntry {
    pub paths: Vec<Spanned<String>>,
    #[serde(default = "default_protect_verdict")]
    pub verdict: Verdict,
    #[serde(default)]
    pub environments: Vec<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

fn default_protect_verdict() -> Verdict {
    Verdict::Block
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsSection {
    /// System directories: deleting or overwriting one is `system-path`.
    #[serde(default)]
    pub system: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotsSection {
    pub max_size: Option<Spanned<String>>,
    pub keep: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardSection {
    /// Programs the shell integration wraps.
    #[serde(default)]
    pub programs: Vec<String>,
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub fn error_at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Error {
    let (line, column) = line_col(text, offset);
    Error::Policy {
        file: file.to_path_buf(),
        line,
        column,
        message: message.into(),
    }
}

pub fn parse(file: &Path, text: &str) -> Result<PolicyFile, Error> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        error_at(file, text, offset, e.message().trim().to_string())
    })
}
