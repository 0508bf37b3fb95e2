#!/usr/bin/env bash
# The installed man pages agree with the installed programs: every long
# option each program's --help lists (and each subcommand's) is in its page,
# every subcommand has its section, the page carries the program's
# version, man renders every page without a warning, and lttd.conf(5)
# documents every key lttd's parser accepts.
. "$TEST_DIR/lib.sh"
. "$INSTALL_TEST_DIR/install_lib.sh"

options() { # PROGRAM [SUB]: long options --help lists
    "$@" --help | sed -n '/^Options:/,/^$/p' | grep -oE -- '(^|[ ,])--[A-Za-z][A-Za-z0-9-]*' |
        tr -d ' ,' | sort -u
}
subcommands() {
    "$1" --help | awk '/^Subcommands:/ { s = 1; next } s && /^  [a-z]/ { print $1 } s && /^[^ ]/ { s = 0 }'
}
# The page as text, as man shows it (hyphens and all); any warning of
# groff's fails the test.
render() {
    local warnings=$WORK/warnings.txt
    LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -l "$1" 2>"$warnings" | col -b
    [ ! -s "$warnings" ] || fail "man warns about $1: $(cat "$warnings")"
}
checked=0
for entry in sbin/lttd:8 bin/ltt-ctl:1 bin/ltt-view:1 bin/genevent:1; do
    prog=$root/${entry%:*}
    name=$(basename "$prog")
    page=$root/share/man/man${entry#*:}/$name.${entry#*:}
    [ -f "$page" ] || fail "no man page $page"
    render "$page" >"$WORK/page.txt"
    text=$(cat "$WORK/page.txt")
    [ -n "$text" ] || fail "man cannot render $page"
    version=$("$prog" --version | awk '{ print $NF }')
    head -5 "$page" | grep -q "^\.TH.*$version" || fail "$page does not carry version $version"
    for opt in $(options "$prog"); do
        grep -qF -- "$opt" <<<"$text" || fail "$name: $opt (in --help) is not in $page"
        checked=$((checked + 1))
    done
    for sub in $(subcommands "$prog"); do
        grep -qE "^ +$name $sub\$" <<<"$text" || fail "$name: command $sub has no section in $page"
        for opt in $(options "$prog" "$sub"); do
            # Within that command's section: up to the next command's heading.
            sed -n "/^ *$name $sub\$/,/^ *$name [a-z-]*\$/p" <<<"$text" | grep -qF -- "$opt" ||
                fail "$name $sub: $opt (in its --help) is not in its section of $page"
            checked=$((checked + 1))
        done
    done
    grep -q "^EXIT STATUS" <<<"$text" || fail "$page has no EXIT STATUS"
done
[ "$(find "$root/share/man" -type f | wc -l)" = 5 ] ||
    fail "man pages: $(find "$root/share/man" -type f) (a new one needs checking here)"

# lttd.conf(5) names every key the installed lttd knows (its own list, from
# the error an unknown key gets).
printf '[session a]\nno-such-key = 1\n' >"$WORK/keys.conf"
mkdir -p -m 700 "$WORK/sock"
# Not under timeout(1): the cleanup kills what PIDS holds with SIGKILL,
# which would leave lttd running as timeout's orphan.
"$root/sbin/lttd" --socket "$WORK/sock/s" --no-crash-guard --config "$WORK/keys.conf" \
    >"$WORK/lttd.log" 2>&1 &
PIDS+=($!)
wait_until 20 grep -q "known: " "$WORK/lttd.log" || fail "lttd did not list its keys"
keys=$(sed -n 's/.*known: \([^)]*\)).*/\1/p' "$WORK/lttd.log" | tr -d ',')
[ -n "$keys" ] || fail "no keys in: $(cat "$WORK/lttd.log")"
render "$root/share/man/man5/lttd.conf.5" >"$WORK/page.txt"
conf_text=$(cat "$WORK/page.txt")
for key in $keys; do
    grep -qE "^ +$key( |\$)" <<<"$conf_text" || fail "lttd.conf(5) does not document key $key"
    checked=$((checked + 1))
done
echo "$checked options, commands and keys checked"
pass
