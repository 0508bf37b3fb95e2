#include "boot_config.hpp"

#include <gtest/gtest.h>

using lttd::parse_boot_config;

namespace {

// The error lines, for messages when a test fails.
std::string joined(const std::vector<std::string>& errors) {
    std::string out;
    for (const auto& e : errors)
        out += e + "\n";
    return out;
}

} // namespace

TEST(BootConfig, FlightRecorderSession) {
    const auto c = parse_boot_config(R"(# the host's flight recorder
[session flight]
source = xen
source = kernel
output = /var/lib/ltt-xen/flight
mode = overwrite
subbuf-size = 64k
subbufs = 8
flush-interval = 500
enable = xen/sched kernel/irq
enable = kernel/sched:sched_switch
snapshot-keep = 5
snapshot-max-size = 1G
guest-max-size = 256M

[session second]
  source = dir:/run/producer   ; comment lines start with # or ;
output=/var/tmp/second
)",
                                     "lttd.conf");
    ASSERT_TRUE(c.errors.empty()) << joined(c.errors);
    ASSERT_EQ(c.sessions.size(), 2u);
    const auto& s = c.sessions[0];
    EXPECT_EQ(s.line, 2u);
    EXPECT_EQ(s.file, "lttd.conf");
    EXPECT_EQ(s.create.name, "flight");
    EXPECT_EQ(s.create.sources, (std::vector<std::string>{"xen", "kernel"}));
    EXPECT_EQ(s.create.output, "/var/lib/ltt-xen/flight");
    EXPECT_EQ(s.create.mode, ltt::ring_mode::overwrite);
    EXPECT_EQ(s.create.subbuf_size, 65536u);
    EXPECT_EQ(s.create.subbufs, 8u);
    EXPECT_EQ(s.create.flush_interval_ms, 500u);
    EXPECT_EQ(s.create.snapshot_keep, 5u);
    EXPECT_EQ(s.create.snapshot_max_bytes, 1ull << 30);
    EXPECT_EQ(s.create.guest_max_bytes, 256ull << 20);
    EXPECT_EQ(s.events,
              (std::vector<std::string>{"xen/sched", "kernel/irq", "kernel/sched:sched_switch"}));
    const auto& t = c.sessions[1];
    EXPECT_EQ(t.line, 16u);
    // Not a comment: `;` only starts one at the beginning of a line, so the
    // source is the whole value - and it is not a valid path either way.
    EXPECT_EQ(t.create.sources.front(), "dir:/run/producer   ; comment lines start with # or ;");
    EXPECT_EQ(t.events, (std::vector<std::string>{"*"})); // everything by default
    EXPECT_FALSE(t.create.mode);
}

TEST(BootConfig, ErrorsNameFileAndLineAndTheRestStands) {
    const auto c = parse_boot_config(R"([session good1]
source = xen
output = /a

[session bad-size]
source = xen
output = /b
subbuf-size = 3000

[session good2]
source = kernel
output = /c
)",
                                     "/etc/ltt-xen/lttd.conf");
    ASSERT_EQ(c.errors.size(), 1u) << joined(c.errors);
    EXPECT_EQ(
        c.errors[0].rfind("/etc/ltt-xen/lttd.conf:8: subbuf_size: 3000 is not a power of two", 0),
        0u)
        << c.errors[0];
    EXPECT_NE(c.errors[0].find("session bad-size is not started"), std::string::npos);
    ASSERT_EQ(c.sessions.size(), 2u);
    EXPECT_EQ(c.sessions[0].create.name, "good1");
    EXPECT_EQ(c.sessions[1].create.name, "good2");
}

TEST(BootConfig, EachKindOfMistake) {
    struct mistake {
        const char* text;
        const char* error; // the start of the one error expected
        std::size_t sessions = 0;
    };
    const mistake cases[] = {
        {"source = xen\n", "f:1: `source` outside a [session NAME] section"},
        {"[session a]\nsource xen\n", "f:2: `source xen` is not `key = value`"},
        {"[session a]\nsorce = xen\n", "f:2: unknown key `sorce`"},
        {"[session a]\nsource =\n", "f:2: `source` has no value"},
        {"[session a]\nsource = xen\noutput = /x\noutput = /y\n",
         "f:4: `output` is set twice (first on line 3)"},
        {"[session a]\nsource = xen\n", "f:1: session a has no `output`"},
        {"[session a]\noutput = /x\n", "f:1: session a has no `source`"},
        {"[session a]\nsource = xen\noutput = relative\n", "f:3: output: "},
        {"[session a]\nsource = xen\noutput = /x\nmode = fast\n", "f:4: mode: `fast` is not"},
        {"[session a]\nsource = nowhere\noutput = /x\n", "f:2: source: `nowhere` is not"},
        {"[session a]\nsource = xen\noutput = /x\nsubbufs = many\n",
         "f:4: subbufs: `many` is not a whole number"},
        {"[session a]\nsource = xen\noutput = /x\nsnapshot-max-size = 1Q\n",
         "f:4: snapshot-max-size: `1Q` is not a size"},
        {"[session a]\nsource = xen\noutput = /x\nsnapshot-keep = 0\n",
         "f:4: snapshot_keep: 0 is outside"},
        {"[session a b]\nsource = xen\n", "f:1: `[session a b]` is not a section header"},
        {"[session .a]\nsource = xen\n", "f:1: `.a` is not a session name"},
        {"[sessoin a]\n", "f:1: `[sessoin a]` is not a section header"},
        {"[session a\nsource = xen\noutput = /x\n", "f:1: `[session a` is not a section header"},
        {"[session a]\nsource = xen\noutput = /x\n[session a]\nsource = xen\noutput = /y\n",
         "f:4: session `a` is defined twice", 1},
        {"[session a]\nsource = xen\nsource = xen\noutput = /x\n",
         "f:2: source: `xen` named twice"},
        {"[session a]\nsource = xen\noutput = /x\xff\xfe\n",
         "f:3: the value of `output` is not valid UTF-8"},
        {"[session a]\nsource = xen\noutput = /x\nflush-interval = 0\n",
         "f:4: flush_interval_ms: 0 is outside"},
    };
    for (const auto& m : cases) {
        const auto c = parse_boot_config(m.text, "f");
        ASSERT_EQ(c.errors.size(), 1u) << m.text << "\n" << joined(c.errors);
        EXPECT_EQ(c.errors[0].rfind(m.error, 0), 0u) << m.text << "\n" << c.errors[0];
        EXPECT_EQ(c.sessions.size(), m.sessions) << m.text;
    }
}

TEST(BootConfig, BinaryAndEmpty) {
    EXPECT_TRUE(parse_boot_config("", "f").sessions.empty());
    EXPECT_TRUE(parse_boot_config("", "f").errors.empty());
    EXPECT_TRUE(parse_boot_config("# only comments\n\n", "f").errors.empty());
    const auto c = parse_boot_config(std::string("[session a]\n\0x\n", 14), "f");
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(c.errors[0], "f:2: a NUL byte: not a text file");
    const auto d = lttd::load_boot_config("/nonexistent/lttd.conf");
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_EQ(d.errors[0], "/nonexistent/lttd.conf: cannot read: No such file or directory");
}
