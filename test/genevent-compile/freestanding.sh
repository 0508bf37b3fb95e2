#!/bin/sh
# Compiles a ltt-tp-callgen file (every tracepoint of a facility set, called
# once) as freestanding C with no headers but the compiler's own: proves the
# generated xen/kernel headers plus include/ltt/ need nothing beyond the
# <ltt-env.h> contract, as inside Xen.
#
#   freestanding.sh CC CALLS.c OUT.o INCLUDE_DIR...
set -eu
cc=$1
calls=$2
out=$3
shift 3

# The compiler's own headers (stddef.h, stdint.h ...) stay reachable, nothing
# else: -nostdinc removes /usr/include.
case $("$cc" --version 2>/dev/null | head -n 1) in
*clang*) own="$("$cc" -print-resource-dir)/include" ;;
*) own=$("$cc" -print-file-name=include) ;;
esac

incs=
for dir in "$@"; do
	incs="$incs -I$dir"
done

# The warnings Xen and Linux build with, plus the test's own -Werror. -O2 so
# that inlining-dependent warnings show up too.
# shellcheck disable=SC2086
exec "$cc" -std=gnu11 -ffreestanding -nostdinc -isystem "$own" -O2 \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wdeclaration-after-statement -Wshadow -Wpointer-arith -Wcast-qual \
	$incs -c "$calls" -o "$out"
