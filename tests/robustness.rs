//! Bad input gets a clear answer and never a crash: every prefix of some real-looking
//! scripts (cut mid-quote, mid-heredoc, mid-substitution) is reviewed through the library,
//! and text that does not parse is never `allow`.

use std::collections::HashMap;
use std::path::Path;

use shellguard::context::Context;
use shellguard::model::Verdict;
use shellguard::policy::Policy;
use shellguard::review;

const SCRIPTS: &[&str] = &[
    "#!/bin/bash\nset -euo pipefail\nSTEAMROOT=\"$(cd \"${0%/*}\" && echo $PWD)\"\nrm -rf \"$STEAMROOT/\"*\n",
    "for d in build dist; do\n  if [ -d \"$d\" ]; then rm -rf -- \"$d\"; fi\ndone\ncat <<'EOF' > notes.txt\nrm -rf / is bad\nEOF\n",
    "ssh db1 'sudo -u postgres psql -c \"select 1\"' && rsync -aP --delete /srv/a/ /srv/b/\ncase $1 in\n  clean) find . -name '*.o' -exec rm {} + ;;\n  *) echo \"usage: $0 clean\" >&2 ;;\nesac\n",
    "x=$(( 1 + 2 )); arr=(a 'b c' \"d\"); echo ${arr[@]} | xargs -0 rm -f\nbash -c \"echo 'rm -rf /' | sh\"\n",
    "f() { local dir=${1:?}; cd \"$dir\" || return; rm -rf ./cache/{a,b}; }\nf /tmp/x; echo $'\\n\\ttab' `date` > >(cat)\n",
];

fn world() -> Context {
    let vars: HashMap<String, String> = [("HOME", "/root"), ("PATH", "/usr/bin:/bin")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Context::new(
        "robust".into(),
        "root".into(),
        0,
        None,
        false,
        vars,
        Some("/tmp".into()),
    )
}

#[test]
fn every_prefix_of_a_script_is_reviewed_without_panic_and_never_allowed_unparsed() {
    let ctx = world();
    let policy = Policy::builtin();
    for script in SCRIPTS {
        for (cut, _) in script
            .char_indices()
            .chain(std::iter::once((script.len(), ' ')))
        {
            let text = &script[..cut];
            let report = review::review(&ctx, &policy, text, Path::new("/tmp"), None);
            let unparsed = report
                .commands
                .iter()
                .any(|c| c.reasons.iter().any(|r| r.rule.id() == "unparseable"));
            if unparsed {
                assert_ne!(
                    report.verdict,
                    Verdict::Allow,
                    "unparseable prefix allowed: {text:?}"
                );
            }
        }
    }
}

#[test]
fn arbitrary_bytes_as_text_are_handled() {
    let ctx = world();
    let policy = Policy::builtin();
    // A fixed pseudo-random sequence (xorshift) over shell-significant characters.
    let alphabet: Vec<char> = "ab /.-*?[]{}()<>|&;$`'\"\\\n\t=~#!%@0129".chars().collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        let len = (state % 40) as usize;
        let mut text = String::new();
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        let _ = review::review(&ctx, &policy, &text, Path::new("/tmp"), None);
    }
}
