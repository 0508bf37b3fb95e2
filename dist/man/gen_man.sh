#!/bin/sh
# gen_man.sh HELP2MAN PROGRAM SECTION STATIC.h2m OUT
# A man page from the program's --help and --version (help2man), the
# hand-written sections of STATIC.h2m (exit status, files, examples) and,
# for a program with subcommands, a COMMANDS section holding each
# subcommand's --help: so the page says what --help says, by construction.
set -eu
help2man=$1 program=$2 section=$3 static=$4 out=$5
name=$(basename "$program")
# Run by name, so that "Usage:" says `lttd`, not the build tree's path.
PATH=$(cd "$(dirname "$program")" && pwd):$PATH
export PATH
program=$name
include=$(mktemp)
trap 'rm -f "$include"' EXIT
cat "$static" >"$include"

# Subcommands: the first word of each line of --help's "Subcommands:" list.
subcommands=$("$program" --help | awk '/^Subcommands:/ { s = 1; next } s && /^  [a-z]/ { print $1 } s && /^[^ ]/ { s = 0 }')
if [ -n "$subcommands" ]; then
	printf '[COMMANDS]\n' >>"$include"
	for sub in $subcommands; do
		printf '.SS "%s %s"\n.nf\n' "$name" "$sub" >>"$include"
		# roff: backslashes, then lines starting with a control character.
		"$program" "$sub" --help | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" -e 's/-/\\-/g' >>"$include"
		printf '.fi\n' >>"$include"
	done
fi
"$help2man" --no-info --section="$section" --include="$include" --output="$out.tmp" "$program"
mv "$out.tmp" "$out"
