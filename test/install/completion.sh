#!/usr/bin/env bash
# The installed bash completion, driven as bash does (COMP_WORDS, COMP_CWORD,
# the completion function): ltt-ctl's commands, options, values and the
# names of lttd's sessions; ltt-view's commands and options.
. "$TEST_DIR/lib.sh"
. "$INSTALL_TEST_DIR/install_lib.sh"
bash_completion=/usr/share/bash-completion/bash_completion
[ -r "$bash_completion" ] || fail "bash-completion is not installed (make deps)"

LTTD=$root/sbin/lttd
LTT_CTL=$root/bin/ltt-ctl
start_lttd
start_stress src --cpus 1 --count 10
create_session flight "$WORK/src" "$WORK/out"

# complete WORD...: what completing the last word offers, one per line, sorted.
complete_line() {
    PATH=$root/bin:$PATH bash -c '
        . "$1"; . "$2"; . "$3"; shift 3
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort' \
        _ "$bash_completion" "$root/share/bash-completion/completions/ltt-ctl" \
        "$root/share/bash-completion/completions/ltt-view" "$@"
}
expect() { # "WANT (space separated)" WORD...
    local want=$1 got
    shift
    got=$(complete_line "$@" | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}

expect "create destroy disable enable list snapshot start status stop" ltt-ctl ""
expect "snapshot start status stop" ltt-ctl s
expect "--snapshot-keep --snapshot-max-size --source --subbuf-size --subbufs" ltt-ctl create x --s
expect "discard overwrite" ltt-ctl create x --mode ""
expect "--socket" ltt-ctl --so
expect "flight" ltt-ctl status ""
expect "flight" ltt-ctl --timeout 5 snapshot f
expect "" ltt-ctl status flight ""
expect "--json" ltt-ctl status flight --j
expect "audit cpu events export grants irq-latency loss report sched-latency summary" ltt-view ""
expect "--format --formats" ltt-view export --form
expect "perfetto" ltt-view export --format ""
pass
