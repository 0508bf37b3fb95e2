#!/usr/bin/env python3
"""Breaks a producer directory on purpose, for lttd's bad-input tests.

  corrupt.py channel DIR KEY JSON     set channel.json's KEY (JSON value)
  corrupt.py channel-del DIR KEY      remove KEY
  corrupt.py channel-raw DIR TEXT     replace channel.json with TEXT
  corrupt.py facility DIR KEY JSON    set facilities[0].KEY
  corrupt.py buffer FILE FIELD VALUE  write a field of a cpu<N>.ltt file:
      magic, version, cpu, mode, subbuf_order (u32), offset (u64, write
      position), consumed (u64, consumer page), entry0 (u64, slot 0's
      overwrite entry), size (truncate/extend the file to VALUE bytes)

Offsets follow include/ltt/ring_layout.h (struct ltt_buf_ctl, 152 bytes,
then 32-byte slots; the consumer page starts on the next 4096 boundary).
"""
import json
import os
import struct
import sys

U32 = {"magic": 0, "version": 4, "cpu": 8, "mode": 12, "subbuf_order": 20}
CTL_SIZE, SLOT_SIZE, OFFSET_OFF = 152, 32, 48


def channel_path(d):
    return os.path.join(d, "channel.json")


def main():
    cmd, target = sys.argv[1], sys.argv[2]
    if cmd in ("channel", "channel-del", "facility"):
        with open(channel_path(target)) as f:
            ch = json.load(f)
        if cmd == "channel":
            ch[sys.argv[3]] = json.loads(sys.argv[4])
        elif cmd == "channel-del":
            del ch[sys.argv[3]]
        else:
            ch["facilities"][0][sys.argv[3]] = json.loads(sys.argv[4])
        with open(channel_path(target), "w") as f:
            json.dump(ch, f)
    elif cmd == "channel-raw":
        with open(channel_path(target), "w") as f:
            f.write(sys.argv[3])
    elif cmd == "buffer":
        field, value = sys.argv[3], int(sys.argv[4], 0)
        if field == "size":
            os.truncate(target, value)
            return
        with open(target, "r+b") as f:
            if field in U32:
                f.seek(U32[field])
                f.write(struct.pack("<I", value))
            elif field == "offset":
                f.seek(OFFSET_OFF)
                f.write(struct.pack("<Q", value))
            elif field == "consumed":
                f.seek(24)
                nr = 1 << struct.unpack("<I", f.read(4))[0]
                cons = (CTL_SIZE + nr * SLOT_SIZE + 4095) // 4096 * 4096
                f.seek(cons)
                f.write(struct.pack("<Q", value))
            elif field == "entry0":
                f.seek(CTL_SIZE + 24)
                f.write(struct.pack("<Q", value))
            else:
                sys.exit(f"unknown field {field}")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
