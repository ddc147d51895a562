# shellguard for fish, printed by `shellguard init fish`. In ~/.config/fish/config.fish,
# as the last line:
#     shellguard init fish | source
# Guarded programs become functions that run `shellguard run -- NAME ARG...`.
# `command rm` and `/bin/rm` still reach the real program: they bypass these functions,
# as do scripts (use `shellguard shims DIR` on PATH to cover those too).
if not set -q __shellguard_loaded
set -g __shellguard_loaded 1

{{WRAPPERS}}
# shellguard:begin sudo
# `sudo [OPTION...] [VAR=VALUE...] PROGRAM ARG...` with PROGRAM guarded becomes
# `sudo [OPTION...] [VAR=VALUE...] shellguard run -- PROGRAM ARG...`; anything else
# reaches the real sudo exactly as typed.
function sudo --description 'sudo; guarded programs run through shellguard'
    set -l opts
    set -l rest $argv
    while set -q rest[1]
        set -l word $rest[1]
        set -l takes 0
        switch $word
            case --
                set -a opts $word
                set -e rest[1]
                break
            case --edit --list --validate --remove-timestamp --version --help
                command sudo $argv
                return
            case '--*=*'
            case '--?*'
                # getopt_long accepts any unambiguous prefix of a long option.
                for long in --auth-type --chdir --chroot --close-from --command-timeout \
                        --group --host --login-class --other-user --prompt --role --type --user
                    if test (string sub -l (string length -- $word) -- $long) = $word
                        set takes 1
                    end
                end
            case '-?*'
                # A cluster such as -Eu: the first letter that takes a value takes the
                # rest of the word, or the next word when it comes last.
                set -l letters (string split '' -- (string sub -s 2 -- $word))
                for i in (seq (count $letters))
                    if contains -- $letters[$i] e l v K V
                        command sudo $argv
                        return
                    end
                    if contains -- $letters[$i] a C c D g h p R r T t U u
                        test $i -eq (count $letters); and set takes 1
                        break
                    end
                end
            case '*'
                string match -qr '^[A-Za-z_][A-Za-z0-9_]*=' -- $word; or break
        end
        set -a opts $word
        set -e rest[1]
        if test $takes = 1; and set -q rest[1]
            set -a opts $rest[1]
            set -e rest[1]
        end
    end
    if set -q rest[1]; and contains -- $rest[1] {{GUARDED}}
        command sudo $opts {{SG}} run -- $rest
    else
        command sudo $argv
    end
end
# shellguard:end sudo

if status is-interactive
# shellguard:begin prompt
    # The badge was worked out once, by `shellguard init`; fish_prompt is wrapped, and
    # the wrapped prompt still sees the last command's status.
    function __shellguard_status
        return $argv[1]
    end
    if functions -q fish_prompt; and not functions -q __shellguard_orig_prompt
        functions -c fish_prompt __shellguard_orig_prompt
        function fish_prompt
            set -l last $status
            printf {{BADGE}}
            __shellguard_status $last
            __shellguard_orig_prompt
        end
    end
# shellguard:end prompt
# shellguard:begin keys
    # Review the command line in place (default Ctrl-X Ctrl-G); the line stays as it is.
    function __shellguard_review_line
        set -l line (commandline | string collect)
        if string match -qr '\S' -- $line
            echo
            {{SG}} review -c $line
            commandline -f repaint
        end
    end
    set -l key \cx\cg
    set -q SHELLGUARD_REVIEW_KEY; and set key $SHELLGUARD_REVIEW_KEY
    bind $key __shellguard_review_line
    bind -M insert $key __shellguard_review_line
# shellguard:end keys
end
end
