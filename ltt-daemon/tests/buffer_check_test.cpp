// buffer_check: every way a buffer file can be wrong is named, and a good
// one (fresh, or with records and consumed packets) passes.
#include "buffer_check.hpp"

#include <lttd/directory_layout.hpp>

#include <ltt/ring.h>
#include <ltt/ring_reader.h>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace lttd;

namespace {

struct test_buffer {
    channel_info channel;
    buffer_file_layout layout;
    std::vector<std::byte> file;
    ltt_buf writer{};

    explicit test_buffer(ltt::ring_mode mode = ltt::ring_mode::discard, std::uint32_t cpu = 2) {
        channel.mode = mode;
        channel.subbuf_order = 12;
        channel.nr_subbufs_order = 2;
        channel.header = ltt::event_header_kind::compact;
        for (std::size_t i = 0; i < channel.uuid.size(); i++)
            channel.uuid[i] = static_cast<std::uint8_t>(i * 7 + 1);
        layout = layout_for(channel.subbuf_order, channel.nr_subbufs_order);
        file.assign(layout.file_size, std::byte{0});
        ltt_buf_config cfg{};
        cfg.cpu = cpu;
        cfg.mode = ltt::to_ltt_mode(mode);
        cfg.header_type = LTT_HDR_COMPACT;
        cfg.subbuf_order = channel.subbuf_order;
        cfg.nr_subbufs_order = channel.nr_subbufs_order;
        std::memcpy(cfg.uuid, channel.uuid.data(), 16);
        EXPECT_EQ(ltt_buf_init(&writer, base() + layout.ctl_offset, base() + layout.cons_offset,
                               base() + layout.data_offset, &cfg),
                  0);
    }
    std::uint8_t* base() { return reinterpret_cast<std::uint8_t*>(file.data()); }
    ltt_buf_ctl* ctl() { return reinterpret_cast<ltt_buf_ctl*>(base()); }
    ltt_consumer_page* cons() {
        return reinterpret_cast<ltt_consumer_page*>(base() + layout.cons_offset);
    }
    std::optional<std::string> check(std::uint32_t cpu = 2) {
        return check_buffer_file(file.data(), file.size(), cpu, channel);
    }
    void write_records(unsigned n) {
        for (unsigned i = 0; i < n; i++) {
            ltt_reserve_ctx ctx{};
            std::uint8_t payload[40] = {};
            if (ltt_reserve(&writer, &ctx, 1, sizeof payload) == 0) {
                ltt_write(&ctx, payload, sizeof payload);
                ltt_commit(&ctx);
            }
        }
    }
};

void expect_problem(const std::optional<std::string>& p, const std::string& text) {
    ASSERT_TRUE(p) << "accepted, expected: " << text;
    EXPECT_NE(p->find(text), std::string::npos) << *p;
}

} // namespace

TEST(BufferCheck, FreshAndUsedBuffersPass) {
    test_buffer b;
    EXPECT_FALSE(b.check());
    b.write_records(300); // a few sub-buffers, some lost (nobody reads)
    EXPECT_FALSE(b.check());
    ltt_reader r{};
    ASSERT_EQ(ltt_reader_init(&r, b.base(), b.layout.cons_offset, b.cons(),
                              b.base() + b.layout.data_offset, b.layout.data_size),
              LTT_READER_OK);
    ltt_subbuf sb{};
    ASSERT_EQ(ltt_reader_get(&r, &sb), LTT_READER_OK);
    ltt_reader_put(&r);
    EXPECT_FALSE(b.check());

    test_buffer o(ltt::ring_mode::overwrite);
    o.write_records(1000);
    EXPECT_FALSE(o.check());
}

TEST(BufferCheck, HeaderFields) {
    {
        test_buffer b;
        b.ctl()->magic = 0x12345678;
        expect_problem(b.check(), "wrong magic 0x12345678");
    }
    {
        test_buffer b;
        b.ctl()->version = 9;
        expect_problem(b.check(), "buffer version 9");
    }
    {
        test_buffer b;
        expect_problem(b.check(5), "header says cpu 2, but the file is cpu5.ltt");
    }
    {
        test_buffer b;
        b.channel.mode = ltt::ring_mode::overwrite;
        expect_problem(b.check(), "header says mode 0, channel.json says 1");
    }
    {
        test_buffer b;
        b.channel.header = ltt::event_header_kind::large;
        expect_problem(b.check(), "header type");
    }
    {
        test_buffer b;
        b.ctl()->subbuf_order = 13;
        expect_problem(b.check(), "sub-buffer order 13, channel.json says 12");
    }
    {
        test_buffer b;
        b.ctl()->nr_subbufs_order = 5;
        expect_problem(b.check(), "sub-buffer count order 5");
    }
    {
        test_buffer b;
        b.ctl()->uuid[3] ^= 0xff;
        expect_problem(b.check(), "trace uuid");
    }
}

TEST(BufferCheck, SizesThatDoNotFit) {
    test_buffer b;
    expect_problem(check_buffer_file(b.file.data(), 10, 2, b.channel), "too small");
    expect_problem(check_buffer_file(b.file.data(), b.file.size() - 4096, 2, b.channel),
                   "need exactly");
    b.file.resize(b.file.size() + 1);
    expect_problem(b.check(), "need exactly");
}

TEST(BufferCheck, PositionsOutOfRange) {
    {
        test_buffer b;
        b.cons()->consumed = 100; // not sub-buffer aligned
        expect_problem(b.check(), "positions out of range");
    }
    {
        test_buffer b;
        b.cons()->consumed = 4096 * 8; // ahead of the writer
        expect_problem(b.check(), "positions out of range");
    }
    {
        test_buffer b;
        b.ctl()->offset = 4096 * 9 + 100; // more than a buffer ahead of the consumer
        expect_problem(b.check(), "positions out of range");
    }
    {
        test_buffer b;
        b.ctl()->offset = ~0ull - 5; // would wrap when rounded up
        expect_problem(b.check(), "positions out of range");
    }
}

TEST(BufferCheck, OverwriteSlotEntries) {
    test_buffer b(ltt::ring_mode::overwrite);
    ltt_ctl_slots(b.ctl())[1].entry = ltt_entry_make(4000, 1, 7);
    expect_problem(b.check(), "slot 1 names sub-buffer 4000");
}
