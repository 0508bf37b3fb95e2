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
//   1'004'060, 1'004'070  vector 243 injected into d5v0
//   1'005'000  running -> blocked   1'007'900 -> runnable   1'008'000 -> running
//   1'009'000  running -> blocked   1'010'000 -> runnable
// The guest's five events, at host 1'000'500, 1'001'500, 1'002'500,
// 1'004'500 and 1'008'500 (while d5v0 runs), carry guest times 100'500,
// 101'500, 102'500, 104'500 and 108'500. Converted, all five fall where
// Xen says d5v0 runs: 5 checked, 0 violations. Merged as recorded they
// fall between 100'050 and 1'000'000, where d5v0 is blocked: 5 violations.
#include "analyses/guest_interrupts.hpp"
#include "analyses/hvm_exits.hpp"
#include "analyses/time_audit.hpp"
#include "analyses/timeline.hpp"
#include "child_process.hpp"
#include "core/event_class.hpp"
#include "core/timeline.hpp"
#include "merge/merger.hpp"
#include "readers/open.hpp"
#include "scratch_dir.hpp"
#include "state/cpu_tracker.hpp"
#include "time/guest_tsc_conversion.hpp"

#include "session_writer.hpp"

#include <kernel/facilities.hpp>
#include <xen/facilities.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t tsc_hz = 1'000'000'000;
constexpr std::int64_t guest_offset = -900'000;
constexpr std::uint8_t running = 0, runnable = 1, blocked = 2;
constexpr std::int16_t svm_cpuid = 114, svm_ioio = 123, svm_vmmcall = 129;

// What the hypervisor trace says about domain 5's TSC.
enum class guest_clock {
    params,    // tsc_params as above
    no_params, // domain_create says PVH, no tsc_params
    emulated,  // tsc_params with emulated=1
};

void write_session(const fs::path& root, guest_clock clock_kind = guest_clock::params) {
    ltt::uuid clock{};
    for (std::size_t i = 0; i < clock.size(); ++i)
        clock[i] = static_cast<std::uint8_t>(0x40 + i);
    synth::channel_writer hv(root, "hypervisor", ltt::layer::xen, 32754, ltt::facility_sets::xen,
                             fs::path(LTT_CTF_DIR) / "xen", clock, tsc_hz, 64 * 1024);
    synth::channel_writer guest(root, "domU-5/kernel", ltt::layer::kernel, 5,
                                ltt::facility_sets::kernel, fs::path(LTT_CTF_DIR) / "kernel", clock,
                                tsc_hz, 64 * 1024);
    const auto params = [&](std::uint64_t at, std::uint16_t dom, std::int64_t offset,
                            std::uint8_t emulated) {
        ltt::payload_writer p;
        p.put(dom)
            .put(std::uint16_t{0})
            .put(std::uint64_t{1})
            .put(std::uint8_t{0})
            .put(offset)
            .put(emulated);
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
    if (clock_kind == guest_clock::no_params) {
        ltt::payload_writer p; // dom 5, PVH, 1 vCPU, not privileged
        p.put(std::uint16_t{5}).put(std::uint8_t{2}).put(std::uint32_t{1}).put(std::uint8_t{0});
        hv.add(0, 100'000, "domain_create", p);
    } else {
        params(100'000, 5, guest_offset, clock_kind == guest_clock::emulated ? 1 : 0);
    }
    params(100'010, 0, 0, 0);
    change(100'050, running, blocked);
    change(1'000'000, blocked, runnable);
    change(1'000'100, runnable, running);
    exit(1'001'000, svm_vmmcall, 400);
    exit(1'002'000, svm_cpuid, 100);
    exit(1'003'000, svm_cpuid, 300);
    exit(1'004'000, svm_ioio, 50);
    for (const std::uint64_t at : {1'004'060, 1'004'070}) {
        ltt::payload_writer p; // vector 243, source lapic (1), event injection (0)
        p.put(std::uint16_t{5})
            .put(std::uint16_t{0})
            .put(std::uint8_t{243})
            .put(std::uint8_t{1})
            .put(std::uint8_t{0});
        hv.add(0, at, "hvm_intr_inject", p);
    }
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
    guest_interrupts injected(context);
    merger merge(in.streams);
    event e;
    while (merge.next(e)) {
        cpus.update(e);
        audit.on_event(e);
        exits.on_event(e);
        injected.on_event(e);
    }
    for (result r : {audit.finish(), exits.finish(), injected.finish()})
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
    // p5, p50, p95, p99: ranks 2*p/100 (0-based) of {100, 300}: 0, 1, 1, 1.
    EXPECT_EQ(u(cpuid[8]), 100u);
    EXPECT_EQ(u(cpuid[9]), 300u);
    EXPECT_EQ(u(cpuid[10]), 300u);
    EXPECT_EQ(u(cpuid[11]), 300u);
    EXPECT_EQ(u(cpuid[12]), 200u); // avg_cycles
    EXPECT_EQ(u(by_reason.at("vmmcall")[6]), 400u);
    EXPECT_EQ(u(by_reason.at("ioio")[6]), 50u);

    const auto& vectors = o.rows.at("guest_interrupt_vectors");
    ASSERT_EQ(vectors.size(), 1u);
    EXPECT_EQ(u(vectors[0][0]), 5u);
    EXPECT_EQ(u(vectors[0][2]), 243u);
    EXPECT_EQ(u(vectors[0][3]), 2u);
}

// A PVH domain without tsc_params, and one whose TSC Xen emulates: left on
// the guest TSC with a notice; its raw times fall where d5v0 is blocked.
TEST(GuestTscUnconverted, PvhWithoutParamsAndEmulatedStayOnGuestTsc) {
    for (const auto& [kind, says] :
         {std::pair{guest_clock::no_params, "domain 5 is PVH but the hypervisor trace has no "
                                            "tsc_params"},
          std::pair{guest_clock::emulated, "Xen emulates domain 5's TSC"}}) {
        test::scratch_dir dir;
        write_session(dir.path() / "session", kind);
        const outcome o = read_session(dir.path() / "session", true);
        EXPECT_FALSE(o.guest_on_host_tsc) << says;
        EXPECT_EQ(u(audit_row(o, "sources not on the host TSC")[1]), 1u) << says;
        EXPECT_EQ(u(audit_row(o, "guest events while their vCPU was not running")[1]), 5u) << says;
        bool said = false;
        for (const std::string& n : o.notices)
            said = said || n.find(says) != std::string::npos;
        EXPECT_TRUE(said) << says;
    }
}

// What the timeline hands a renderer: lanes, exit slices, guest events.
struct recorded_timeline final : timeline_sink {
    std::map<std::uint32_t, timeline_lane> lanes;
    std::vector<std::tuple<std::uint32_t, std::uint64_t, std::uint64_t, std::string>> exits;
    std::map<std::uint32_t, std::vector<std::uint64_t>> guest_events; // by lane
    void lane(const timeline_lane& l) override { lanes[l.id] = l; }
    void slice(const timeline_slice& s) override {
        if (s.kind == mark_kind::exit)
            exits.emplace_back(s.lane, s.start, s.end, std::string(s.label));
    }
    void instant(const timeline_instant&) override {}
    void lane_event(std::uint32_t lane, const event& e) override {
        if (e.source().layer == ltt::layer::kernel)
            guest_events[lane].push_back(e.ts);
    }
};

TEST_F(GuestTscSession, TimelineHasGuestEventsAtHostTimeAndSvmExitNames) {
    class_registry classes;
    read_options options;
    opened_inputs in = open_inputs({session().string()}, classes, options);
    guest_tsc_conversion tsc(in, classes, options);
    cpu_tracker cpus(classes);
    analysis_context context{&classes, in.unit, in.freq_hz, &cpus, {}};
    for (const auto& r : in.readers)
        context.sources.push_back(&r->source());
    recorded_timeline sink;
    timeline t(context, sink);
    merger merge(in.streams);
    event e;
    while (merge.next(e)) {
        cpus.update(e);
        t.on_event(e);
    }
    t.finish();
    ASSERT_EQ(sink.guest_events.size(), 1u);
    const timeline_lane& vcpu = sink.lanes.at(sink.guest_events.begin()->first);
    EXPECT_EQ(vcpu.kind, lane_kind::vcpu);
    EXPECT_EQ(vcpu.domid, 5u);
    EXPECT_EQ(vcpu.cpu, 0u);
    EXPECT_EQ(sink.guest_events.begin()->second,
              (std::vector<std::uint64_t>{1'000'500, 1'001'500, 1'002'500, 1'004'500, 1'008'500}));
    std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string>> exits;
    for (const auto& [lane, start, end, label] : sink.exits) {
        EXPECT_EQ(sink.lanes.at(lane).kind, lane_kind::physical_cpu);
        exits.emplace_back(start, end, label);
    }
    EXPECT_EQ(exits, (std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string>>{
                         {1'001'000, 1'001'400, "exit vmmcall"},
                         {1'002'000, 1'002'100, "exit cpuid"},
                         {1'003'000, 1'003'300, "exit cpuid"},
                         {1'004'000, 1'004'050, "exit ioio"}}));
}

// `ltt-view COMMAND --json SESSION [EXTRA]`'s document.
nlohmann::json view_json(const fs::path& session, const std::string& command,
                         const std::vector<std::string>& extra = {}) {
    const char* view = std::getenv("LTT_VIEW");
    if (view == nullptr)
        throw std::runtime_error("LTT_VIEW is not set");
    std::vector<std::string> argv{view, command, "--json", session.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    test::scratch_dir scratch;
    const test::child_result r = test::run_child(argv, scratch.path());
    if (r.exit_status != 0)
        throw std::runtime_error("ltt-view failed: " + r.err);
    return nlohmann::json::parse(r.out);
}

// The rows of table `table` of analysis `analysis` in a JSON document.
nlohmann::json json_rows(const nlohmann::json& doc, const std::string& analysis,
                         const std::string& table) {
    for (const auto& r : doc["results"])
        if (r["analysis"] == analysis)
            for (const auto& t : r["tables"])
                if (t["name"] == table)
                    return t["rows"];
    return nlohmann::json::array();
}

// What the e2e reads: the audit's guest_events row and summary's exit rows.
TEST_F(GuestTscSession, CommandLineJson) {
    const nlohmann::json audit = view_json(session(), "audit");
    const nlohmann::json guests = json_rows(audit, "audit", "guest_events");
    ASSERT_EQ(guests.size(), 1u);
    EXPECT_EQ(guests[0]["domain"], 5);
    EXPECT_EQ(guests[0]["source_clock"], "host TSC");
    EXPECT_EQ(guests[0]["checked"], 5);
    EXPECT_EQ(guests[0]["while_not_running"], 0);
    bool converted_notice = false;
    for (const auto& n : audit["notices"])
        converted_notice = converted_notice ||
                           n.get<std::string>().find("guest TSC converted") != std::string::npos;
    EXPECT_TRUE(converted_notice) << audit["notices"].dump();

    const nlohmann::json raw = view_json(session(), "audit", {"--no-tsc-convert"});
    const nlohmann::json raw_guests = json_rows(raw, "audit", "guest_events");
    ASSERT_EQ(raw_guests.size(), 1u);
    EXPECT_EQ(raw_guests[0]["source_clock"], "guest TSC, not converted");
    EXPECT_EQ(raw_guests[0]["checked"], 5);
    EXPECT_EQ(raw_guests[0]["while_not_running"], 5);

    const nlohmann::json summary = view_json(session(), "summary");
    EXPECT_EQ(summary["results"][0]["analysis"], "audit");
    std::map<std::string, nlohmann::json> exits;
    for (const auto& r : json_rows(summary, "hvm_exits", "hvm_exits"))
        if (r["domain"] == 5 && r["vcpu"] == 0)
            exits[r["reason"].get<std::string>()] = r;
    ASSERT_EQ(exits.size(), 3u);
    EXPECT_EQ(exits["cpuid"]["kind"], "svm");
    EXPECT_EQ(exits["cpuid"]["code"], 114);
    EXPECT_EQ(exits["cpuid"]["count"], 2);
    EXPECT_EQ(exits["cpuid"]["avg_cycles"], 200);
    // Times in seconds at 1 GHz: 400 cycles, p99 300 cycles.
    EXPECT_DOUBLE_EQ(exits["cpuid"]["time"].get<double>(), 400e-9);
    EXPECT_DOUBLE_EQ(exits["cpuid"]["p99"].get<double>(), 300e-9);
    EXPECT_EQ(exits["vmmcall"]["count"], 1);
    EXPECT_EQ(exits["ioio"]["avg_cycles"], 50);
}

// A guest trace whose events come before the hypervisor trace's
// domain_create of their domain (as an unconverted PVH trace does): the
// audit calls them violations, not merely "not checkable". Domain 7 is
// created at 50,000 and runs from 50,010; its kernel recorded at 10,000 and
// 20,000 (before) and 60,000 (after, while running).
TEST(GuestTscAudit, EventsBeforeTheirDomainWasCreatedAreViolations) {
    test::scratch_dir dir;
    const fs::path root = dir.path() / "session";
    ltt::uuid clock{};
    for (std::size_t i = 0; i < clock.size(); ++i)
        clock[i] = static_cast<std::uint8_t>(0x50 + i);
    {
        synth::channel_writer hv(root, "hypervisor", ltt::layer::xen, 32754,
                                 ltt::facility_sets::xen, fs::path(LTT_CTF_DIR) / "xen", clock,
                                 tsc_hz, 64 * 1024);
        synth::channel_writer guest(root, "domU-7/kernel", ltt::layer::kernel, 7,
                                    ltt::facility_sets::kernel, fs::path(LTT_CTF_DIR) / "kernel",
                                    clock, tsc_hz, 64 * 1024);
        ltt::payload_writer start; // statedump of nothing: the trace's first event
        hv.add(0, 5'000, "domain_statedump_start", start);
        ltt::payload_writer create; // dom 7, PV, 1 vCPU, not privileged
        create.put(std::uint16_t{7})
            .put(std::uint8_t{1})
            .put(std::uint32_t{1})
            .put(std::uint8_t{0});
        hv.add(0, 50'000, "domain_create", create);
        ltt::payload_writer run;
        run.put(std::uint16_t{7}).put(std::uint16_t{0}).put(runnable).put(running);
        hv.add(0, 50'010, "runstate_change", run);
        ltt::payload_writer end;
        end.put(std::uint16_t{7}).put(std::uint16_t{0}).put(running).put(blocked);
        hv.add(0, 90'000, "runstate_change", end);
        for (const std::uint64_t at : {10'000, 20'000, 60'000}) {
            ltt::payload_writer p;
            p.put(std::uint32_t{1}); // softirq TIMER
            guest.add(0, at, "softirq_entry", p);
        }
        hv.close();
        guest.close();
    }
    const outcome o = read_session(root, true);
    const auto& created = audit_row(o, "guest events before their domain was created");
    EXPECT_EQ(u(created[1]), 2u);
    EXPECT_EQ(std::get<std::string>(created[2]), "VIOLATION");
    EXPECT_EQ(u(audit_row(o, "guest events while their vCPU was not running")[1]), 0u);
    bool found = false;
    for (const auto& row : o.rows.at("guest_events")) {
        if (u(row[0]) != 7)
            continue;
        found = true;
        EXPECT_EQ(u(row[2]), 1u); // checked: the event at 60,000
        EXPECT_EQ(u(row[4]), 0u); // not checkable: none left
        EXPECT_EQ(u(row[8]), 2u); // before_domain_created
    }
    EXPECT_TRUE(found);
}

} // namespace
} // namespace ltt::viewer
