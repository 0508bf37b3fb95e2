#!/usr/bin/env python3
"""make bench (target bench-lttd): lttd's drain throughput and cost.

- drain throughput with one and with two producer CPUs writing as fast as
  they can (ltt-stress --rate 0, mixed sizes) in discard mode: MB/s and
  events/s written to the trace, over the producers' run time;
- lttd's CPU time (user + system, all its threads, from /proc) per 100 MB
  drained;
- the highest producer rate (events/s per CPU, two CPUs, mixed sizes) at
  which nothing was lost: doubled until records are lost, then bisected;
- with --ust-bench and --babeltrace2: drain cost against LTTng's consumer at
  the same event rate and geometry (one producer CPU, small records, 16 x
  256 KiB, discard, 200 ms flush/switch timer): lttd draining ltt-stress
  next to lttng-consumerd draining an lttng-ust producer (ltt-bench-ust
  --load, bench_lttng_drain.sh), CPU seconds per 100 MB and per million
  events of each, the CPU time summed over each one's threads from
  /proc/PID/task/*/schedstat (nanoseconds, not 10 ms ticks).

Prints a table and writes the figures as JSON (--out). Figures, not tests:
nothing fails on timing. The machine's other load shows in the numbers;
the CPU count is recorded with them.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def task_cpu_ns(pid):
    """Sum of /proc/PID/task/*/schedstat's run time: nanoseconds, where
    /proc/PID/stat counts 10 ms ticks (a thread that exits in between is
    not counted: the comparison reads both sides while their threads live)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass
    return total


class Lttd:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        os.makedirs(os.path.join(work, "sock"), mode=0o700)
        self.socket = os.path.join(work, "sock", "lttd.sock")
        self.env = dict(os.environ, LTT_SOCKET=self.socket)
        self.log = open(os.path.join(work, "lttd.log"), "w")
        self.proc = subprocess.Popen([args.lttd], env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.ctl(["list"], check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise SystemExit("lttd did not come up")

    def ctl(self, argv, check=True):
        r = subprocess.run([self.args.ltt_ctl] + argv, env=self.env, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise SystemExit(f"ltt-ctl {' '.join(argv)}: {r.stderr.strip()}")
        return r

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

    def cpu_ns(self):
        """CPU time of every live thread in ns (schedstat: no 10 ms ticks)."""
        return task_cpu_ns(self.proc.pid)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def run_once(lttd, n, cpus, rate, seconds, subbuf, subbufs, mix="mixed"):
    """One session: ltt-stress with `cpus` CPUs for `seconds`; returns figures."""
    src = os.path.join(lttd.work, f"src{n}")
    out = os.path.join(lttd.work, f"out{n}")
    stress = subprocess.Popen(
        [lttd.args.ltt_stress, "--dir", src, "--cpus", str(cpus), "--rate", str(rate),
         "--duration", str(seconds), "--size-mix", mix, "--subbuf-size", subbuf,
         "--subbufs", str(subbufs)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while not os.path.exists(os.path.join(src, "cpu0.ltt")):
        if time.time() > deadline or stress.poll() is not None:
            raise SystemExit(f"ltt-stress did not start: {stress.stderr.read()}")
        time.sleep(0.01)
    name = f"b{n}"
    lttd.ctl(["create", name, "--output", out, "--source", src, "--facilities",
              lttd.args.stress_ctf, "--flush-interval", "200"])
    lttd.ctl(["enable", name, "*"])
    cpu0 = lttd.cpu_seconds()
    ns0 = lttd.cpu_ns()
    lttd.ctl(["start", name])
    report, err = stress.communicate(timeout=seconds + 60)
    if stress.returncode != 0:
        raise SystemExit(f"ltt-stress failed: {err}")
    lttd.ctl(["stop", name])
    cpu = lttd.cpu_seconds() - cpu0
    cpu_ns = lttd.cpu_ns() - ns0
    status = json.loads(lttd.ctl(["status", name, "--json"]).stdout)
    lttd.ctl(["destroy", name])
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(src, ignore_errors=True)
    rep = json.loads(report.strip().splitlines()[-1])
    elapsed = rep["elapsed_s"]
    written = status["totals"]["bytes_written"]
    records = status["totals"]["records_written"]
    return {
        "producers": cpus,
        "size_mix": mix,
        "subbuf_size": rep["subbuf_size"],
        "subbufs": rep["subbufs"],
        "requested_rate_per_cpu": rate,
        "seconds": elapsed,
        "produced": rep["totals"]["produced"],
        "produced_per_s": rep["totals"]["produced"] / elapsed,
        "lost": rep["totals"]["lost_total"],
        "bytes": written,
        "records": records,
        "mb_per_s": written / elapsed / 1e6,
        "events_per_s": records / elapsed,
        "lttd_cpu_s": cpu,
        "lttd_cpu_ns_schedstat": cpu_ns,
        "lttd_cpu_s_per_100MB": cpu / (written / 1e8) if written else None,
    }


def drain_cost_vs_lttng(lttd, counter, args, rate, seconds):
    """lttd and lttng-consumerd draining the same event rate, one after the other."""
    ours = run_once(lttd, next(counter), 1, rate, seconds, "256k", 16, mix="small")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_lttng_drain.sh")
    r = subprocess.run([script, args.ust_bench, args.babeltrace2, str(rate), str(seconds), "256k",
                        "16"], capture_output=True, text=True, timeout=seconds + 300)
    if r.returncode != 0:
        raise SystemExit(f"bench_lttng_drain.sh failed ({r.returncode}): {r.stderr[-2000:]}")
    ref = json.loads(r.stdout.strip().splitlines()[-1])
    cpu = ref["cpu_ns"] / 1e9
    lttng = {
        "producer": "ltt-bench-ust --load (lttng-ust, bench_sched:sched_switch, four u16)",
        "requested_rate": rate,
        "seconds": ref["producer"]["elapsed_s"],
        "produced": ref["producer"]["calls"],
        "events": ref["events"],
        "lost": ref["producer"]["calls"] - ref["events"],
        "bytes": ref["bytes"],
        "consumerd_cpu_s": cpu,
        "consumerd_cpu_s_per_100MB": cpu / (ref["bytes"] / 1e8) if ref["bytes"] else None,
        "consumerd_cpu_s_per_M_events": cpu / (ref["events"] / 1e6) if ref["events"] else None,
        "lttng_version": ref["lttng_version"],
    }
    # Both sides in schedstat's nanoseconds here.
    ours["lttd_cpu_s"] = ours["lttd_cpu_ns_schedstat"] / 1e9
    ours["lttd_cpu_s_per_100MB"] = (ours["lttd_cpu_s"] / (ours["bytes"] / 1e8)
                                    if ours["bytes"] else None)
    ours["lttd_cpu_s_per_M_events"] = (ours["lttd_cpu_s"] / (ours["records"] / 1e6)
                                       if ours["records"] else None)
    ratio = None
    if ours["lttd_cpu_s_per_100MB"] and lttng["consumerd_cpu_s_per_100MB"]:
        ratio = ours["lttd_cpu_s_per_100MB"] / lttng["consumerd_cpu_s_per_100MB"]
    return {"rate": rate, "seconds": seconds, "subbuf_size": 262144, "subbufs": 16,
            "lttd": ours, "lttng": lttng, "lttd_over_consumerd_per_100MB": ratio}


def max_lossless_rate(lttd, counter, cpus, seconds, subbuf, subbufs, steps):
    """Doubles the per-CPU rate until records are lost, then bisects."""
    good, bad, trials = None, None, []
    rate = 20000
    while bad is None and rate <= 64_000_000:
        r = run_once(lttd, next(counter), cpus, rate, seconds, subbuf, subbufs)
        trials.append(r)
        # A producer that cannot reach the rate asked for is not overloading lttd.
        achieved = r["produced_per_s"] / cpus
        if r["lost"] == 0:
            good = r
            if achieved < 0.9 * rate:
                break  # the producer's own limit: nothing lost at full speed
            rate *= 2
        else:
            bad = rate
    if bad is not None and good is not None:
        lo, hi = good["requested_rate_per_cpu"], bad
        for _ in range(steps):
            mid = (lo + hi) // 2
            r = run_once(lttd, next(counter), cpus, mid, seconds, subbuf, subbufs)
            trials.append(r)
            if r["lost"] == 0:
                lo, good = mid, r
            else:
                hi = mid
    return good, trials


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lttd", required=True)
    ap.add_argument("--ltt-ctl", required=True)
    ap.add_argument("--ltt-stress", required=True)
    ap.add_argument("--stress-ctf", required=True)
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--quick", action="store_true", help="check the driver, short runs")
    ap.add_argument("--ust-bench", help="ltt-bench-ust, for the drain cost against lttng")
    ap.add_argument("--babeltrace2", help="babeltrace2, to count what lttng recorded")
    args = ap.parse_args()

    seconds = 0.3 if args.quick else 2.0
    search_seconds = 0.3 if args.quick else 1.0
    steps = 1 if args.quick else 5
    work = tempfile.mkdtemp(prefix="lttd-bench.")
    counter = iter(range(1_000_000))
    try:
        lttd = Lttd(args, work)
        drain = [run_once(lttd, next(counter), cpus, 0, seconds, "256k", 16) for cpus in (1, 2)]
        best, trials = max_lossless_rate(lttd, counter, 2, search_seconds, "64k", 16, steps)
        versus = None
        if args.ust_bench and args.babeltrace2:
            versus = drain_cost_vs_lttng(lttd, counter, args, 100_000 if args.quick else 1_000_000,
                                         0.5 if args.quick else 5.0)
        lttd.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "benchmark": "lttd",
        "quick": args.quick,
        "online_cpus": os.cpu_count(),
        "drain": drain,
        "max_lossless_rate": {
            "cpus": 2,
            "subbuf_size": 65536,
            "subbufs": 16,
            "events_per_s_per_cpu": best["produced_per_s"] / 2 if best else None,
            "events_per_s": best["produced_per_s"] if best else None,
            "mb_per_s": best["mb_per_s"] if best else None,
            "trials": [{k: t[k] for k in ("requested_rate_per_cpu", "produced_per_s", "lost")}
                       for t in trials],
        },
        "versus_lttng_consumerd": versus,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)

    print(f"lttd drain benchmark ({os.cpu_count()} online CPUs; producers write as fast as "
          f"they can, mixed sizes, discard mode, 16 x 256 KiB sub-buffers per CPU)")
    print(f"  {'producers':>9} {'MB/s':>9} {'events/s':>12} {'lost':>10} {'lttd CPU s/100 MB':>18}")
    for d in drain:
        per100 = d["lttd_cpu_s_per_100MB"]
        print(f"  {d['producers']:>9} {d['mb_per_s']:>9.1f} {d['events_per_s']:>12.0f} "
              f"{d['lost']:>10} {per100 if per100 is None else round(per100, 3):>18}")
    m = result["max_lossless_rate"]
    if best:
        print(f"  highest rate with nothing lost (2 CPUs, 16 x 64 KiB): "
              f"{m['events_per_s_per_cpu']:.0f} events/s per CPU "
              f"({m['events_per_s']:.0f} events/s, {m['mb_per_s']:.1f} MB/s)")
    else:
        print("  highest rate with nothing lost: records were lost even at the lowest rate tried")
    if versus:
        o, l = versus["lttd"], versus["lttng"]

        def fig(x, digits=3):
            return "-" if x is None else f"{x:.{digits}f}"

        print(f"  drain cost at {versus['rate']:,} events/s for {versus['seconds']} s (one producer "
              f"CPU, small records, 16 x 256 KiB, discard, 200 ms timer):")
        print(f"  {'':>18} {'events':>10} {'lost':>8} {'MB':>8} {'CPU s':>7} "
              f"{'CPU s/100 MB':>13} {'CPU s/M events':>15}")
        print(f"  {'lttd':>18} {o['records']:>10} {o['lost']:>8} {o['bytes'] / 1e6:>8.1f} "
              f"{o['lttd_cpu_s']:>7.2f} {fig(o['lttd_cpu_s_per_100MB']):>13} "
              f"{fig(o['lttd_cpu_s_per_M_events']):>15}")
        print(f"  {'lttng-consumerd':>18} {l['events']:>10} {l['lost']:>8} {l['bytes'] / 1e6:>8.1f} "
              f"{l['consumerd_cpu_s']:>7.2f} {fig(l['consumerd_cpu_s_per_100MB']):>13} "
              f"{fig(l['consumerd_cpu_s_per_M_events']):>15}")
        print(f"  lttd / lttng-consumerd per 100 MB: {fig(versus['lttd_over_consumerd_per_100MB'], 2)}"
              f" (CPU time of every thread of each, from /proc's schedstat)")
    print(f"  -> {args.out}")


if __name__ == "__main__":
    main()
