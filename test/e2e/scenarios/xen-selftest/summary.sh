#!/usr/bin/env bash
# `make demo` summary of the xen-selftest scenario (run by test/e2e/demo.sh
# from the repository root with E2E_SHARE and E2E_RESULT_DIR set).
set -euo pipefail
out=$E2E_SHARE/selftest.txt
console=$E2E_RESULT_DIR/console.log

echo "ltt-xenctl selftest in dom0 (patched Xen): $(tail -n 1 "$out")"
python3 - "$out" <<'PY'
import re, sys, textwrap

section, order, counts = None, [], {}
malformed = {}          # error name -> requests
garbage = []            # (case, [(cpu, errors, opened)])
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("== "):
        section = line[3:]
        order.append(section)
        counts[section] = [0, 0]
        continue
    m = re.match(r"^(.*?)\s+(E[A-Z0-9]+|OK)?\s+(ok|FAIL)$", line)
    if m and section:
        counts[section][m.group(3) == "FAIL"] += 1
        if section.startswith("malformed") and m.group(2) and m.group(2) != "OK":
            malformed.setdefault(m.group(2), []).append(m.group(1))
        if section.startswith("garbage") and m.group(1).endswith(": query answers"):
            garbage.append((m.group(1)[:-len(": query answers")], []))
        continue
    m = re.match(r"^    cpu (\d+): consumed \S+, consumer_errors \+(\d+), lost full \+\d+, (\d+) sub-buffers opened", line)
    if m and garbage:
        garbage[-1][1].append(m.groups())

print("  %-48s %5s %5s" % ("section", "ok", "FAIL"))
for s in order:
    if sum(counts[s]):
        print("  %-48s %5d %5d" % (s, counts[s][0], counts[s][1]))
print()
print("  malformed requests before any setup (%d), by the error Xen answered:"
      % sum(len(v) for v in malformed.values()))
for err, reqs in malformed.items():
    text = "; ".join(reqs)
    lines = textwrap.wrap(text, 90)
    print("    %-10s %2d  %s" % (err, len(reqs), lines[0]))
    for l in lines[1:]:
        print("    %-10s %2s  %s" % ("", "", l))
print()
print("  garbage in every CPU's consumer page for a second of activity:")
print("    %-20s %-24s %s" % ("position", "consumer_errors", "sub-buffers opened"))
for case, cpus in garbage:
    print("    %-20s %-24s %s" % (case, " ".join("cpu%s +%s" % (c, e) for c, e, _ in cpus),
                                  " ".join("cpu%s %s" % (c, o) for c, _, o in cpus)))
PY
echo
echo "  Xen's console warnings (once per CPU and session):"
grep -E '\(XEN\) ltt: CPU[0-9]+: invalid consumer position' "$console" | sed 's/^\[[ 0-9.]*\] /    /' || echo "    (none)"
