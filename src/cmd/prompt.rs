//! `shellguard prompt`: the badge that says where the prompt is — the environment in its
//! colour and the host — in each shell's prompt syntax. `init` bakes the same badge into
//! the integration once, so no prompt ever starts a process for it.

use colored::Color;

use super::ExitCode;
use super::review::write_stdout;
use crate::cli::{PromptArgs, PromptShell};
use crate::context::Context;
use crate::error::Result;
use crate::policy::Policy;
use crate::report::env_color;

/// What the badge says, and in which colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    /// `[PRODUCTION db1.example.com]`, `[root@devbox]`: only characters that no prompt
    /// syntax gives a meaning to.
    pub label: String,
    pub color: Color,
}

impl Badge {
    /// The badge for this host: shown when the policy gives the host an environment or the
    /// user is root (or always, when asked), else none.
    pub fn for_host(ctx: &Context, policy: &Policy, always: bool) -> Option<Badge> {
        let env = policy.environment_for(&ctx.host, ctx.var("SHELLGUARD_ENV"));
        if env.is_none() && !ctx.is_root() && !always {
            return None;
        }
        let host = if ctx.is_root() {
            format!("{}@{}", ctx.user(), ctx.host)
        } else {
            ctx.host.clone()
        };
        let (label, color) = match &env {
            Some(env) => (
                format!("[{} {host}]", env.name.to_uppercase()),
                env_color(&env.color),
            ),
            None if ctx.is_root() => (format!("[{host}]"), Color::Red),
            None => (format!("[{host}]"), Color::Green),
        };
        Some(Badge {
            label: inert(&label),
            color,
        })
    }

    /// The SGR parameters: bold, in the badge's colour (nothing without colour).
    fn sgr(&self, color: bool) -> Option<String> {
        color.then(|| format!("1;{}", self.color.to_fg_str()))
    }

    /// The badge as `shell`'s prompt wants it, followed by a space for all but `plain`.
    /// `color` false gives the bare label.
    pub fn render(&self, shell: PromptShell, color: bool) -> String {
        let label = &self.label;
        let Some(sgr) = self.sgr(color) else {
            return match shell {
                PromptShell::Plain => label.clone(),
                _ => format!("{label} "),
            };
        };
        match shell {
            // bash decodes \[ \] and \e in PS1 itself: they mark the colour codes as
            // taking no room, so the line editor knows where the cursor is.
            PromptShell::Bash => format!("\\[\\e[{sgr}m\\]{label}\\[\\e[0m\\] "),
            PromptShell::Zsh => format!("%{{\x1b[{sgr}m%}}{label}%{{\x1b[0m%}} "),
            PromptShell::Fish => format!("\x1b[{sgr}m{label}\x1b[0m "),
            PromptShell::Plain => format!("\x1b[{sgr}m{label}\x1b[0m"),
        }
    }

    /// A `printf` format for fish scripts: escapes written as `\e`, so the script stays
    /// plain text.
    pub fn fish_format(&self, color: bool) -> String {
        match self.sgr(color) {
            Some(sgr) => format!("\\e[{sgr}m{}\\e[0m ", self.label),
            None => format!("{} ", self.label),
        }
    }
}

/// Keeps what prompt syntaxes would act on out of a label built from a host name and a
/// policy's environment name: `\` and `$` (bash), `%` (zsh), backquotes, quotes, controls.
fn inert(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " []@._:+-/".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// NO_COLOR (non-empty) turns colour off, as everywhere.
pub fn wants_color(ctx: &Context) -> bool {
    ctx.var("NO_COLOR").is_none_or(str::is_empty)
}

pub fn run(args: PromptArgs, ctx: &Context) -> Result<ExitCode> {
    let policy = Policy::load(ctx)?;
    if let Some(badge) = Badge::for_host(ctx, &policy, args.always) {
        write_stdout(&badge.render(args.shell, wants_color(ctx)))?;
    }
    Ok(ExitCode::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Badge {
        Badge {
            label: "[PRODUCTION db1.example.com]".into(),
            color: Color::Red,
        }
    }

    #[test]
    fn bash_badge_marks_colour_codes_as_zero_width() {
        assert_eq!(
            production().render(PromptShell::Bash, true),
            "\\[\\e[1;31m\\][PRODUCTION db1.example.com]\\[\\e[0m\\] "
        );
    }

    #[test]
    fn zsh_badge_marks_colour_codes_as_zero_width() {
        assert_eq!(
            production().render(PromptShell::Zsh, true),
            "%{\x1b[1;31m%}[PRODUCTION db1.example.com]%{\x1b[0m%} "
        );
    }

    #[test]
    fn plain_badge_without_colour_is_the_label() {
        assert_eq!(
            production().render(PromptShell::Plain, false),
            "[PRODUCTION db1.example.com]"
        );
    }

    #[test]
    fn prompt_syntax_in_names_is_made_inert() {
        assert_eq!(inert("[$(reboot) `x` %F \\u]"), "[??reboot? ?x? ?F ?u]");
    }
}
