#!/bin/bash
# Runs the lttng metadata fuzzer for a bounded time (a CTest test):
#   run_lttng_metadata_fuzz.sh FUZZER WORK_DIR SECONDS
# Seeds: lttng-like metadata with the session's tsc clock, as plain text and
# as CTF metadata packets; crashes go to WORK_DIR/crash-*.
set -euo pipefail
fuzzer=$1 work=$2 seconds=$3
rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
python3 - "$work/seeds" <<'PY'
import struct, sys
text = (b'/* CTF 1.8 */\n\ntrace {\n\tmajor = 1;\n\tminor = 8;\n};\n\nclock {\n\tname = "tsc";\n'
        b'\tuuid = "0b9c4a5e-1d2f-4a3b-8c7d-6e5f4a3b2c1d";\n\tfreq = 2095995000;\n'
        b'\toffset = 3764931953095447803;\n};\n\nstream { id = 0; };\n')
open(sys.argv[1] + "/plain", "wb").write(text)
out = b""
for at in range(0, len(text), 60):
    part = text[at:at + 60]
    content = 37 + len(part)
    packet = (content + 63) // 64 * 64
    out += struct.pack("<I16sIII5B", 0x75D11D57, b"\x11" * 16, 0, content * 8, packet * 8, 0, 0, 0, 1, 8)
    out += part + b"\0" * (packet - content)
open(sys.argv[1] + "/packets", "wb").write(out)
PY
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
