//! GNU-style option parsing for analyzers: bundled short flags (`-rf`), options with
//! arguments (`-u USER`, `-uUSER`, `--user=USER`, `--user USER`), unique-prefix
//! abbreviations of long options (`--rec` is `--recursive`), `--` and argument permutation.

use std::ffi::OsString;

use super::Arg;

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    Nothing,
    Value,
    /// Only as `--long=value` (GNU optional arguments).
    OptionalValue,
}

/// One option a program accepts; `key` is the name analyzers ask for.
#[derive(Debug, Clone, Copy)]
pub struct OptDef {
    pub key: &'static str,
    pub short: Option<char>,
    pub long: Option<&'static str>,
    pub takes: Takes,
}

pub const fn flag(key: &'static str, short: Option<char>, long: Option<&'static str>) -> OptDef {
    OptDef {
        key,
        short,
        long,
        takes: Takes::Nothing,
    }
}

pub const fn valued(key: &'static str, short: Option<char>, long: Option<&'static str>) -> OptDef {
    OptDef {
        key,
        short,
        long,
        takes: Takes::Value,
    }
}

pub const fn optional(key: &'static str, long: &'static str) -> OptDef {
    OptDef {
        key,
        short: None,
        long: Some(long),
        takes: Takes::OptionalValue,
    }
}

/// A short option whose value, if any, is attached (`-mFILE`), with its long form taking
/// `--long=value` (util-linux `-m, --mount[=<file>]`).
pub const fn optional_short(key: &'static str, short: char, long: Option<&'static str>) -> OptDef {
    OptDef {
        key,
        short: Some(short),
        long,
        takes: Takes::OptionalValue,
    }
}

/// The result of parsing: options in order, operands in order.
#[derive(Debug, Default)]
pub struct Parsed<'a> {
    pub options: Vec<(&'static str, Option<OsString>)>,
    pub operands: Vec<&'a Arg>,
    /// Options the definitions do not know (the real program would likely refuse them).
    pub unknown: Vec<String>,
}

impl Parsed<'_> {
    pub fn has(&self, key: &str) -> bool {
        self.options.iter().any(|(k, _)| *k == key)
    }

    /// The last value given for `key` (later options override earlier ones).
    pub fn value(&self, key: &str) -> Option<&OsString> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.as_ref())
    }

    pub fn values<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s OsString> + 's {
        self.options
            .iter()
            .filter(move |(k, _)| *k == key)
            .filter_map(|(_, v)| v.as_ref())
    }

    /// Which of two opposite options came last (`-i` vs `-f` style overrides).
    pub fn last_of(&self, keys: &[&str]) -> Option<&'static str> {
        self.options
            .iter()
            .rev()
            .map(|(k, _)| *k)
            .find(|k| keys.contains(k))
    }
}

/// The words as text, for matching subcommands by name (`["storage", "rm", ..]`).
pub fn texts(args: &[&Arg]) -> Vec<String> {
    args.iter().map(|a| a.text().into_owned()).collect()
}

/// Parses `args` (argv without the program name) the way getopt_long does with
/// permutation: options may follow operands until `--`.
pub fn parse<'a>(defs: &[OptDef], args: &'a [Arg]) -> Parsed<'a> {
    parse_with(defs, args, true, true)
}

/// Like [`parse`], but long options must be written in full: programs built on popt
/// (rsync, sgdisk) refuse `--dry` for `--dry-run` instead of expanding it.
pub fn parse_unabbreviated<'a>(defs: &[OptDef], args: &'a [Arg]) -> Parsed<'a> {
    parse_with(defs, args, true, false)
}

/// Like [`parse`], but options end at the first operand (POSIX order; used for programs
/// whose operands are themselves commands, such as `sudo` and `env`).
pub fn parse_until_operand<'a>(defs: &[OptDef], args: &'a [Arg]) -> Parsed<'a> {
    parse_with(defs, args, false, true)
}

fn parse_with<'a>(defs: &[OptDef], args: &'a [Arg], permute: bool, abbreviate: bool) -> Parsed<'a> {
    let mut out = Parsed::default();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let text = arg.text();
        if only_operands || !arg.exact || text == "-" || !text.starts_with('-') {
            out.operands.push(arg);
            if !permute {
                only_operands = true;
            }
            continue;
        }
        if text == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(OsString::from(v))),
                None => (long, None),
            };
            let def = if abbreviate {
                find_long(defs, name)
            } else {
                defs.iter().find(|d| d.long == Some(name))
            };
            match def {
                Some(def) => {
                    let value = match def.takes {
                        Takes::Nothing => None,
                        Takes::OptionalValue => inline,
                        Takes::Value => inline.or_else(|| {
                            let next = args.get(i).map(|a| a.value.clone());
                            i += 1;
                            next
                        }),
                    };
                    out.options.push((def.key, value));
                }
                None => out.unknown.push(text.into_owned()),
            }
            continue;
        }
        // A bundle of short options: -rf, -uUSER, -u USER.
        let chars: Vec<char> = text[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            match defs.iter().find(|d| d.short == Some(c)) {
                Some(def) if def.takes == Takes::Value => {
                    let rest: String = chars[j..].iter().collect();
                    let value = if rest.is_empty() {
                        let next = args.get(i).map(|a| a.value.clone());
                        i += 1;
                        next
                    } else {
                        Some(OsString::from(rest))
                    };
                    out.options.push((def.key, value));
                    break;
                }
                // getopt's `m::`: the rest of the bundle, if any, is the value.
                Some(def) if def.takes == Takes::OptionalValue => {
                    let rest: String = chars[j..].iter().collect();
                    out.options
                        .push((def.key, (!rest.is_empty()).then(|| OsString::from(rest))));
                    break;
                }
                Some(def) => out.options.push((def.key, None)),
                None => out.unknown.push(format!("-{c}")),
            }
        }
    }
    out
}

/// Exact match first, then a unique prefix, as getopt_long does.
fn find_long<'d>(defs: &'d [OptDef], name: &str) -> Option<&'d OptDef> {
    if let Some(def) = defs.iter().find(|d| d.long == Some(name)) {
        return Some(def);
    }
    let mut candidates = defs
        .iter()
        .filter(|d| d.long.is_some_and(|l| l.starts_with(name)));
    let first = candidates.next()?;
    // Several long names for the same key are not ambiguous.
    if candidates.all(|d| d.key == first.key) && !name.is_empty() {
        Some(first)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &[OptDef] = &[
        flag("recursive", Some('r'), Some("recursive")),
        flag("recursive", Some('R'), None),
        flag("force", Some('f'), Some("force")),
        flag("no-preserve-root", None, Some("no-preserve-root")),
        flag("preserve-root", None, Some("preserve-root")),
        valued("user", Some('u'), Some("user")),
    ];

    fn args(list: &[&str]) -> Vec<Arg> {
        list.iter().map(|s| Arg::exact(*s)).collect()
    }

    #[test]
    fn bundled_short_flags_and_permutation() {
        let a = args(&["dir", "-rf", "other"]);
        let p = parse(DEFS, &a);
        assert!(p.has("recursive") && p.has("force"));
        assert_eq!(p.operands.len(), 2);
    }

    #[test]
    fn long_abbreviation_is_unique_prefix() {
        let a = args(&["--rec", "--no-p", "x"]);
        let p = parse(DEFS, &a);
        assert!(p.has("recursive"));
        assert!(p.has("no-preserve-root"));
        // "--p" could only be preserve-root
        let a = args(&["--pres"]);
        assert!(parse(DEFS, &a).has("preserve-root"));
    }

    #[test]
    fn double_dash_ends_options() {
        let a = args(&["--", "-rf"]);
        let p = parse(DEFS, &a);
        assert!(!p.has("recursive"));
        assert_eq!(p.operands[0].text(), "-rf");
    }

    #[test]
    fn short_optional_values_are_attached_only() {
        const D: &[OptDef] = &[
            optional_short("mount", 'm', Some("mount")),
            flag("f", Some('f'), None),
        ];
        let a = args(&["-m", "x"]);
        let p = parse_until_operand(D, &a);
        assert!(p.has("mount") && p.value("mount").is_none());
        assert_eq!(p.operands[0].text(), "x");
        let a = args(&["-mfile", "--mount=/a", "-f"]);
        let p = parse(D, &a);
        assert_eq!(p.values("mount").collect::<Vec<_>>(), ["file", "/a"]);
        assert!(p.has("f"));
    }

    #[test]
    fn values_attached_or_separate() {
        for list in [
            &["-ubob"][..],
            &["-u", "bob"],
            &["--user=bob"],
            &["--us", "bob"],
        ] {
            let a = args(list);
            let p = parse(DEFS, &a);
            assert_eq!(p.value("user").unwrap(), "bob", "{list:?}");
            assert!(p.operands.is_empty());
        }
    }
}
