# shellguard for zsh, printed by `shellguard init zsh`. In ~/.zshrc, as the last line:
#     eval "$(shellguard init zsh)"
# Guarded programs become functions that run `shellguard run -- NAME ARG...`.
# `command rm` and `/bin/rm` still reach the real program: they bypass these functions,
# as do scripts (use `shellguard shims DIR` on PATH to cover those too). `\rm` only skips
# aliases: it still runs the function.
if [[ -z "${__shellguard_loaded-}" ]]; then
typeset -g __shellguard_loaded=1

{{WRAPPERS}}
# shellguard:begin sudo
# `sudo [OPTION...] [VAR=VALUE...] PROGRAM ARG...` with PROGRAM guarded becomes
# `sudo [OPTION...] [VAR=VALUE...] shellguard run -- PROGRAM ARG...`; anything else
# reaches the real sudo exactly as typed.
function sudo {
    emulate -L zsh
    local -a __sg_all __sg_opts
    __sg_all=("$@")
    __sg_opts=()
    local __sg_word __sg_letters __sg_i __sg_long __sg_takes
    while (($#)); do
        __sg_word=$1
        __sg_takes=0
        case $__sg_word in
        (--)
            __sg_opts+=("$1")
            shift
            break
            ;;
        (--edit | --list | --validate | --remove-timestamp | --version | --help)
            command sudo "${__sg_all[@]}"
            return
            ;;
        (--*=*) ;;
        (--?*)
            # getopt_long accepts any unambiguous prefix of a long option.
            for __sg_long in --auth-type --chdir --chroot --close-from --command-timeout \
                --group --host --login-class --other-user --prompt --role --type --user; do
                [[ $__sg_long == ${__sg_word}* ]] && __sg_takes=1
            done
            ;;
        (-?*)
            # A cluster such as -Eu: the first letter that takes a value takes the rest
            # of the word, or the next word when it comes last.
            __sg_letters=${__sg_word#-}
            for ((__sg_i = 1; __sg_i <= ${#__sg_letters}; __sg_i++)); do
                case ${__sg_letters[__sg_i]} in
                ([elvKV])
                    command sudo "${__sg_all[@]}"
                    return
                    ;;
                ([aCcDghpRrTtUu])
                    ((__sg_i == ${#__sg_letters})) && __sg_takes=1
                    break
                    ;;
                esac
            done
            ;;
        (*)
            [[ $__sg_word =~ '^[A-Za-z_][A-Za-z0-9_]*=' ]] || break
            ;;
        esac
        __sg_opts+=("$1")
        shift
        if ((__sg_takes && $#)); then
            __sg_opts+=("$1")
            shift
        fi
    done
    if (($#)); then
        case $1 in
        ({{GUARDED}})
            command sudo "${__sg_opts[@]}" {{SG}} run -- "$@"
            return
            ;;
        esac
    fi
    command sudo "${__sg_all[@]}"
}
# shellguard:end sudo

if [[ -o interactive ]]; then
# shellguard:begin prompt
    # The badge was worked out once, by `shellguard init`; re-adding it before each
    # prompt (no process) survives themes that rebuild the prompt every time.
    typeset -g __shellguard_badge={{BADGE}}
    function __shellguard_prompt {
        case ${PROMPT-} in
        (*"$__shellguard_badge"*) ;;
        (*) PROMPT=$__shellguard_badge${PROMPT-} ;;
        esac
    }
    typeset -ga precmd_functions
    (( ${precmd_functions[(Ie)__shellguard_prompt]} )) || precmd_functions+=(__shellguard_prompt)
    __shellguard_prompt
# shellguard:end prompt
# shellguard:begin keys
    # Review the command line in place (default Ctrl-X Ctrl-G); the line stays as it is.
    function __shellguard_review_line {
        [[ -n ${BUFFER//[[:space:]]/} ]] || return 0
        zle -I
        {{SG}} review -c "$BUFFER"
    }
    zle -N __shellguard_review_line
    bindkey "${SHELLGUARD_REVIEW_KEY:-^X^G}" __shellguard_review_line
# shellguard:end keys
# shellguard:begin paste
    # Opt-in (SHELLGUARD_REVIEW_PASTE=1): review every paste as soon as it lands on the
    # command line; a paste is never run by pasting, so the verdict comes before Enter.
    if [[ -n ${SHELLGUARD_REVIEW_PASTE-} && ${SHELLGUARD_REVIEW_PASTE-} != 0 ]]; then
        zle -A bracketed-paste __shellguard_orig_paste
        function __shellguard_paste {
            zle __shellguard_orig_paste -- "$@"
            zle __shellguard_review_line
        }
        zle -N bracketed-paste __shellguard_paste
    fi
# shellguard:end paste
    :
fi
fi
