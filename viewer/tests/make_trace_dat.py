#!/usr/bin/env python3
"""Writes a small trace-cmd .dat file (version 6, little-endian, 4 KiB
pages) with known contents, by the file format of trace-cmd.dat.v6(5) and
the kernel ring buffer's page and event headers (events/header_page,
events/header_event): the trace-cmd reader's test input on machines that
cannot record, and the .dat fuzzer's seed.

  make_trace_dat.py OUT.dat [CLOCK]     (CLOCK: x86-tsc unless given)

What it holds (the test checks each value; `trace-cmd report` reads it too):
  CPU 0, one page based at T = 1000000000:
    T+100  sched_switch      prev bash/77 prio 120 state 0x100 (R+) -> "Web Content"/5 prio 98
    T+250  irq_handler_entry irq 26 name "resched0" (__data_loc)
    T+260  irq_handler_exit  irq 26 ret 2 (IRQ_WAKE_THREAD)
    T+300  softirq_entry     vec 9
    T+300+2^27+5  xen_mc_flush mcidx 3 argidx 112 cbidx 1 (after a time extend)
    then   print             ip 0xffffffff81000000 buf "MARK tsc=123\\n"
  CPU 1, page 1 based at T, 42 events lost before it (count stored):
    T+50   sched_waking      kworker/1:0 pid 9 prio 100 target_cpu 1
    T+60   sched_switch      kworker/1:0/9 prio 100 state 0x1 (S) -> swapper/1/0 prio 120
  CPU 1, page 2 based at T+400, events lost before it (count not stored):
    T+500  softirq_raise     vec 1
"""
import struct
import sys

PAGE = 4096
T = 1_000_000_000
MISSED_EVENTS = 1 << 31
MISSED_STORED = 1 << 30

COMMON = """\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;
"""


def fmt(name, ident, fields, printf):
    return (f"name: {name}\nID: {ident}\nformat:\n{COMMON}\n{fields}\nprint fmt: {printf}\n"
            ).encode()


EVENTS = {
    # system: [(name, id, fields, print fmt)]
    "sched": [
        ("sched_switch", 316,
         "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
         "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
         "\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
         "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
         "\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
         "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
         "\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n",
         '"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%ld ==> next_comm=%s '
         'next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, '
         'REC->prev_state, REC->next_comm, REC->next_pid, REC->next_prio'),
        ("sched_waking", 319,
         "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
         "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
         "\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
         "\tfield:int target_cpu;\toffset:32;\tsize:4;\tsigned:1;\n",
         '"comm=%s pid=%d prio=%d target_cpu=%03d", REC->comm, REC->pid, REC->prio, '
         'REC->target_cpu'),
    ],
    "irq": [
        ("irq_handler_entry", 225,
         "\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n"
         "\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;\n",
         '"irq=%d name=%s", REC->irq, __get_str(name)'),
        ("irq_handler_exit", 224,
         "\tfield:int irq;\toffset:8;\tsize:4;\tsigned:1;\n"
         "\tfield:int ret;\toffset:12;\tsize:4;\tsigned:1;\n",
         '"irq=%d ret=%s", REC->irq, REC->ret ? "handled" : "unhandled"'),
        ("softirq_entry", 223,
         "\tfield:unsigned int vec;\toffset:8;\tsize:4;\tsigned:0;\n",
         '"vec=%u", REC->vec'),
        ("softirq_raise", 221,
         "\tfield:unsigned int vec;\toffset:8;\tsize:4;\tsigned:0;\n",
         '"vec=%u", REC->vec'),
    ],
    "xen": [
        ("xen_mc_flush", 500,
         "\tfield:unsigned int mcidx;\toffset:8;\tsize:4;\tsigned:0;\n"
         "\tfield:unsigned int argidx;\toffset:12;\tsize:4;\tsigned:0;\n"
         "\tfield:unsigned int cbidx;\toffset:16;\tsize:4;\tsigned:0;\n",
         '"flushing %u hypercalls, %u arg bytes, %u callbacks", REC->mcidx, REC->argidx, '
         'REC->cbidx'),
    ],
}
PRINT = fmt("print", 5,
            "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
            "\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n",
            '"%ps: %s", (void *)REC->ip, REC->buf')
HEADER_PAGE = (b"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
               b"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
               b"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
               b"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n")
HEADER_EVENT = (b"# compressed entry header\n\ttype_len    :    5 bits\n"
                b"\ttime_delta  :   27 bits\n\tarray       :   32 bits\n\n"
                b"\tpadding     : type == 29\n\ttime_extend : type == 30\n"
                b"\ttime_stamp : type == 31\n\tdata max type_len  == 28\n")
CMDLINES = b"77 bash\n5 Web Content\n9 kworker/1:0\n0 <idle>\n"


def comm(text):
    return text.encode().ljust(16, b"\0")


def record(ident, pid, payload):
    return struct.pack("<HBBi", ident, 1, 1, pid) + payload


def event(delta, data):
    """One ring buffer event: header word (type_len 5 bits, delta 27
    bits), data padded to 4 bytes; type_len 0 with the length in the next
    word when longer than 28 words."""
    data += b"\0" * (-len(data) % 4)
    if len(data) <= 28 * 4:
        return struct.pack("<I", len(data) // 4 | delta << 5) + data
    return struct.pack("<II", delta << 5, len(data) + 4) + data


def time_extend(delta):
    return struct.pack("<II", 30 | (delta & ((1 << 27) - 1)) << 5, delta >> 27)


def page(timestamp, events, missed=None):
    data = b"".join(events)
    commit = len(data)
    tail = b""
    if missed is not None:
        commit |= MISSED_EVENTS
        if missed >= 0:
            commit |= MISSED_STORED
            tail = struct.pack("<q", missed)
    body = struct.pack("<QQ", timestamp, commit) + data + tail
    assert len(body) <= PAGE
    return body + b"\0" * (PAGE - len(body))


def cpu0():
    switch = record(316, 77, comm("bash") + struct.pack("<iiq", 77, 120, 0x100) +
                    comm("Web Content") + struct.pack("<ii", 5, 98))
    name = b"resched0\0"
    entry = record(225, 0, struct.pack("<iI", 26, len(name) << 16 | 16) + name)
    exit_ = record(224, 0, struct.pack("<ii", 26, 2))
    softirq = record(223, 0, struct.pack("<I", 9))
    flush = record(500, 77, struct.pack("<III", 3, 112, 1))
    mark = record(5, 77, struct.pack("<Q", 0xffffffff81000000) + b"MARK tsc=123\n\0")
    return page(T, [event(100, switch), event(150, entry), event(10, exit_),
                    event(40, softirq), time_extend((1 << 27) + 5), event(0, flush),
                    event(0, mark)])


def cpu1():
    waking = record(319, 77, comm("kworker/1:0") + struct.pack("<iii", 9, 100, 1))
    switch = record(316, 9, comm("kworker/1:0") + struct.pack("<iiq", 9, 100, 0x1) +
                    comm("swapper/1") + struct.pack("<ii", 0, 120))
    raise_ = record(221, 0, struct.pack("<I", 1))
    return (page(T, [event(50, waking), event(10, switch)], missed=42) +
            page(T + 400, [event(100, raise_)], missed=-1))


def sized8(data):
    return struct.pack("<Q", len(data)) + data


def write(path, clock):
    out = bytearray(b"\x17\x08\x44tracing" + b"6\0" + bytes([0, 8]) + struct.pack("<I", PAGE))
    out += b"header_page\0" + sized8(HEADER_PAGE)
    out += b"header_event\0" + sized8(HEADER_EVENT)
    out += struct.pack("<I", 1) + sized8(PRINT)
    out += struct.pack("<I", len(EVENTS))
    for system, events in EVENTS.items():
        out += system.encode() + b"\0" + struct.pack("<I", len(events))
        for e in events:
            out += sized8(fmt(*e))
    out += struct.pack("<I", 0)  # kallsyms
    out += struct.pack("<I", 0)  # printk formats
    out += sized8(CMDLINES)
    cpus = [cpu0(), cpu1()]
    out += struct.pack("<I", len(cpus))
    clock_option = f"[{clock}]".encode() + b"\0"
    out += b"options  \0" + struct.pack("<HI", 4, len(clock_option)) + clock_option
    out += struct.pack("<H", 0)
    out += b"flyrecord\0"
    table_at = len(out)
    out += b"\0" * 16 * len(cpus)
    out += sized8(f"local global [{clock}]\n".encode())
    for i, data in enumerate(cpus):
        out += b"\0" * (-len(out) % PAGE)
        struct.pack_into("<QQ", out, table_at + 16 * i, len(out), len(data))
        out += data
    open(path, "wb").write(out)


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "x86-tsc")
