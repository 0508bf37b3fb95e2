// irq_latency on a hand-built event sequence: a PV domU (domid 3) whose
// kernel trace is in the session, so every value is known by construction.
#include "analyses/irq_latency.hpp"
#include "core/event_class.hpp"
#include "state/cpu_tracker.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace ltt::viewer;

constexpr std::uint32_t domu = 3;

// A field's value: a number or a string.
using value = std::variant<std::int64_t, std::string>;

// The events of a session (the hypervisor on physical CPU 0, the domU's
// kernel on its vCPU 1), fed in time order to a cpu_tracker and the
// analysis as the merger would.
class session {
public:
    session() : cpus_(classes_) {
        xen_.layer = ltt::layer::xen;
        xen_.domain_name = "hypervisor";
        guest_.layer = ltt::layer::kernel;
        guest_.domid = domu;
        guest_.domain_name = "domU-3";
        xen_stream_.source = &xen_;
        guest_stream_.source = &guest_;
        guest_stream_.index = 1;
        context_.classes = &classes_;
        context_.cpus = &cpus_;
        context_.freq_hz = 1'000'000'000; // one cycle a nanosecond
        context_.sources = {&xen_, &guest_};
    }
    const analysis_context& context() const { return context_; }

    void xen(std::uint64_t ts, std::string_view name, std::map<std::string, value> f) {
        add(ts, ltt::layer::xen, name, std::move(f), xen_stream_, 0);
    }
    void guest(std::uint64_t ts, std::string_view name, std::map<std::string, value> f) {
        add(ts, ltt::layer::kernel, name, std::move(f), guest_stream_, 1);
    }
    result run(irq_latency& a) {
        for (const event& e : events_) {
            cpus_.update(e);
            a.on_event(e);
        }
        return a.finish();
    }

private:
    void add(std::uint64_t ts, ltt::layer l, std::string_view name, std::map<std::string, value> f,
             const stream_info& s, std::uint32_t cpu) {
        const event_class* c = classes_.find(l, name);
        EXPECT_NE(c, nullptr) << name;
        // The payload's encoding: fields in order, packed, little-endian,
        // strings NUL-terminated; fields not given are 0.
        std::vector<std::byte>& p = payloads_.emplace_back();
        for (const ltt::field_desc& fd : c->desc->fields) {
            const auto it = f.find(std::string(fd.name));
            if (fd.is_string()) {
                const std::string str = it != f.end() ? std::get<std::string>(it->second) : "";
                for (char ch : str)
                    p.push_back(static_cast<std::byte>(ch));
                p.push_back(std::byte{0});
                continue;
            }
            const std::int64_t v = it != f.end() ? std::get<std::int64_t>(it->second) : 0;
            for (std::uint32_t i = 0; i < fd.size; ++i)
                p.push_back(
                    static_cast<std::byte>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff));
        }
        events_.push_back({ts, c, &s, {p.data(), p.size()}, cpu});
    }

    class_registry classes_;
    cpu_tracker cpus_;
    source_info xen_, guest_;
    stream_info xen_stream_, guest_stream_;
    analysis_context context_;
    std::deque<std::vector<std::byte>> payloads_; // stable addresses
    std::vector<event> events_;
};

// The rows of a result's table as column name -> cell.
std::vector<std::map<std::string, cell>> rows(const result& r, std::string_view table_name) {
    std::vector<std::map<std::string, cell>> out;
    for (const table& t : r.tables) {
        if (t.name != table_name)
            continue;
        for (const auto& row : t.rows) {
            auto& m = out.emplace_back();
            for (std::size_t i = 0; i < row.size(); ++i)
                m[t.columns[i].name] = row[i];
        }
    }
    return out;
}

std::uint64_t u(const cell& c) {
    return std::get<std::uint64_t>(c);
}
std::string s(const cell& c) {
    return std::get<std::string>(c);
}

TEST(IrqLatency, DomUChainsByOriginAndTraceWindow) {
    session ss;
    constexpr std::int64_t running = 0, runnable = 1, blocked = 2;
    // Set pending before the domU's trace shows every stage: not followed.
    ss.xen(50, "evtchn_set_pending", {{"domid", domu}, {"port", 5}, {"vcpu", 1}});
    // ltt-guest's statedump: port 5 is irq 22 (blkif), port 7 irq 23 (resched1).
    ss.guest(100, "xen_evtchn_statedump_irq",
             {{"port", 5}, {"irq", 22}, {"type", 4}, {"cpu", 1}, {"name", std::string("blkif")}});
    ss.guest(
        101, "xen_evtchn_statedump_irq",
        {{"port", 7}, {"irq", 23}, {"type", 3}, {"cpu", 1}, {"name", std::string("resched1")}});
    ss.xen(200, "runstate_change",
           {{"domid", domu}, {"vcpu", 1}, {"old_state", running}, {"new_state", blocked}});
    // 1. dom0 notifies the blocked vCPU: every stage.
    ss.xen(1000, "evtchn_send", {{"domid", 0}, {"port", 9}});
    ss.xen(1010, "evtchn_set_pending", {{"domid", domu}, {"port", 5}, {"vcpu", 1}});
    ss.xen(1030, "runstate_change",
           {{"domid", domu}, {"vcpu", 1}, {"old_state", blocked}, {"new_state", runnable}});
    ss.xen(1100, "runstate_change",
           {{"domid", domu}, {"vcpu", 1}, {"old_state", runnable}, {"new_state", running}});
    ss.guest(1200, "xen_evtchn_upcall_entry", {{"vcpu", 1}});
    ss.guest(1210, "xen_evtchn_handle_port", {{"port", 5}, {"irq", 22}});
    ss.guest(1250, "irq_handler_entry", {{"irq", 22}, {"name", std::string("blkif")}});
    ss.guest(1400, "irq_handler_exit", {{"irq", 22}, {"ret", 1}});
    ss.guest(1410, "xen_evtchn_upcall_exit", {{"vcpu", 1}});
    // 2. the domU's own send (an IPI) to its running vCPU 1.
    ss.xen(2000, "evtchn_send", {{"domid", domu}, {"port", 4}});
    ss.xen(2005, "evtchn_set_pending", {{"domid", domu}, {"port", 7}, {"vcpu", 1}});
    ss.guest(2050, "xen_evtchn_upcall_entry", {{"vcpu", 1}});
    ss.guest(2060, "xen_evtchn_handle_port", {{"port", 7}, {"irq", 23}});
    ss.guest(2070, "irq_handler_entry", {{"irq", 23}, {"name", std::string("resched1")}});
    ss.guest(2100, "irq_handler_exit", {{"irq", 23}, {"ret", 1}});
    ss.guest(2110, "xen_evtchn_upcall_exit", {{"vcpu", 1}});
    // 3. a virq whose handler is running when the domU's trace ends.
    ss.xen(3000, "evtchn_set_pending", {{"domid", domu}, {"port", 5}, {"vcpu", 1}});
    ss.guest(3050, "xen_evtchn_upcall_entry", {{"vcpu", 1}});
    ss.guest(3060, "xen_evtchn_handle_port", {{"port", 5}, {"irq", 22}});
    ss.guest(3070, "irq_handler_entry", {{"irq", 22}, {"name", std::string("blkif")}});

    irq_latency a(ss.context());
    const result r = ss.run(a);

    const auto by_irq = rows(r, "by_irq");
    ASSERT_EQ(by_irq.size(), 2u);
    EXPECT_EQ(u(by_irq[0].at("domid")), domu);
    EXPECT_EQ(std::get<std::int64_t>(by_irq[0].at("irq")), 22);
    EXPECT_EQ(s(by_irq[0].at("handler")), "blkif");
    EXPECT_EQ(s(by_irq[0].at("origin")), "interdomain");
    EXPECT_EQ(u(by_irq[0].at("chains")), 1u);
    EXPECT_EQ(u(by_irq[0].at("max")), 400u); // send at 1000 to handler exit at 1400
    EXPECT_EQ(std::get<std::int64_t>(by_irq[1].at("irq")), 23);
    EXPECT_EQ(s(by_irq[1].at("origin")), "ipi/loopback");
    EXPECT_EQ(u(by_irq[1].at("max")), 100u);

    // Per stage, from the previous boundary: they add up to the totals.
    std::map<std::pair<std::int64_t, std::string>, std::uint64_t> stage;
    for (const auto& row : rows(r, "stages"))
        stage[{std::get<std::int64_t>(row.at("irq")), s(row.at("stage"))}] = u(row.at("max"));
    const std::map<std::pair<std::int64_t, std::string>, std::uint64_t> want{
        {{22, "xen"}, 10},     {{22, "wake"}, 20},     {{22, "schedule"}, 70},
        {{22, "upcall"}, 100}, {{22, "dispatch"}, 50}, {{22, "handler"}, 150},
        {{23, "xen"}, 5},      {{23, "upcall"}, 45},   {{23, "dispatch"}, 20},
        {{23, "handler"}, 30}};
    EXPECT_EQ(stage, want);

    // Coverage per origin: the virqs were set pending once outside the
    // domU's trace and once with the trace ending inside their handler.
    std::map<std::string, std::map<std::string, cell>> cov;
    for (const auto& row : rows(r, "coverage"))
        cov[s(row.at("origin"))] = row;
    ASSERT_EQ(cov.size(), 3u);
    EXPECT_EQ(u(cov["interdomain"].at("chained")), 1u);
    EXPECT_EQ(u(cov["ipi/loopback"].at("chained")), 1u);
    EXPECT_EQ(u(cov["virq"].at("interrupts")), 2u);
    EXPECT_EQ(u(cov["virq"].at("chained")), 0u);
    EXPECT_EQ(u(cov["virq"].at("ended_early")), 2u);
    EXPECT_EQ(u(cov["virq"].at("traced")), 1u);

    std::map<std::string, std::uint64_t> ended;
    for (const auto& row : rows(r, "ended_early")) {
        EXPECT_EQ(u(row.at("domid")), domu);
        EXPECT_EQ(s(row.at("origin")), "virq");
        ended[s(row.at("reason"))] = u(row.at("count"));
    }
    const std::map<std::string, std::uint64_t> want_ended{{"before the guest's trace began", 1},
                                                          {"trace ended inside the handler", 1}};
    EXPECT_EQ(ended, want_ended);
}

// ltt-guest unloads while a port is pending on a running vCPU: the guest
// handles it untraced, so every later notification of that port coalesces
// into the open chain. Each is classified by its own set_pending: the one
// before the guest's last event ended before its handler, the later ones
// fell after the guest's trace.
TEST(IrqLatency, NotificationsAfterTheGuestTraceEndedAreOutsideIt) {
    session ss;
    ss.guest(100, "xen_evtchn_statedump_irq",
             {{"port", 5}, {"irq", 22}, {"type", 4}, {"cpu", 1}, {"name", std::string("blkif")}});
    ss.xen(1000, "evtchn_set_pending", {{"domid", domu}, {"port", 5}, {"vcpu", 1}});
    ss.guest(1010, "xen_evtchn_upcall_entry", {{"vcpu", 1}}); // the guest's last event
    ss.xen(2000, "evtchn_set_pending", {{"domid", domu}, {"port", 5}, {"vcpu", 1}});
    ss.xen(3000, "evtchn_set_pending", {{"domid", domu}, {"port", 5}, {"vcpu", 1}});

    irq_latency a(ss.context());
    const result r = ss.run(a);

    std::map<std::string, std::uint64_t> ended;
    for (const auto& row : rows(r, "ended_early"))
        ended[s(row.at("reason"))] += u(row.at("count"));
    const std::map<std::string, std::uint64_t> want{{"trace ended before the handler", 1},
                                                    {"after the guest's trace ended", 2}};
    EXPECT_EQ(ended, want);
    const auto cov = rows(r, "coverage");
    ASSERT_EQ(cov.size(), 1u);
    EXPECT_EQ(u(cov[0].at("interrupts")), 3u);
    EXPECT_EQ(u(cov[0].at("chained")), 0u);
    EXPECT_EQ(u(cov[0].at("ended_early")), 3u);
}

} // namespace
