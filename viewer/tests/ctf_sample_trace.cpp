#include "ctf_sample_trace.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace ltt::viewer::test {

namespace {

constexpr std::string_view metadata = R"(/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 16; align = 8; signed = false; } := uint16_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
typealias integer { size = 5; align = 1; signed = false; } := uint5_t;

trace {
	major = 1;
	minor = 8;
	uuid = "2a6422d0-6cee-11e0-8c08-cb07d7b3a564";
	byte_order = le;
	packet.header := struct {
		uint32_t magic;
		uint8_t  uuid[16];
		uint32_t stream_id;
		uint64_t stream_instance_id;
	};
};

env {
	hostname = "sample";
	domain = "kernel";
	tracer_name = "lttng-modules";
	tracer_major = 2;
	tracer_minor = 12;
};

clock {
	name = "monotonic";
	uuid = "c1a5e1b2-0d3e-4f50-8a6b-7c8d9e0f1a2b";
	freq = 1000000000;
	offset_s = 1600000000;
	offset = 0;
};

typealias integer {
	size = 64; align = 8; signed = false;
	map = clock.monotonic.value;
} := uint64_clock_monotonic_t;

typealias integer {
	size = 27; align = 1; signed = false;
	map = clock.monotonic.value;
} := uint27_clock_monotonic_t;

struct packet_context {
	uint64_clock_monotonic_t timestamp_begin;
	uint64_clock_monotonic_t timestamp_end;
	uint64_t content_size;
	uint64_t packet_size;
	uint64_t packet_seq_num;
	uint64_t events_discarded;
	uint32_t cpu_id;
};

struct event_header_compact {
	enum : uint5_t { compact = 0 ... 30, extended = 31 } id;
	variant <id> {
		struct {
			uint27_clock_monotonic_t timestamp;
		} compact;
		struct {
			uint32_t id;
			uint64_clock_monotonic_t timestamp;
		} extended;
	} v;
} align(8);

stream {
	id = 0;
	event.header := struct event_header_compact;
	packet.context := struct packet_context;
	event.context := struct {
		integer { size = 32; align = 8; signed = 1; } _tid;
	};
};

event {
	name = "sched_switch";
	id = 0;
	stream_id = 0;
	fields := struct {
		integer { size = 8; align = 8; signed = 0; encoding = UTF8; } _prev_comm[16];
		integer { size = 32; align = 8; signed = 1; } _prev_tid;
		integer { size = 32; align = 8; signed = 1; } _prev_prio;
		integer { size = 64; align = 8; signed = 1; } _prev_state;
		integer { size = 8; align = 8; signed = 0; encoding = UTF8; } _next_comm[16];
		integer { size = 32; align = 8; signed = 1; } _next_tid;
		integer { size = 32; align = 8; signed = 1; } _next_prio;
	};
};

event {
	name = "irq_handler_entry";
	id = 1;
	stream_id = 0;
	fields := struct {
		integer { size = 32; align = 8; signed = 1; } _irq;
		string _name;
	};
};

event {
	name = "fuzz_types";
	id = 2;
	stream_id = 0;
	fields := struct {
		enum : uint8_t { RUNNING = 0, BLOCKED = 1, MANY = 2 ... 9 } _state;
		floating_point { exp_dig = 11; mant_dig = 53; byte_order = le; align = 64; } _ratio;
		integer { size = 16; align = 8; signed = 0; base = 16; } _flags;
		integer { size = 8; align = 8; signed = 1; } _delta;
		struct {
			uint32_t _a;
			string _b;
		} _pair;
		uint8_t _len;
		uint16_t _values[_len];
		integer { size = 8; align = 8; signed = 0; encoding = UTF8; } _comm[8];
		uint32_t _fixed[3];
		variant <_state> {
			uint32_t RUNNING;
			string BLOCKED;
			uint8_t MANY;
		} _v;
	};
};

event {
	name = "empty";
	id = 3;
	stream_id = 0;
};
)";

constexpr std::array<std::uint8_t, 16> trace_uuid = {
    0x2a, 0x64, 0x22, 0xd0, 0x6c, 0xee, 0x11, 0xe0, 0x8c, 0x08, 0xcb, 0x07, 0xd7, 0xb3, 0xa5, 0x64};

// Little-endian bytes, with CTF's alignment relative to the packet start.
class packet_writer {
public:
    explicit packet_writer(std::vector<std::byte>& out) : out_(out), start_(out.size()) {}

    void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
    void u16(std::uint16_t v) { le(v, 2); }
    void u32(std::uint32_t v) { le(v, 4); }
    void u64(std::uint64_t v) { le(v, 8); }
    void s8(std::int8_t v) { u8(static_cast<std::uint8_t>(v)); }
    void s32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void s64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void f64(double v) {
        align(8);
        u64(std::bit_cast<std::uint64_t>(v));
    }
    void string(std::string_view s) {
        for (const char c : s)
            u8(static_cast<std::uint8_t>(c));
        u8(0);
    }
    void chars(std::string_view s, std::size_t n) { // char[n], NUL padded
        for (std::size_t i = 0; i < n; ++i)
            u8(i < s.size() ? static_cast<std::uint8_t>(s[i]) : 0);
    }
    void align(std::size_t bytes) {
        while ((out_.size() - start_) % bytes != 0)
            u8(0);
    }
    std::size_t at() const { return out_.size() - start_; }
    void patch_u64(std::size_t at, std::uint64_t v) {
        for (int i = 0; i < 8; ++i)
            out_[start_ + at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
    }

private:
    void le(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i)
            u8(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
    }

    std::vector<std::byte>& out_;
    std::size_t start_;
};

struct packet_fields {
    std::uint64_t begin, end, seq, discarded;
};

constexpr std::size_t content_size_at = 48;
constexpr std::size_t packet_size_at = 56;

void begin_packet(packet_writer& w, const packet_fields& p) {
    w.u32(0xc1fc1fc1);
    for (const std::uint8_t b : trace_uuid)
        w.u8(b);
    w.u32(0); // stream_id
    w.u64(0); // stream_instance_id
    w.u64(p.begin);
    w.u64(p.end);
    w.u64(0); // content_size, patched
    w.u64(0); // packet_size, patched
    w.u64(p.seq);
    w.u64(p.discarded);
    w.u32(1); // cpu_id
}

void end_packet(packet_writer& w) {
    const std::size_t content = w.at();
    w.align(64);
    w.patch_u64(content_size_at, content * 8);
    w.patch_u64(packet_size_at, w.at() * 8);
}

// Extended event header (full id and timestamp), then the stream event
// context.
void event_header(packet_writer& w, std::uint32_t id, std::uint64_t ts, std::int32_t tid) {
    w.u8(31);
    w.u32(id);
    w.u64(ts);
    w.s32(tid);
}

} // namespace

std::string_view sample_metadata() {
    return metadata;
}

std::vector<std::byte> sample_stream(int packets) {
    std::vector<std::byte> out;
    {
        packet_writer w(out);
        begin_packet(w, {1000, 1999, 0, 0});
        event_header(w, 0, 1000, 0);
        w.chars("swapper/1", 16);
        w.s32(0);
        w.s32(20);
        w.s64(0);
        w.chars("bash", 16);
        w.s32(42);
        w.s32(20);
        event_header(w, 1, 1100, 42);
        w.s32(11);
        w.string("eth0");
        event_header(w, 2, 1200, 42);
        w.align(8); // the payload structure has the alignment of its double
        w.u8(1);
        w.f64(0.25);
        w.u16(0xbeef);
        w.s8(-3);
        w.u32(7);
        w.string("x");
        w.u8(3);
        w.u16(1);
        w.u16(2);
        w.u16(3);
        w.chars("abc", 8);
        w.u32(4);
        w.u32(5);
        w.u32(6);
        w.string("blk");
        event_header(w, 3, 1300, 42);
        end_packet(w);
    }
    if (packets >= 2) {
        packet_writer w(out);
        begin_packet(w, {2000, 2999, 1, 4});
        event_header(w, 2, 2100, 42);
        w.align(8);
        w.u8(5);
        w.f64(-1.5);
        w.u16(0x1);
        w.s8(100);
        w.u32(0);
        w.string("");
        w.u8(0);
        w.chars("", 8);
        w.u32(0);
        w.u32(0);
        w.u32(0);
        w.u8(9);
        end_packet(w);
    }
    if (packets >= 3) {
        packet_writer w(out);
        begin_packet(w, {4000, 4999, 3, 4});
        event_header(w, 1, 4100, 42);
        w.s32(300);
        w.string("nvme");
        end_packet(w);
    }
    return out;
}

void write_sample_trace(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "metadata", std::ios::binary) << metadata;
    const std::vector<std::byte> stream = sample_stream();
    std::ofstream out(dir / "stream_0", std::ios::binary);
    out.write(reinterpret_cast<const char*>(stream.data()),
              static_cast<std::streamsize>(stream.size()));
    if (!out)
        throw std::runtime_error("cannot write " + (dir / "stream_0").string());
}

} // namespace ltt::viewer::test
