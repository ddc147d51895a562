//! The effective policy: the layers of SPEC §6 merged, with environments, protected paths,
//! system paths and rule severities ready to match.

pub mod file;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use toml::Spanned;

use crate::context::Context;
use crate::error::Error;
use crate::model::Verdict;
use crate::rules::Rule;
use file::{PolicyFile, error_at};

/// The built-in policy, compiled in so the binary works with no files installed.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.toml");

/// How a destructive command is confirmed in an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmStyle {
    None,
    YesNo,
    /// The host name must be typed out (molly-guard style).
    Hostname,
}

impl ConfirmStyle {
    fn parse(s: &str) -> Option<ConfirmStyle> {
        match s {
            "none" | "no" => Some(ConfirmStyle::None),
            "yes" | "yesno" => Some(ConfirmStyle::YesNo),
            "hostname" => Some(ConfirmStyle::Hostname),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmStyle::None => "none",
            ConfirmStyle::YesNo => "yes",
            ConfirmStyle::Hostname => "hostname",
        }
    }
}

pub const COLORS: &[&str] = &[
    "red", "yellow", "green", "blue", "magenta", "cyan", "white", "black",
];

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub hosts: Vec<String>,
    matcher: GlobSet,
    pub color: String,
    pub confirm: ConfirmStyle,
    pub source: String,
}

/// A path glob, matchable against a path and against its ancestors.
#[derive(Debug, Clone)]
pub struct PathPattern {
    pub text: String,
    /// The components before the first glob character, for a cheap first test.
    literal_prefix: PathBuf,
    /// Compiled on the first path that passes the prefix test: most never do, and
    /// compiling every pattern's regexes was three quarters of a one-line review.
    matchers: OnceCell<Matchers>,
}

#[derive(Debug, Clone)]
struct Matchers {
    full: GlobMatcher,
    components: Vec<GlobMatcher>,
}

/// How a target relates to a protected pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Is,
    /// The target is a directory above the protected path.
    Contains,
    /// The target lies inside the protected path.
    Inside,
}

fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

impl PathPattern {
    /// Checks the glob syntax now (errors carry positions at load), compiles later.
    fn new(text: &str) -> Result<PathPattern, globset::Error> {
        // `/data/` means `/data`: paths it is compared with are normalized.
        let text = if text.len() > 1 {
            text.trim_end_matches('/')
        } else {
            text
        };
        GlobBuilder::new(text).literal_separator(true).build()?;
        let literal_prefix: PathBuf = text
            .split('/')
            .take_while(|c| !is_glob(c))
            .collect::<Vec<_>>()
            .join("/")
            .into();
        Ok(PathPattern {
            text: text.to_string(),
            literal_prefix,
            matchers: OnceCell::new(),
        })
    }

    fn matchers(&self) -> &Matchers {
        self.matchers.get_or_init(|| {
            let glob = |t: &str, sep: bool| {
                GlobBuilder::new(t)
                    .literal_separator(sep)
                    .build()
                    .expect("validated in new")
                    .compile_matcher()
            };
            Matchers {
                full: glob(&self.text, true),
                components: self
                    .text
                    .split('/')
                    .filter(|c| !c.is_empty())
                    .map(|c| glob(c, false))
                    .collect(),
            }
        })
    }

    pub fn relation(&self, path: &Path) -> Option<Relation> {
        // Unrelated paths (the common case) share no prefix with the pattern's literal part.
        // Both are normalized, so comparing bytes at a `/` boundary is enough (and cheap).
        let (p, l) = (
            path.as_os_str().as_bytes(),
            self.literal_prefix.as_os_str().as_bytes(),
        );
        if !is_path_prefix(l, p) && !is_path_prefix(p, l) {
            return None;
        }
        // A pattern without glob characters is its literal prefix: no regex needed.
        if !is_glob(&self.text) {
            return Some(if p.len() == l.len() {
                Relation::Is
            } else if p.len() > l.len() {
                Relation::Inside
            } else {
                Relation::Contains
            });
        }
        let m = self.matchers();
        if m.full.is_match(path) {
            return Some(Relation::Is);
        }
        if path
            .ancestors()
            .skip(1)
            .any(|a| a != Path::new("/") && m.full.is_match(a))
        {
            return Some(Relation::Inside);
        }
        let parts: Vec<_> = path.components().skip(1).collect();
        let shorter = parts.len() < m.components.len();
        let prefix_matches = parts
            .iter()
            .zip(&m.components)
            .all(|(p, g)| g.is_match(p.as_os_str()));
        (shorter && prefix_matches).then_some(Relation::Contains)
    }
}

/// `prefix` is `path` or one of its ancestors (both normalized, absolute).
fn is_path_prefix(prefix: &[u8], path: &[u8]) -> bool {
    path.starts_with(prefix)
        && (path.len() == prefix.len() || prefix.ends_with(b"/") || path[prefix.len()] == b'/')
}

#[derive(Debug, Clone)]
pub struct Protection {
    pub patterns: Vec<PathPattern>,
    pub verdict: Verdict,
    pub environments: Vec<String>,
    pub reason: Option<String>,
    pub source: String,
}

/// A rule's severity as set by `[rules]`, and the floor that system layers fixed.
#[derive(Debug, Clone, Copy)]
struct RuleSetting {
    severity: Verdict,
}

#[derive(Debug, Clone)]
pub struct Policy {
    /// Where each layer came from, in order.
    pub sources: Vec<String>,
    pub environments: Vec<Environment>,
    pub protections: Vec<Protection>,
    pub system_paths: Vec<String>,
    system_set: GlobSet,
    rules: HashMap<Rule, RuleSetting>,
    pub max_snapshot_size: Option<String>,
    pub keep_snapshots: Option<String>,
    pub guarded_programs: Vec<String>,
    /// Settings that were ignored (a user layer trying to weaken a system block).
    pub warnings: Vec<String>,
}

/// One layer's text and where it came from.
pub struct Layer {
    pub path: PathBuf,
    pub text: String,
    /// System layers (built-in, /etc) set blocks that user layers cannot weaken.
    pub system: bool,
}

impl Policy {
    /// The built-in policy alone.
    pub fn builtin() -> Policy {
        Policy::from_layers(&[builtin_layer()]).expect("the built-in policy is valid (tested)")
    }

    /// Loads every layer of SPEC §6 that exists.
    pub fn load(ctx: &Context) -> Result<Policy, Error> {
        Policy::from_layers(&standard_layers(ctx)?)
    }

    pub fn from_layers(layers: &[Layer]) -> Result<Policy, Error> {
        let mut policy = Policy {
            sources: Vec::new(),
            environments: Vec::new(),
            protections: Vec::new(),
            system_paths: Vec::new(),
            system_set: GlobSet::empty(),
            rules: HashMap::new(),
            max_snapshot_size: None,
            keep_snapshots: None,
            guarded_programs: Vec::new(),
            warnings: Vec::new(),
        };
        let mut system_blocks: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.default_severity() == Verdict::Block)
            .collect();
        let mut system_builder = GlobSetBuilder::new();
        for layer in layers {
            let parsed = file::parse(&layer.path, &layer.text)?;
            policy.merge(layer, parsed, &mut system_blocks, &mut system_builder)?;
        }
        policy.system_set = system_builder
            .build()
            .map_err(|e| Error::Usage(e.to_string()))?;
        Ok(policy)
    }

    fn merge(
        &mut self,
        layer: &Layer,
        parsed: PolicyFile,
        system_blocks: &mut Vec<Rule>,
        system_builder: &mut GlobSetBuilder,
    ) -> Result<(), Error> {
        let source = layer.path.display().to_string();
        let bad = |span: std::ops::Range<usize>, message: String| {
            error_at(&layer.path, &layer.text, span.start, message)
        };
        let glob = |s: &Spanned<String>| -> Result<Glob, Error> {
            GlobBuilder::new(s.get_ref())
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    bad(
                        s.span(),
                        format!("invalid glob '{}': {}", s.get_ref(), e.kind()),
                    )
                })
        };
        self.sources.push(source.clone());

        for env in parsed.environment {
            let mut builder = GlobSetBuilder::new();
            for host in &env.hosts {
                builder.add(glob(host)?);
            }
            let color = match &env.color {
                Some(c) if !COLORS.contains(&c.get_ref().as_str()) => {
                    return Err(bad(
                        c.span(),
                        format!(
                            "unknown color '{}' (one of: {})",
                            c.get_ref(),
                            COLORS.join(", ")
                        ),
                    ));
                }
                Some(c) => c.get_ref().clone(),
                None => "yellow".to_string(),
            };
            let confirm = match &env.confirm {
                Some(c) => ConfirmStyle::parse(c.get_ref()).ok_or_else(|| {
                    bad(
                        c.span(),
                        format!(
                            "confirm must be \"hostname\", \"yes\" or \"none\", not '{}'",
                            c.get_ref()
                        ),
                    )
                })?,
                None => ConfirmStyle::None,
            };
            // A later layer's entry for a known environment extends its hosts and replaces the rest.
            let mut hosts: Vec<String> = env.hosts.iter().map(|h| h.get_ref().clone()).collect();
            if let Some(old) = self.environments.iter().position(|e| e.name == env.name) {
                let old = self.environments.remove(old);
                for host in old.hosts.iter().rev() {
                    hosts.insert(0, host.clone());
                    builder.add(Glob::new(host).map_err(|e| Error::Usage(e.to_string()))?);
                }
            }
            let matcher = builder.build().map_err(|e| Error::Usage(e.to_string()))?;
            self.environments.push(Environment {
                name: env.name,
                hosts,
                matcher,
                color,
                confirm,
                source: source.clone(),
            });
        }

        for entry in parsed.protect {
            let patterns = entry
                .paths
                .iter()
                .map(|p| {
                    if !p.get_ref().starts_with('/') {
                        return Err(bad(
                            p.span(),
                            format!("protected path '{}' must be absolute", p.get_ref()),
                        ));
                    }
                    PathPattern::new(p.get_ref()).map_err(|e| {
                        bad(
                            p.span(),
                            format!("invalid glob '{}': {}", p.get_ref(), e.kind()),
                        )
                    })
                })
                .collect::<Result<_, _>>()?;
            self.protections.push(Protection {
                patterns,
                verdict: entry.verdict,
                environments: entry.environments,
                reason: entry.reason,
                source: source.clone(),
            });
        }

        for path in &parsed.paths.system {
            system_builder.add(glob(path)?);
            self.system_paths.push(path.get_ref().clone());
        }

        for (id, severity) in &parsed.rules {
            let rule = Rule::from_id(id.get_ref()).ok_or_else(|| {
                bad(
                    id.span(),
                    format!(
                        "unknown rule id '{}' (see shellguard policy explain)",
                        id.get_ref()
                    ),
                )
            })?;
            let severity = *severity.get_ref();
            if layer.system {
                if severity == Verdict::Block {
                    system_blocks.push(rule);
                } else {
                    system_blocks.retain(|r| *r != rule);
                }
            } else if severity < Verdict::Block && system_blocks.contains(&rule) {
                self.warnings.push(format!(
                    "{source}: '{rule} = \"{severity}\"' ignored: a system layer blocks {rule}"
                ));
                continue;
            }
            self.rules.insert(rule, RuleSetting { severity });
        }

        if let Some(size) = parsed.snapshots.max_size {
            self.max_snapshot_size = Some(size.into_inner());
        }
        if let Some(keep) = parsed.snapshots.keep {
            self.keep_snapshots = Some(keep.into_inner());
        }
        for program in parsed.guard.programs {
            if !self.guarded_programs.contains(&program) {
                self.guarded_programs.push(program);
            }
        }
        Ok(())
    }

    /// The environment of a host: `SHELLGUARD_ENV` when set, else the last layer's
    /// matching `[[environment]]`.
    pub fn environment_for(&self, host: &str, forced: Option<&str>) -> Option<Environment> {
        if let Some(name) = forced.filter(|n| !n.is_empty()) {
            return Some(
                self.environments
                    .iter()
                    .find(|e| e.name == name)
                    .cloned()
                    .unwrap_or_else(|| Environment {
                        name: name.to_string(),
                        hosts: Vec::new(),
                        matcher: GlobSet::empty(),
                        color: if name == "production" {
                            "red"
                        } else {
                            "yellow"
                        }
                        .to_string(),
                        confirm: if name == "production" {
                            ConfirmStyle::Hostname
                        } else {
                            ConfirmStyle::None
                        },
                        source: "SHELLGUARD_ENV".to_string(),
                    }),
            );
        }
        self.environments
            .iter()
            .rev()
            .find(|e| e.matcher.is_match(host))
            .cloned()
    }

    pub fn is_system_path(&self, path: &Path) -> bool {
        self.system_set.is_match(path)
    }

    /// The strictest protection that applies to `path` in `environment`.
    pub fn protection_for(
        &self,
        path: &Path,
        environment: Option<&str>,
    ) -> Option<(&Protection, &PathPattern, Relation)> {
        self.protections
            .iter()
            .filter(|p| {
                p.environments.is_empty()
                    || environment.is_some_and(|e| p.environments.iter().any(|x| x == e))
            })
            .flat_map(|p| {
                p.patterns
                    .iter()
                    .filter_map(move |pat| pat.relation(path).map(|rel| (p, pat, rel)))
            })
            // The first of the strictest: the order of the policy file is the order of intent.
            .fold(
                None,
                |best: Option<(&Protection, &PathPattern, Relation)>, m| match best {
                    Some(b) if b.0.verdict >= m.0.verdict => Some(b),
                    _ => Some(m),
                },
            )
    }

    /// The severity a reason gets once `[rules]` is applied.
    pub fn severity(&self, rule: Rule, proposed: Verdict) -> Verdict {
        self.rules.get(&rule).map_or(proposed, |s| s.severity)
    }

    /// The `[rules]` settings in force, for `policy show`.
    pub fn rule_settings(&self) -> Vec<(Rule, Verdict)> {
        let mut v: Vec<_> = self.rules.iter().map(|(r, s)| (*r, s.severity)).collect();
        v.sort();
        v
    }
}

pub fn builtin_layer() -> Layer {
    Layer {
        path: PathBuf::from("<built-in>"),
        text: DEFAULT_POLICY.to_string(),
        system: true,
    }
}

/// The layers of SPEC §6, in order, reading the files that exist.
pub fn standard_layers(ctx: &Context) -> Result<Vec<Layer>, Error> {
    let mut layers = vec![builtin_layer()];
    let read = |path: PathBuf, system: bool, layers: &mut Vec<Layer>| -> Result<(), Error> {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                layers.push(Layer { path, text, system });
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Read { path, source }),
        }
    };
    let etc = Path::new("/etc/shellguard");
    read(etc.join("policy.toml"), true, &mut layers)?;
    if let Ok(entries) = std::fs::read_dir(etc.join("policy.d")) {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            read(f, true, &mut layers)?;
        }
    }
    let config = ctx
        .var("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| ctx.home().map(|h| h.join(".config")));
    if let Some(config) = config {
        read(config.join("shellguard/policy.toml"), false, &mut layers)?;
    }
    if let Some(extra) = ctx.var("SHELLGUARD_POLICY") {
        for path in extra.split(':').filter(|p| !p.is_empty()) {
            let path = PathBuf::from(path);
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            layers.push(Layer {
                path,
                text,
                system: false,
            });
        }
    }
    Ok(layers)
}
