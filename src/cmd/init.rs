//! `shellguard init bash|zsh|fish`: the shell integration, rendered from the templates in
//! `shell-hooks/` with this binary's absolute path baked in (so it works under `sudo -i`
//! and with a PATH that lacks it), one wrapper function per guarded program, the sudo
//! wrapper, the prompt badge (worked out here, once) and the review key.

use super::ExitCode;
use super::prompt::{self, Badge};
use super::review::write_stdout;
use crate::cli::{InitArgs, PromptShell, Shell};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::Policy;

const BASH: &str = include_str!("../../shell-hooks/bash.sh");
const ZSH: &str = include_str!("../../shell-hooks/zsh.zsh");
const FISH: &str = include_str!("../../shell-hooks/fish.fish");

/// Everything a rendered integration depends on.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The absolute path of the shellguard binary.
    pub binary: String,
    /// The guarded programs (names that cannot be function names are left out).
    pub programs: Vec<String>,
    /// None: no badge on this host, or `--no-prompt`.
    pub badge: Option<Badge>,
    pub color: bool,
    pub sudo: bool,
    pub keys: bool,
}

pub fn run(args: InitArgs, ctx: &Context) -> Result<ExitCode> {
    let exe = std::env::current_exe()?;
    let binary = exe
        .to_str()
        .ok_or_else(|| {
            Error::Usage(format!(
                "init: the binary's path {} is not UTF-8; install shellguard under a plain path",
                super::shown(&exe)
            ))
        })?
        .to_string();
    let policy = Policy::load(ctx)?;
    let badge = if args.no_prompt {
        None
    } else {
        Badge::for_host(ctx, &policy, false)
    };
    let setup = Setup {
        binary,
        programs: policy.guarded_programs.clone(),
        badge,
        color: prompt::wants_color(ctx),
        sudo: !args.no_sudo,
        keys: !args.no_keys,
    };
    write_stdout(&render(args.shell, &setup))?;
    Ok(ExitCode::Success)
}

/// The integration script for `shell`.
pub fn render(shell: Shell, setup: &Setup) -> String {
    let template = match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
    };
    let enabled = |section: &str| match section {
        "sudo" => setup.sudo,
        "prompt" => setup.badge.is_some(),
        "keys" | "paste" => setup.keys,
        _ => true,
    };
    let quote = match shell {
        Shell::Fish => fish_quote,
        Shell::Bash | Shell::Zsh => sh_quote,
    };
    let sg = quote(&setup.binary);
    let programs: Vec<&str> = setup
        .programs
        .iter()
        .map(String::as_str)
        .filter(|p| is_function_name(p))
        .collect();
    let wrappers: String = programs
        .iter()
        .map(|p| match shell {
            // `function NAME` rather than `NAME()`: an alias such as rm='rm -i' would be
            // expanded in `rm()` and break the definition.
            Shell::Bash | Shell::Zsh => format!("function {p} {{ {sg} run -- {p} \"$@\"; }}\n"),
            Shell::Fish => format!(
                "function {p} --description '{p}, guarded by shellguard'\n    {sg} run -- {p} $argv\nend\n"
            ),
        })
        .collect();
    let guarded = match shell {
        Shell::Fish => programs.join(" "),
        Shell::Bash | Shell::Zsh => programs.join(" | "),
    };
    let badge = match (&setup.badge, shell) {
        (None, _) => String::new(),
        (Some(b), Shell::Bash) => sh_quote(&b.render(PromptShell::Bash, setup.color)),
        (Some(b), Shell::Zsh) => ansi_c_quote(&b.render(PromptShell::Zsh, setup.color)),
        (Some(b), Shell::Fish) => fish_quote(&b.fish_format(setup.color)),
    };

    let mut out = String::with_capacity(template.len() + wrappers.len());
    let mut skipping: Option<&str> = None;
    for line in template.lines() {
        let marker = line.trim_start();
        if let Some(name) = marker.strip_prefix("# shellguard:begin ") {
            if !enabled(name) {
                skipping = Some(name);
            }
            continue;
        }
        if let Some(name) = marker.strip_prefix("# shellguard:end ") {
            if skipping == Some(name) {
                skipping = None;
            }
            continue;
        }
        if skipping.is_some() {
            continue;
        }
        if marker == "{{WRAPPERS}}" {
            out.push_str(&wrappers);
            continue;
        }
        out.push_str(
            &line
                .replace("{{SG}}", &sg)
                .replace("{{GUARDED}}", &guarded)
                .replace("{{BADGE}}", &badge),
        );
        out.push('\n');
    }
    out
}

/// Names every shell accepts as a function name and that need no quoting anywhere:
/// `rm`, `mkfs.ext4`, `apt-get`.
fn is_function_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.chars().any(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
}

/// POSIX single quotes: nothing inside is special; a `'` is closed, escaped, reopened.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `$'...'` (bash, zsh): for text with escape characters in it, written as `\e`/`\xNN`.
fn ansi_c_quote(text: &str) -> String {
    let mut out = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            '\x1b' => out.push_str(r"\e"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// fish single quotes: only `\\` and `\'` are escapes there.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_awkward_paths_literal() {
        assert_eq!(sh_quote("/opt/it's here/sg"), r"'/opt/it'\''s here/sg'");
        assert_eq!(fish_quote(r"/opt/a\b's"), r"'/opt/a\\b\'s'");
        assert_eq!(ansi_c_quote("%{\x1b[1m%}"), r"$'%{\e[1m%}'");
    }

    #[test]
    fn only_plain_names_become_functions() {
        for ok in ["rm", "mkfs.ext4", "apt-get", "g++"] {
            assert!(is_function_name(ok), "{ok}");
        }
        for bad in ["", "-rf", "a b", "x;reboot", "$(x)", "..", "a/b"] {
            assert!(!is_function_name(bad), "{bad}");
        }
    }
}
