// Unit tests of include/ltt/: event header encoding, the timestamp escape,
// the in-place packet layout, discard and overwrite modes, nested writers
// and the loss accounting. Built against a test <ltt-env.h> whose clock the
// tests set (tests/env/ltt-env.h).
#include <ltt/ring.h>
#include <ltt/ring_reader.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

extern "C" {
unsigned char ltt_event_enabled[256];
struct ltt_buf* ltt_test_current_buf;
uint64_t ltt_test_tsc;
uint64_t ltt_test_tsc_step;
void (*ltt_test_before_cas)(void);
void (*ltt_test_at_switch)(void);
}

namespace {

// One buffer over heap memory, with its reader.
struct TestBuffer {
    std::vector<uint8_t> ctl, data;
    ltt_consumer_page cons{};
    ltt_buf buf{};
    ltt_reader reader{};

    TestBuffer(uint32_t subbuf_order, uint32_t nr_order, uint32_t mode,
               uint32_t header_type = LTT_HDR_LARGE)
        : ctl(ltt_ctl_size(nr_order)), data(ltt_data_size(subbuf_order, nr_order)) {
        ltt_buf_config cfg{};
        cfg.cpu = 3;
        cfg.mode = mode;
        cfg.header_type = header_type;
        cfg.subbuf_order = subbuf_order;
        cfg.nr_subbufs_order = nr_order;
        for (unsigned i = 0; i < LTT_UUID_LEN; i++)
            cfg.uuid[i] = static_cast<uint8_t>(0xa0 + i);
        EXPECT_EQ(ltt_buf_init(&buf, ctl.data(), &cons, data.data(), &cfg), 0);
        EXPECT_EQ(ltt_reader_init(&reader, ctl.data(), ctl.size(), &cons, data.data(), data.size()),
                  LTT_READER_OK);
    }

    // Writes one record whose payload is `len` bytes of a pattern from `seq`.
    bool write(uint32_t id, uint32_t len, uint32_t seq) {
        ltt_reserve_ctx ctx{};
        if (ltt_reserve(&buf, &ctx, id, len) != 0)
            return false;
        std::vector<uint8_t> p(len);
        for (uint32_t i = 0; i < len; i++)
            p[i] = static_cast<uint8_t>(seq + i);
        if (len >= 4)
            std::memcpy(p.data(), &seq, 4);
        ltt_write(&ctx, p.data(), len);
        ltt_commit(&ctx);
        return true;
    }

    uint64_t lost(ltt_lost_kind k) const { return buf.ctl->lost[k]; }
    uint64_t records_committed() const {
        uint64_t n = 0;
        for (uint32_t i = 0; i < buf.nr_subbufs; i++)
            n += buf.slots[i].records;
        return n;
    }
};

struct Record {
    uint32_t id;
    uint64_t tsc;
    std::vector<uint8_t> payload;
};

struct Packet {
    uint64_t ts_begin, ts_end, content_bits, packet_bits, seq, discarded;
    uint32_t cpu;
    std::vector<Record> records;
};

// Decodes one packet the way a CTF reader would (LTTng event headers),
// with payload sizes given per event id by the test.
Packet decode(const uint8_t* p, uint32_t header_type,
              const std::function<uint32_t(uint32_t)>& payload_len) {
    Packet pk{};
    EXPECT_EQ(ltt_get_le(p + LTT_PKT_OFF_MAGIC, 4), LTT_CTF_MAGIC);
    pk.ts_begin = ltt_get_le(p + LTT_PKT_OFF_TIMESTAMP_BEGIN, 8);
    pk.ts_end = ltt_get_le(p + LTT_PKT_OFF_TIMESTAMP_END, 8);
    pk.content_bits = ltt_get_le(p + LTT_PKT_OFF_CONTENT_SIZE, 8);
    pk.packet_bits = ltt_get_le(p + LTT_PKT_OFF_PACKET_SIZE, 8);
    pk.seq = ltt_get_le(p + LTT_PKT_OFF_PACKET_SEQ_NUM, 8);
    pk.discarded = ltt_get_le(p + LTT_PKT_OFF_EVENTS_DISCARDED, 8);
    pk.cpu = static_cast<uint32_t>(ltt_get_le(p + LTT_PKT_OFF_CPU_ID, 4));
    uint64_t prev = pk.ts_begin;
    uint64_t off = LTT_PKT_HEADER_SIZE;
    while (off < pk.content_bits / 8) {
        Record r{};
        unsigned bits = 0;
        uint64_t low = 0;
        bool ext = false;
        if (header_type == LTT_HDR_COMPACT) {
            uint32_t v = static_cast<uint32_t>(ltt_get_le(p + off, 4));
            r.id = v & 31u;
            if (r.id == LTT_COMPACT_ESCAPE) {
                ext = true;
                off += 1;
            } else {
                low = v >> 5;
                bits = LTT_COMPACT_TS_BITS;
                off += 4;
            }
        } else {
            r.id = static_cast<uint32_t>(ltt_get_le(p + off, 2));
            if (r.id == LTT_LARGE_ESCAPE) {
                ext = true;
                off += 2;
            } else {
                low = ltt_get_le(p + off + 2, 4);
                bits = LTT_LARGE_TS_BITS;
                off += 6;
            }
        }
        if (ext) {
            r.id = static_cast<uint32_t>(ltt_get_le(p + off, 4));
            r.tsc = ltt_get_le(p + off + 4, 8);
            off += 12;
        } else {
            uint64_t mask = (1ull << bits) - 1;
            r.tsc = (prev & ~mask) | low;
            if (low < (prev & mask))
                r.tsc += 1ull << bits;
        }
        prev = r.tsc;
        uint32_t len = payload_len(r.id);
        r.payload.assign(p + off, p + off + len);
        off += len;
        pk.records.push_back(std::move(r));
    }
    EXPECT_EQ(off, pk.content_bits / 8) << "records overrun content_size";
    return pk;
}

uint32_t seq_of(const Record& r) {
    uint32_t s = 0;
    std::memcpy(&s, r.payload.data(), 4);
    return s;
}

// Reads every complete packet.
std::vector<Packet> drain(TestBuffer& t, const std::function<uint32_t(uint32_t)>& len,
                          uint64_t* skipped = nullptr) {
    std::vector<Packet> out;
    ltt_subbuf sb{};
    while (ltt_reader_get(&t.reader, &sb) == LTT_READER_OK) {
        if (skipped)
            *skipped += sb.skipped;
        out.push_back(decode(sb.packet, t.buf.header_type, len));
        EXPECT_EQ(out.back().packet_bits / 8, sb.size);
        ltt_reader_put(&t.reader);
    }
    return out;
}

class RingTest : public ::testing::Test {
protected:
    void SetUp() override {
        ltt_test_tsc = 1000;
        ltt_test_tsc_step = 1;
        ltt_test_before_cas = nullptr;
        ltt_test_at_switch = nullptr;
    }
};

const auto len8 = [](uint32_t) { return 8u; };

TEST_F(RingTest, HeaderSizes) {
    EXPECT_EQ(ltt_hdr_size(LTT_HDR_COMPACT, 0), 4u);
    EXPECT_EQ(ltt_hdr_size(LTT_HDR_COMPACT, 1), 13u);
    EXPECT_EQ(ltt_hdr_size(LTT_HDR_LARGE, 0), 6u);
    EXPECT_EQ(ltt_hdr_size(LTT_HDR_LARGE, 1), 14u);
}

TEST_F(RingTest, HeaderEncodingBytes) {
    uint8_t b[16] = {};
    // compact: id in bits 0-4, TSC low 27 bits above it
    EXPECT_EQ(ltt_hdr_write(b, LTT_HDR_COMPACT, 0, 5, 0x1234567), 4u);
    EXPECT_EQ(ltt_get_le(b, 4), 5u | (0x1234567ull << 5));
    // large: u16 id, u32 TSC
    EXPECT_EQ(ltt_hdr_write(b, LTT_HDR_LARGE, 0, 300, 0xdeadbeefcafeull), 6u);
    EXPECT_EQ(ltt_get_le(b, 2), 300u);
    EXPECT_EQ(ltt_get_le(b + 2, 4), 0xbeefcafeu);
    // extended: escape, u32 id, u64 TSC, byte aligned
    EXPECT_EQ(ltt_hdr_write(b, LTT_HDR_COMPACT, 1, 77, 0x0102030405060708ull), 13u);
    EXPECT_EQ(b[0] & 31, 31);
    EXPECT_EQ(ltt_get_le(b + 1, 4), 77u);
    EXPECT_EQ(ltt_get_le(b + 5, 8), 0x0102030405060708ull);
    EXPECT_EQ(ltt_hdr_write(b, LTT_HDR_LARGE, 1, 70000, 42), 14u);
    EXPECT_EQ(ltt_get_le(b, 2), 65535u);
    EXPECT_EQ(ltt_get_le(b + 2, 4), 70000u);
    EXPECT_EQ(ltt_get_le(b + 6, 8), 42u);
}

TEST_F(RingTest, ExtendedWhenUpperBitsDiffer) {
    const uint64_t w27 = 1ull << 27;
    EXPECT_FALSE(ltt_hdr_needs_extended(LTT_HDR_COMPACT, 3, w27 - 1, 0));
    EXPECT_TRUE(ltt_hdr_needs_extended(LTT_HDR_COMPACT, 3, w27, w27 - 1));
    EXPECT_TRUE(ltt_hdr_needs_extended(LTT_HDR_COMPACT, 31, 5, 5)); // id escape
    EXPECT_FALSE(ltt_hdr_needs_extended(LTT_HDR_LARGE, 65534, 5, 5));
    EXPECT_TRUE(ltt_hdr_needs_extended(LTT_HDR_LARGE, 65535, 5, 5));
    EXPECT_TRUE(ltt_hdr_needs_extended(LTT_HDR_LARGE, 1, 1ull << 32, (1ull << 32) - 1));
}

TEST_F(RingTest, PacketLayoutInPlace) {
    TestBuffer t(12, 2, LTT_MODE_DISCARD);
    ltt_test_tsc = 5000;
    ASSERT_TRUE(t.write(7, 8, 1));
    ASSERT_TRUE(t.write(8, 8, 2));
    EXPECT_EQ(ltt_switch(&t.buf, LTT_SWITCH_ACTIVE), 1);
    auto pk = drain(t, len8);
    ASSERT_EQ(pk.size(), 1u);
    const uint64_t content = LTT_PKT_HEADER_SIZE + 2 * (6 + 8);
    EXPECT_EQ(pk[0].content_bits, content * 8);
    EXPECT_EQ(pk[0].packet_bits, ((content + 7) & ~7ull) * 8); // no sub-buffer padding
    EXPECT_EQ(pk[0].seq, 0u);
    EXPECT_EQ(pk[0].cpu, 3u);
    EXPECT_GE(pk[0].ts_begin, 5000u);
    EXPECT_GE(pk[0].ts_end, pk[0].records.back().tsc);
    ASSERT_EQ(pk[0].records.size(), 2u);
    EXPECT_EQ(pk[0].records[0].id, 7u);
    EXPECT_EQ(pk[0].records[0].tsc, pk[0].ts_begin); // the opening record's TSC
    EXPECT_EQ(seq_of(pk[0].records[1]), 2u);
    EXPECT_GT(pk[0].records[1].tsc, pk[0].records[0].tsc);
    // the uuid and stream instance are in the header
    ltt_subbuf sb{};
    EXPECT_EQ(ltt_reader_get(&t.reader, &sb), LTT_READER_EMPTY);
    EXPECT_EQ(t.data[LTT_PKT_OFF_UUID], 0xa0);
    EXPECT_EQ(ltt_get_le(t.data.data() + LTT_PKT_OFF_STREAM_INSTANCE_ID, 8), 3u);
}

TEST_F(RingTest, TimestampEscapeRoundTrips) {
    for (uint32_t type : {LTT_HDR_COMPACT, LTT_HDR_LARGE}) {
        TestBuffer t(12, 2, LTT_MODE_DISCARD, type);
        const unsigned bits = type == LTT_HDR_COMPACT ? 27 : 32;
        std::vector<uint64_t> stamps = {10,
                                        10 + 5,
                                        (1ull << bits) - 2,
                                        (1ull << bits) + 3, // crosses the wrap: extended
                                        (3ull << bits) + 9,
                                        (3ull << bits) + 10,
                                        (1ull << 40) + 123456};
        for (uint32_t i = 0; i < stamps.size(); i++) {
            ltt_test_tsc = stamps[i];
            ltt_test_tsc_step = 0;
            ASSERT_TRUE(t.write(i % 20, 8, i));
        }
        ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
        auto pk = drain(t, len8);
        ASSERT_EQ(pk.size(), 1u);
        ASSERT_EQ(pk[0].records.size(), stamps.size());
        for (size_t i = 0; i < stamps.size(); i++)
            EXPECT_EQ(pk[0].records[i].tsc, stamps[i]) << "record " << i << " type " << type;
    }
}

TEST_F(RingTest, CompactIdEscape) {
    TestBuffer t(12, 2, LTT_MODE_DISCARD, LTT_HDR_COMPACT);
    ASSERT_TRUE(t.write(30, 8, 1));
    ASSERT_TRUE(t.write(31, 8, 2)); // does not fit 5 bits: extended
    ASSERT_TRUE(t.write(1000, 8, 3));
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto pk = drain(t, len8);
    ASSERT_EQ(pk[0].records.size(), 3u);
    EXPECT_EQ(pk[0].records[1].id, 31u);
    EXPECT_EQ(pk[0].records[2].id, 1000u);
    EXPECT_EQ(pk[0].content_bits / 8, LTT_PKT_HEADER_SIZE + (4 + 8) + 2 * (13 + 8));
}

TEST_F(RingTest, RecordsSpanSubBuffersInOrder) {
    TestBuffer t(9, 3, LTT_MODE_DISCARD); // 512-byte sub-buffers, 8 of them
    uint32_t written = 0;
    for (uint32_t i = 0; i < 100; i++)
        written += t.write(i % 5, 20, i);
    EXPECT_EQ(written, 100u);
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto pks = drain(t, [](uint32_t) { return 20u; });
    uint32_t expect = 0;
    for (size_t k = 0; k < pks.size(); k++) {
        EXPECT_EQ(pks[k].seq, k);
        EXPECT_LE(pks[k].content_bits / 8, 512u);
        for (auto& r : pks[k].records)
            EXPECT_EQ(seq_of(r), expect++);
    }
    EXPECT_EQ(expect, 100u);
}

TEST_F(RingTest, DiscardModeCountsEveryDroppedRecord) {
    TestBuffer t(9, 2, LTT_MODE_DISCARD); // 4 x 512
    uint32_t ok = 0, tried = 0;
    for (; tried < 200; tried++)
        ok += t.write(1, 40, tried);
    EXPECT_LT(ok, tried);
    EXPECT_EQ(t.lost(LTT_LOST_FULL), tried - ok);
    EXPECT_EQ(t.records_committed(), ok);
    // The reader frees space; the writer continues and the next packet it
    // closes carries the cumulative loss.
    auto first = drain(t, [](uint32_t) { return 40u; });
    EXPECT_EQ(first.size(), 3u); // n - 1 complete, one still open
    for (uint32_t i = 0; i < 5; i++)
        ok += t.write(1, 40, 1000 + i), tried++;
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto second = drain(t, [](uint32_t) { return 40u; });
    ASSERT_FALSE(second.empty());
    EXPECT_EQ(second.back().discarded, tried - ok);
    uint64_t read = 0;
    for (auto* v : {&first, &second}) {
        for (auto& p : *v)
            read += p.records.size();
    }
    EXPECT_EQ(read + t.lost(LTT_LOST_FULL), tried);
}

TEST_F(RingTest, OverwriteModeKeepsNewestAndCountsOverwritten) {
    TestBuffer t(9, 2, LTT_MODE_OVERWRITE);
    const uint32_t n = 500;
    for (uint32_t i = 0; i < n; i++)
        ASSERT_TRUE(t.write(2, 24, i)); // the writer never fails
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    uint64_t skipped = 0;
    auto pks = drain(
        t, [](uint32_t) { return 24u; }, &skipped);
    // after the switch no sub-buffer is open: all n newest survive (the
    // reader's spare is the (n+1)th physical one)
    ASSERT_EQ(pks.size(), 4u);
    uint64_t read = 0;
    uint32_t prev = 0;
    for (auto& p : pks) {
        for (auto& r : p.records) {
            if (read) {
                EXPECT_EQ(seq_of(r), prev + 1);
            }
            prev = seq_of(r);
            read++;
        }
    }
    EXPECT_EQ(prev, n - 1);                            // the newest record is there
    EXPECT_EQ(read + t.lost(LTT_LOST_OVERWRITTEN), n); // exact
    EXPECT_GT(skipped, 0u);
    EXPECT_EQ(pks.back().discarded, t.lost(LTT_LOST_OVERWRITTEN));
    EXPECT_EQ(pks.back().seq - pks.front().seq, 3u);
}

TEST_F(RingTest, OverwriteReaderHoldsItsSubBufferWhileWriterWraps) {
    TestBuffer t(9, 2, LTT_MODE_OVERWRITE);
    uint32_t i = 0;
    while (t.buf.ctl->offset < 2 * 512)
        ASSERT_TRUE(t.write(2, 24, i++));
    ltt_subbuf sb{};
    ASSERT_EQ(ltt_reader_get(&t.reader, &sb), LTT_READER_OK);
    std::vector<uint8_t> copy(sb.packet, sb.packet + sb.size);
    for (uint32_t k = 0; k < 400; k++) // wraps several times
        ASSERT_TRUE(t.write(2, 24, i++));
    EXPECT_EQ(std::memcmp(copy.data(), sb.packet, copy.size()), 0)
        << "writer wrote into a held sub-buffer";
    auto held = decode(sb.packet, LTT_HDR_LARGE, [](uint32_t) { return 24u; });
    ltt_reader_put(&t.reader);
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto rest = drain(t, [](uint32_t) { return 24u; });
    uint64_t read = held.records.size();
    for (auto& p : rest)
        read += p.records.size();
    EXPECT_EQ(read + t.lost(LTT_LOST_OVERWRITTEN), i);
}

TEST_F(RingTest, NestedWriterBetweenReadAndCas) {
    TestBuffer t(12, 2, LTT_MODE_DISCARD);
    static TestBuffer* tb;
    tb = &t;
    ASSERT_TRUE(t.write(1, 8, 1)); // opens the packet
    // The outer writer reads the position, then an "interrupt" writes a
    // record before its CAS: the CAS fails, the outer retries after it.
    ltt_test_before_cas = [] { EXPECT_TRUE(tb->write(2, 8, 100)); };
    ASSERT_TRUE(t.write(1, 8, 2));
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto pk = drain(t, len8);
    ASSERT_EQ(pk[0].records.size(), 3u);
    EXPECT_EQ(seq_of(pk[0].records[1]), 100u);
    EXPECT_EQ(seq_of(pk[0].records[2]), 2u);
    for (size_t k = 1; k < 3; k++)
        EXPECT_GT(pk[0].records[k].tsc, pk[0].records[k - 1].tsc); // TSC order = buffer order
}

// Seen on real Xen: the first record after start (the statedump's) was
// about to open sub-buffer 0 when a timer interrupt's record opened it
// first; the outer writer then found the sub-buffer partly committed and
// dropped its record as "busy". It must write it after the nested one.
TEST_F(RingTest, NestedWriterOpensTheSubbufferFirst) {
    for (const uint32_t mode : {LTT_MODE_DISCARD, LTT_MODE_OVERWRITE}) {
        TestBuffer t(12, 2, mode);
        static TestBuffer* tb;
        tb = &t;
        ltt_test_at_switch = [] { EXPECT_TRUE(tb->write(2, 8, 100)); };
        ASSERT_TRUE(t.write(1, 8, 1)) << "mode " << mode;
        EXPECT_EQ(t.lost(LTT_LOST_BUSY), 0u);
        ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
        auto pk = drain(t, len8);
        ASSERT_EQ(pk.size(), 1u);
        ASSERT_EQ(pk[0].records.size(), 2u);
        EXPECT_EQ(seq_of(pk[0].records[0]), 100u);
        EXPECT_EQ(seq_of(pk[0].records[1]), 1u);
        // ...and at a later switch, with the previous packet to close.
        for (uint32_t i = 0; t.buf.ctl->offset < 4096 - 40; i++)
            ASSERT_TRUE(t.write(1, 8, 1000 + i));
        ltt_test_at_switch = [] { EXPECT_TRUE(tb->write(2, 8, 200)); };
        ASSERT_TRUE(t.write(1, 8, 2));
        EXPECT_EQ(t.lost(LTT_LOST_BUSY), 0u);
    }
}

TEST_F(RingTest, NestedWriterBetweenReserveAndCommit) {
    TestBuffer t(9, 2, LTT_MODE_DISCARD);
    ltt_reserve_ctx outer{};
    ASSERT_EQ(ltt_reserve(&t.buf, &outer, 1, 8), 0);
    // An interrupt writes enough to close the sub-buffer the outer record
    // is in: the sub-buffer is not ready until the outer record commits.
    for (uint32_t i = 0; i < 40; i++)
        ASSERT_TRUE(t.write(2, 8, 100 + i));
    ltt_subbuf sb{};
    EXPECT_EQ(ltt_reader_get(&t.reader, &sb), LTT_READER_EMPTY);
    uint32_t one = 1;
    uint8_t pay[8] = {};
    std::memcpy(pay, &one, 4);
    ltt_write(&outer, pay, 8);
    ltt_commit(&outer);
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto pks = drain(t, len8);
    size_t total = 0;
    for (auto& p : pks)
        total += p.records.size();
    EXPECT_EQ(total, 41u);
    EXPECT_EQ(seq_of(pks[0].records[0]), 1u);
    EXPECT_EQ(t.buf.nesting, 0u);
}

TEST_F(RingTest, NestingGuardRejectsAndCounts) {
    TestBuffer t(12, 2, LTT_MODE_DISCARD);
    ltt_reserve_ctx ctx[LTT_MAX_NESTING + 1];
    for (unsigned i = 0; i < LTT_MAX_NESTING; i++)
        ASSERT_EQ(ltt_reserve(&t.buf, &ctx[i], 1, 8), 0);
    EXPECT_NE(ltt_reserve(&t.buf, &ctx[LTT_MAX_NESTING], 1, 8), 0);
    EXPECT_EQ(t.lost(LTT_LOST_NESTED), 1u);
    uint8_t pay[8] = {};
    for (int i = LTT_MAX_NESTING - 1; i >= 0; i--) {
        ltt_write(&ctx[i], pay, 8);
        ltt_commit(&ctx[i]);
    }
    EXPECT_EQ(t.buf.nesting, 0u);
    EXPECT_TRUE(t.write(1, 8, 9));
}

TEST_F(RingTest, TooBigRecordIsCountedNotWritten) {
    TestBuffer t(9, 2, LTT_MODE_DISCARD);
    EXPECT_FALSE(t.write(1, 512, 0));
    EXPECT_EQ(t.lost(LTT_LOST_TOO_BIG), 1u);
    EXPECT_FALSE(t.write(1, 512 - LTT_PKT_HEADER_SIZE - 6, 0)); // no byte left for the close
    EXPECT_TRUE(t.write(1, 512 - LTT_PKT_HEADER_SIZE - 7, 0));
}

TEST_F(RingTest, WriteNeverExceedsReservation) {
    TestBuffer t(12, 2, LTT_MODE_DISCARD);
    ltt_reserve_ctx ctx{};
    ASSERT_EQ(ltt_reserve(&t.buf, &ctx, 1, 4), 0);
    uint8_t big[64];
    std::memset(big, 0xee, sizeof big);
    ltt_write(&ctx, big, sizeof big);
    ltt_commit(&ctx);
    ASSERT_TRUE(t.write(2, 8, 5));
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    auto pk = drain(t, [](uint32_t id) { return id == 1 ? 4u : 8u; });
    ASSERT_EQ(pk[0].records.size(), 2u);
    EXPECT_EQ(seq_of(pk[0].records[1]), 5u);
}

TEST_F(RingTest, GarbageConsumerPositionIsCountedNotTrusted) {
    TestBuffer t(9, 2, LTT_MODE_DISCARD);
    for (uint64_t bad : {~0ull, 12345ull, 1ull << 40}) {
        t.cons.consumed = bad;
        for (uint32_t i = 0; i < 100; i++)
            t.write(1, 40, i);
    }
    EXPECT_GT(t.buf.ctl->consumer_errors, 0u);
    // Nothing was written outside the buffer's memory, every record is
    // accounted for, and a sane position lets the writer go on.
    EXPECT_EQ(t.records_committed() + t.lost(LTT_LOST_FULL), 300u);
    t.cons.consumed = 0;
}

TEST_F(RingTest, FlushEmptyCarriesLatestLossCount) {
    TestBuffer t(9, 2, LTT_MODE_DISCARD);
    for (uint32_t i = 0; i < 100; i++)
        t.write(1, 40, i);
    const uint64_t lost = t.lost(LTT_LOST_FULL);
    ASSERT_GT(lost, 0u);
    auto pks = drain(t, [](uint32_t) { return 40u; });
    EXPECT_EQ(ltt_switch(&t.buf, LTT_SWITCH_ACTIVE), 1);
    EXPECT_EQ(ltt_switch(&t.buf, LTT_SWITCH_ACTIVE), 0); // nothing open
    EXPECT_EQ(ltt_switch(&t.buf, LTT_SWITCH_EMPTY), 1);  // an empty packet
    auto rest = drain(t, [](uint32_t) { return 40u; });
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_TRUE(rest[1].records.empty());
    EXPECT_EQ(rest[1].discarded, lost);
    EXPECT_EQ(rest[1].content_bits / 8, LTT_PKT_HEADER_SIZE);
}

TEST_F(RingTest, ReaderRejectsHostileControlMemory) {
    TestBuffer t(9, 2, LTT_MODE_DISCARD);
    ltt_reader r{};
    auto* ctl = reinterpret_cast<ltt_buf_ctl*>(t.ctl.data());
    EXPECT_EQ(ltt_reader_init(&r, t.ctl.data(), 8, &t.cons, t.data.data(), t.data.size()),
              LTT_READER_INVALID);
    EXPECT_EQ(ltt_reader_init(&r, t.ctl.data(), t.ctl.size(), &t.cons, t.data.data(), 100),
              LTT_READER_INVALID);
    ctl->subbuf_order = 40;
    EXPECT_EQ(
        ltt_reader_init(&r, t.ctl.data(), t.ctl.size(), &t.cons, t.data.data(), t.data.size()),
        LTT_READER_INVALID);
    ctl->subbuf_order = 9;
    // A complete-looking slot whose packet claims a size beyond it.
    ASSERT_TRUE(t.write(1, 8, 0));
    ltt_switch(&t.buf, LTT_SWITCH_ACTIVE);
    ltt_put_le(t.data.data() + LTT_PKT_OFF_PACKET_SIZE, 1ull << 40, 8);
    ltt_subbuf sb{};
    EXPECT_EQ(ltt_reader_get(&t.reader, &sb), LTT_READER_INVALID);
    ltt_reader_put(&t.reader); // skips it
    EXPECT_EQ(ltt_reader_get(&t.reader, &sb), LTT_READER_EMPTY);
}

} // namespace
