// A PVH guest on its own TSC, end to end: a session with a hypervisor trace
// (time_tsc_params, runstate changes, SVM exits and entries on physical
// CPU 0) and domain 5's kernel trace written on the guest's TSC, read the
// way ltt-view reads it. Written with ltt-synth's channel writer (whole
// packets, the metadata lttd writes).
//
// Domain 5's vCPU 0 reads guest = host - 900'000 (offset -900'000: its TSC
// started near 0 when it was built). Host times of the hypervisor events:
//     100'000  tsc_params d5v0 ratio 1, frac 0, offset -900'000
//     100'010  tsc_params d0v0 identity (PV)
//     100'050  d5v0 running -> blocked
//   1'000'000  d5v0 blocked -> runnable      1'000'100  runnable -> running
//   1'001'000  exit vmmcall, entry 1'001'400 (400 cycles)
//   1'002'000  exit cpuid,   entry 1'002'100 (100)
//   1'003'000  exit cpuid,   entry 1'003'300 (300)
//   1'004'000  exit ioio,    entry 1'004'050 (50)
//   1'005'000  running -> blocked   1'007'900 -> runnable   1'008'000 -> running
//   1'009'000  running -> blocked   1'010'000 -> runnable
// The guest's five events, at host 1'000'500, 1'001'500, 1'002'500,
// 1'004'500 and 1'008'500 (while d5v0 runs), carry guest times 100'500,
// 101'500, 102'500, 104'500 and 108'500. Converted, all five fall where
// Xen says d5v0 runs: 5 checked, 0 violations. Merged as recorded they
// fall between 100'050 and 1'000'000, where d5v0 is blocked: 5 violations.
#include "analyses/hvm_exits.hpp"
#include "analyses/time_audit.hpp"
#include "core/event_class.hpp"
#include "merge/merger.hpp"
#include "readers/open.hpp"
#include "scratch_dir.hpp"
#include "state/cpu_tracker.hpp"
#include "time/guest_tsc_conversion.hpp"

#include "session_writer.hpp"

#include <kernel/facilities.hpp>
#include <xen/facilities.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t tsc_hz = 1'000'000'000;
constexpr std::int64_t guest_offset = -900'000;
constexpr std::uint8_t running = 0, runnable = 1, blocked = 2;
constexpr std::int16_t svm_cpuid = 114, svm_ioio = 123, svm_vmmcall = 129;

void write_session(const fs::path& root) {
    ltt::uuid clock{};
    for (std::size_t i = 0; i < clock.size(); ++i)
        clock[i] = static_cast<std::uint8_t>(0x40 + i);
    synth::channel_writer hv(root, "hypervisor", ltt::layer::xen, 32754, ltt::facility_sets::xen,
                             fs::path(LTT_CTF_DIR) / "xen", clock, tsc_hz, 64 * 1024);
    synth::channel_writer guest(root, "domU-5/kernel", ltt::layer::kernel, 5,
                                ltt::facility_sets::kernel, fs::path(LTT_CTF_DIR) / "kernel", clock,
                                tsc_hz, 64 * 1024);
    const auto params = [&](std::uint64_t at, std::uint16_t dom, std::int64_t offset) {
        ltt::payload_writer p;
        p.put(dom)
            .put(std::uint16_t{0})
            .put(std::uint64_t{1})
            .put(std::uint8_t{0})
            .put(offset)
            .put(std::uint8_t{0});
        hv.add(0, at, "time_tsc_params", p);
    };
    const auto change = [&](std::uint64_t at, std::uint8_t from, std::uint8_t to) {
        ltt::payload_writer p;
        p.put(std::uint16_t{5}).put(std::uint16_t{0}).put(from).put(to);
        hv.add(0, at, "runstate_change", p);
    };
    const auto exit = [&](std::uint64_t at, std::int16_t code, std::uint64_t length) {
        ltt::payload_writer p;
        p.put(std::uint16_t{5}).put(std::uint16_t{0}).put(code).put(std::uint64_t{0xffff8000});
        hv.add(0, at, "hvm_svm_vmexit", p);
        hv.add(0, at + length, "hvm_vmentry", ltt::payload_writer{});
    };
    params(100'000, 5, guest_offset);
    params(100'010, 0, 0);
    change(100'050, running, blocked);
    change(1'000'000, blocked, runnable);
    change(1'000'100, runnable, running);
    exit(1'001'000, svm_vmmcall, 400);
    exit(1'002'000, svm_cpuid, 100);
    exit(1'003'000, svm_cpuid, 300);
    exit(1'004'000, svm_ioio, 50);
    change(1'005'000, running, blocked);
    change(1'007'900, blocked, runnable);
    change(1'008'000, runnable, running);
    change(1'009'000, running, blocked);
    change(1'010'000, blocked, runnable);
    for (const std::uint64_t host : {1'000'500, 1'001'500, 1'002'500, 1'004'500, 1'008'500}) {
        ltt::payload_writer p;
        p.put(std::uint32_t{1}); // softirq TIMER
        guest.add(0, host + static_cast<std::uint64_t>(guest_offset), "softirq_entry", p);
    }
    hv.close();
    guest.close();
}

struct outcome {
    std::map<std::string, std::vector<std::vector<cell>>> rows; // by table name
    std::vector<std::string> notices;
    bool guest_on_host_tsc = false;
};

outcome read_session(const fs::path& root, bool convert) {
    class_registry classes;
    read_options options;
    options.tsc_convert = convert;
    opened_inputs in = open_inputs({root.string()}, classes, options);
    guest_tsc_conversion tsc(in, classes, options);
    cpu_tracker cpus(classes);
    analysis_context context{&classes, in.unit, in.freq_hz, &cpus, {}};
    outcome o;
    for (const auto& r : in.readers) {
        context.sources.push_back(&r->source());
        if (r->source().domid == 5u)
            o.guest_on_host_tsc = r->source().clock.host_tsc;
    }
    time_audit audit(context);
    hvm_exits exits(context, false);
    merger merge(in.streams);
    event e;
    while (merge.next(e)) {
        cpus.update(e);
        audit.on_event(e);
        exits.on_event(e);
    }
    for (result r : {audit.finish(), exits.finish()})
        for (const table& t : r.tables)
            o.rows[t.name] = t.rows;
    o.notices = in.notices;
    return o;
}

// The audit row whose check starts with `check`.
const std::vector<cell>& audit_row(const outcome& o, const std::string& check) {
    for (const auto& r : o.rows.at("checks"))
        if (std::get<std::string>(r[0]).starts_with(check))
            return r;
    throw std::runtime_error("no audit row " + check);
}

std::uint64_t u(const cell& c) {
    return std::get<std::uint64_t>(c);
}

class GuestTscSession : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::scratch_dir;
        write_session(dir_->path() / "session");
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static fs::path session() { return dir_->path() / "session"; }
    static test::scratch_dir* dir_;
};

test::scratch_dir* GuestTscSession::dir_ = nullptr;

TEST_F(GuestTscSession, ConvertedGuestEventsFallWhereTheirVcpuRuns) {
    const outcome o = read_session(session(), true);
    EXPECT_TRUE(o.guest_on_host_tsc);
    const auto& not_running = audit_row(o, "guest events while their vCPU was not running");
    EXPECT_EQ(u(not_running[1]), 0u);
    EXPECT_EQ(std::get<std::string>(not_running[2]), "ok");
    EXPECT_TRUE(std::get<std::string>(not_running[3]).starts_with("5 guest events checked"))
        << std::get<std::string>(not_running[3]);
    EXPECT_EQ(u(audit_row(o, "guest events outside")[1]), 0u);
    EXPECT_EQ(u(audit_row(o, "sources not on the host TSC")[1]), 0u);
}

TEST_F(GuestTscSession, WithoutConversionTheAuditFails) {
    const outcome o = read_session(session(), false);
    EXPECT_FALSE(o.guest_on_host_tsc);
    const auto& not_running = audit_row(o, "guest events while their vCPU was not running");
    EXPECT_EQ(u(not_running[1]), 5u);
    EXPECT_EQ(std::get<std::string>(not_running[2]), "VIOLATION");
    EXPECT_EQ(u(audit_row(o, "sources not on the host TSC")[1]), 1u);
}

TEST_F(GuestTscSession, SvmExitsPerReasonWithNames) {
    const outcome o = read_session(session(), true);
    // domain, vcpu, kind, reason, code, count, time, avg, ... in cycles.
    std::map<std::string, std::vector<cell>> by_reason;
    for (const auto& r : o.rows.at("hvm_exits"))
        by_reason[std::get<std::string>(r[3])] = r;
    ASSERT_EQ(by_reason.size(), 3u);
    const auto& cpuid = by_reason.at("cpuid");
    EXPECT_EQ(u(cpuid[0]), 5u);
    EXPECT_EQ(std::get<std::string>(cpuid[2]), "svm");
    EXPECT_EQ(std::get<std::int64_t>(cpuid[4]), 114);
    EXPECT_EQ(u(cpuid[5]), 2u);   // count
    EXPECT_EQ(u(cpuid[6]), 400u); // 100 + 300
    EXPECT_EQ(u(cpuid[7]), 200u); // average
    EXPECT_EQ(u(by_reason.at("vmmcall")[6]), 400u);
    EXPECT_EQ(u(by_reason.at("ioio")[6]), 50u);
}

} // namespace
} // namespace ltt::viewer
