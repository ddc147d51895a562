# shellguard for bash, printed by `shellguard init bash`. In ~/.bashrc, as the last line:
#     eval "$(shellguard init bash)"
# Guarded programs become functions that run `shellguard run -- NAME ARG...`.
# `command rm` and `/bin/rm` still reach the real program: they bypass these functions,
# as do scripts (use `shellguard shims DIR` on PATH to cover those too). `\rm` only skips
# aliases: it still runs the function.
# Needs bash 4.4 or later.
if [[ -z "${__shellguard_loaded-}" ]]; then
__shellguard_loaded=1

{{WRAPPERS}}
# shellguard:begin sudo
# `sudo [OPTION...] [VAR=VALUE...] PROGRAM ARG...` with PROGRAM guarded becomes
# `sudo [OPTION...] [VAR=VALUE...] shellguard run -- PROGRAM ARG...`; anything else
# reaches the real sudo exactly as typed.
function sudo {
    local -a __sg_all=("$@") __sg_opts=()
    local __sg_word __sg_letters __sg_i __sg_long __sg_takes
    while (($#)); do
        __sg_word=$1
        __sg_takes=0
        case $__sg_word in
        --)
            __sg_opts+=("$1")
            shift
            break
            ;;
        --edit | --list | --validate | --remove-timestamp | --version | --help)
            command sudo "${__sg_all[@]}"
            return
            ;;
        --*=*) ;;
        --?*)
            # getopt_long accepts any unambiguous prefix of a long option.
            for __sg_long in --auth-type --chdir --chroot --close-from --command-timeout \
                --group --host --login-class --other-user --prompt --role --type --user; do
                if [[ $__sg_long == "$__sg_word"* ]]; then
                    __sg_takes=1
                fi
            done
            ;;
        -?*)
            # A cluster such as -Eu: the first letter that takes a value takes the rest
            # of the word, or the next word when it comes last.
            __sg_letters=${__sg_word#-}
            for ((__sg_i = 0; __sg_i < ${#__sg_letters}; __sg_i++)); do
                case ${__sg_letters:__sg_i:1} in
                [elvKV])
                    command sudo "${__sg_all[@]}"
                    return
                    ;;
                [aCcDghpRrTtUu])
                    ((__sg_i == ${#__sg_letters} - 1)) && __sg_takes=1
                    break
                    ;;
                esac
            done
            ;;
        *)
            [[ $__sg_word =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || break
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
        {{GUARDED}})
            command sudo "${__sg_opts[@]}" {{SG}} run -- "$@"
            return
            ;;
        esac
    fi
    command sudo "${__sg_all[@]}"
}
# shellguard:end sudo

if [[ $- == *i* ]]; then
# shellguard:begin prompt
    # The badge was worked out once, by `shellguard init`; re-adding it before each
    # prompt (no process) survives prompts that are rebuilt every time.
    __shellguard_badge={{BADGE}}
    function __shellguard_prompt {
        local __sg_status=$?
        case ${PS1-} in
        *"$__shellguard_badge"*) ;;
        *) PS1=$__shellguard_badge${PS1-} ;;
        esac
        return "$__sg_status"
    }
    if [[ -z "${PROMPT_COMMAND-}" ]]; then
        PROMPT_COMMAND=__shellguard_prompt
    elif [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND+=(__shellguard_prompt)
    else
        # The string form (the array form is handled above).
        # shellcheck disable=SC2128,SC2178
        PROMPT_COMMAND=${PROMPT_COMMAND}$'\n'__shellguard_prompt
    fi
    __shellguard_prompt
# shellguard:end prompt
# shellguard:begin keys
    # Review the command line in place (default Ctrl-X Ctrl-G); the line stays as it is.
    function __shellguard_review_line {
        [[ -n ${READLINE_LINE//[[:space:]]/} ]] || return 0
        # bash before 5.1 leaves the cursor after the typed text: start the report below.
        echo
        {{SG}} review -c "$READLINE_LINE"
    }
    bind -x "\"${SHELLGUARD_REVIEW_KEY:-\\C-x\\C-g}\": __shellguard_review_line"
# shellguard:end keys
    :
fi
fi
