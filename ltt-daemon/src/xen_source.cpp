#include "xen_source.hpp"

#include "buffer_check.hpp"
#include "log.hpp"

#include <ltt/packet.h>
#include <ltt/ring_layout.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <span>
#include <string>
#include <vector>

namespace lttd {

namespace {

// What `create --source xen` gets without --subbuf-size/--subbufs: 2 MiB
// per physical CPU, enough for about a second of a busy CPU's records.
constexpr std::uint64_t default_subbuf_size = 128 * 1024;
constexpr std::uint32_t default_subbufs = 16;
constexpr std::uint32_t max_cpus = 4096;

// Whether a session of this lttd holds Xen's buffers (set them up or
// adopted them): buffers recording in overwrite mode are adopted only when
// none does, so a second session never takes over a first one's flight
// recorder (sessions may be created from several threads).
std::atomic<bool> buffers_held{false};

std::string facility_name(const xen::ltt_facility& f) {
    return std::string(f.name, strnlen(f.name, sizeof f.name));
}

} // namespace

xen_source::~xen_source() {
    teardown();
}

void xen_source::fail(const char* what, int err) const {
    throw source_error(xen::xen_control::describe(what, err));
}

void xen_source::take_channel(const xen::query_result& r) {
    const auto& q = r.q;
    if (q.cpu_khz == 0)
        throw source_error("source xen: Xen reports a TSC frequency of 0 kHz");
    if (q.nr_cpus == 0 || q.nr_cpus > max_cpus)
        throw source_error(fmt::format("source xen: Xen reports {} CPUs", q.nr_cpus));
    if (q.header_type > 1)
        throw source_error(fmt::format("source xen: unknown event header type {}", q.header_type));
    if (r.facilities.size() != q.nr_facilities || r.facilities.empty())
        throw source_error(fmt::format("source xen: Xen lists {} of {} facilities",
                                       r.facilities.size(), q.nr_facilities));
    channel_ = {};
    channel_.name = "xen";
    channel_.domain = ltt::layer::xen;
    channel_.xen_domid = xen::domid_xen;
    channel_.domain_name = "hypervisor";
    channel_.trace_subdir = "hypervisor";
    channel_.stream_prefix = "xen_";
    channel_.tsc_hz = q.cpu_khz * 1000;
    channel_.header =
        q.header_type ? ltt::event_header_kind::large : ltt::event_header_kind::compact;
    // Xen numbers the events of its facilities one after the other, in its
    // build's order: the list must say so, or the ids mean something else.
    std::uint32_t next = 0;
    for (const auto& f : r.facilities) {
        const std::string name = facility_name(f);
        if (name.empty() || name.size() == sizeof f.name)
            throw source_error("source xen: a facility name from Xen is empty or unterminated");
        if (f.base != next || f.nr_events == 0 || f.nr_events > q.nr_events - next)
            throw source_error(fmt::format("source xen: facility {} has ids {}..{}, expected "
                                           "them to start at {} and end below {}",
                                           name, f.base, f.base + f.nr_events, next, q.nr_events));
        channel_.facilities.push_back({name, ltt::layer::xen, f.checksum, f.base, f.nr_events});
        next += f.nr_events;
    }
    if (next != q.nr_events)
        throw source_error(fmt::format("source xen: the facilities cover {} of Xen's {} event ids",
                                       next, q.nr_events));
}

void xen_source::setup(const requested_geometry& geometry) {
    try {
        xc_ = std::make_unique<xen::xen_control>();
        xen::query_result r;
        if (const int err = xc_->query(r, true))
            fail("source xen: query", err);
        take_channel(r);
        nr_cpus_ = r.q.nr_cpus;
        if (r.q.state != static_cast<std::uint32_t>(xen::ltt_state::none)) {
            // Xen's boot buffers (ltt_boot=), or a flight recorder an lttd
            // that is gone left recording: adopted, unless one of our own
            // sessions holds them.
            const bool adoptable =
                r.q.state == static_cast<std::uint32_t>(xen::ltt_state::started) && r.q.mode == 1;
            if (!adoptable || buffers_held.exchange(true))
                fail("source xen: setup", EEXIST);
            holds_ = true;
            adopt(r, geometry);
            return;
        }
        if (buffers_held.exchange(true))
            fail("source xen: setup", EEXIST);
        holds_ = true;

        const std::uint64_t size = geometry.subbuf_size.value_or(default_subbuf_size);
        const std::uint32_t count = geometry.subbufs.value_or(default_subbufs);
        const ltt::ring_mode mode = geometry.mode.value_or(ltt::ring_mode::discard);
        channel_.subbuf_order = static_cast<std::uint32_t>(std::countr_zero(size));
        channel_.nr_subbufs_order = static_cast<std::uint32_t>(std::countr_zero(count));
        channel_.mode = mode;
        channel_.uuid = ltt::random_uuid();

        // Xen's enable map outlives sessions: start from nothing enabled.
        if (const int err = xc_->events(false, xen::events_all, 0))
            fail("source xen: disable all events", err);
        enabled_.assign(r.q.nr_events, false);
        in_xen_.assign(r.q.nr_events, false);

        fm_ = std::make_unique<xen::foreign_memory>();
        // Bound before the buffers exist, so no notification is missed.
        virq_ = std::make_unique<xen::virq_channel>(xen::virq_ltt);

        xen::ltt_setup s{};
        s.subbuf_size = size;
        s.nr_subbufs = count;
        s.mode = mode == ltt::ring_mode::overwrite ? 1 : 0;
        // lttd's periodic flush closes slow CPUs' sub-buffers (discard);
        // a flight recorder closes them at snapshot time.
        s.switch_timer_ms = 0;
        std::memcpy(s.uuid, channel_.uuid.data(), sizeof s.uuid);
        if (const int err = xc_->setup(s))
            fail(fmt::format("source xen: setup of {} x {} byte sub-buffers per CPU, {} mode",
                             count, size, to_string(mode))
                     .c_str(),
                 err);
        owner_ = true;

        xen::query_result now;
        if (const int err = xc_->query(now, false))
            fail("source xen: query after setup", err);
        generation_ = now.q.generation;
        ctl_pages_ = now.q.ctl_pages;
        data_pages_ = now.q.data_pages;
        if (now.q.subbuf_order != channel_.subbuf_order ||
            now.q.nr_subbufs_order != channel_.nr_subbufs_order)
            throw source_error("source xen: Xen set up another geometry than asked for");
        map_all_cpus();
        log("source xen: {} CPU buffers of {} x {} bytes, TSC {} kHz, {} facilities, {} events",
            cpus_.size(), count, size, r.q.cpu_khz, channel_.facilities.size(), r.q.nr_events);
    } catch (...) {
        teardown();
        throw;
    }
}

void xen_source::adopt(const xen::query_result& r, const requested_geometry& geometry) {
    const auto& q = r.q;
    const std::uint64_t size = std::uint64_t{1} << q.subbuf_order;
    const std::uint32_t count = 1u << q.nr_subbufs_order;
    // What the session asked for must be what Xen has: silently recording
    // into another geometry or mode than the one asked for is not adopting.
    if ((geometry.mode && *geometry.mode != ltt::ring_mode::overwrite) ||
        (geometry.subbuf_size && *geometry.subbuf_size != size) ||
        (geometry.subbufs && *geometry.subbufs != count)) {
        std::vector<std::string> asked;
        if (geometry.mode)
            asked.push_back(fmt::format("{} mode", to_string(*geometry.mode)));
        if (geometry.subbufs)
            asked.push_back(fmt::format("{} sub-buffers", *geometry.subbufs));
        if (geometry.subbuf_size)
            asked.push_back(fmt::format("{} byte sub-buffers", *geometry.subbuf_size));
        throw source_error(fmt::format(
            "source xen: Xen records from boot (ltt_boot=) into {} x {} byte sub-buffers per "
            "CPU, overwrite mode; the session asks for {}: leave the geometry out to adopt "
            "Xen's buffers",
            count, size, fmt::join(asked, ", ")));
    }
    if (r.enabled.size() != q.nr_events)
        throw source_error(fmt::format("source xen: Xen lists {} of its {} events' enable flags",
                                       r.enabled.size(), q.nr_events));
    channel_.subbuf_order = q.subbuf_order;
    channel_.nr_subbufs_order = q.nr_subbufs_order;
    channel_.mode = ltt::ring_mode::overwrite;
    std::memcpy(channel_.uuid.data(), q.uuid, sizeof q.uuid);
    generation_ = q.generation;
    ctl_pages_ = q.ctl_pages;
    data_pages_ = q.data_pages;
    enabled_.assign(r.enabled.begin(), r.enabled.end());
    in_xen_ = enabled_;
    adopted_events_ = enabled_;
    fm_ = std::make_unique<xen::foreign_memory>();
    virq_ = std::make_unique<xen::virq_channel>(xen::virq_ltt);
    // This session's from its start on (its teardown then frees them);
    // until then a teardown (a create failing later, a destroy before
    // start) leaves them recording as they were.
    owner_ = true;
    adopted_running_ = true;
    map_all_cpus();
    log("source xen: adopted the buffers Xen records into from boot: {} CPUs, {} x {} bytes, "
        "overwrite mode, {} of {} events enabled",
        cpus_.size(), count, size, std::count(enabled_.begin(), enabled_.end(), true), q.nr_events);
}

void xen_source::map_all_cpus() {
    for (std::uint32_t cpu = 0; cpu < nr_cpus_; cpu++)
        map_cpu(cpu);
    if (cpus_.empty())
        throw source_error("source xen: no CPU has a buffer after setup");
}

bool xen_source::map_cpu(std::uint32_t cpu) {
    if (cpus_.contains(cpu))
        return true;
    xen::ltt_cpu_info info{};
    std::vector<std::uint64_t> mfns;
    const int err = xc_->cpu_info(cpu, info, mfns);
    if (err == ENXIO)
        return false;
    if (err)
        fail(fmt::format("source xen: cpu_info of CPU {}", cpu).c_str(), err);
    if (info.ctl_pages != ctl_pages_ || info.data_pages != data_pages_)
        throw source_error(fmt::format("source xen: CPU {} has {} control and {} data pages, the "
                                       "query said {} and {}",
                                       cpu, info.ctl_pages, info.data_pages, ctl_pages_,
                                       data_pages_));
    const std::span<const std::uint64_t> all(mfns);
    const std::string what = fmt::format("source xen: CPU {}", cpu);
    cpu_pages p{
        xen::foreign_pages(*fm_, all.subspan(0, info.ctl_pages), false,
                           (what + " control pages").c_str()),
        xen::foreign_pages(*fm_, all.subspan(info.ctl_pages, 1), true,
                           (what + " consumer page").c_str()),
        xen::foreign_pages(*fm_, all.subspan(info.ctl_pages + 1, info.data_pages), false,
                           (what + " data pages").c_str()),
    };
    // Read-only for us, written by Xen: still checked, because the reader
    // and the packet copies are sized from the channel.
    if (auto why = check_buffer_header(static_cast<const ltt_buf_ctl*>(p.ctl.data()), cpu, channel_,
                                       "Xen's setup", fmt::format("lttd asked for CPU {}", cpu)))
        throw source_error(fmt::format("source xen: CPU {}'s control page: {}", cpu, *why));
    cpus_.emplace(cpu, std::move(p));
    return true;
}

int xen_source::call_retrying(xen::ltt_cmd cmd) {
    int err = 0;
    for (int i = 0; i < 20; i++) {
        if ((err = xc_->simple(cmd)) != EBUSY)
            return err;
        ::poll(nullptr, 0, 100); // a CPU hotplug operation is in progress
    }
    return err;
}

void xen_source::teardown() noexcept {
    cpus_.clear(); // unmapped first: Xen refuses to free mapped pages
    if (xc_ && owner_ && !adopted_running_) {
        if (const int err = call_retrying(xen::ltt_cmd::stop); err && err != ENODEV)
            log("{}", xen::xen_control::describe("source xen: stop", err));
        xc_->events(false, xen::events_all, 0);
        if (const int err = call_retrying(xen::ltt_cmd::teardown); err && err != ENODEV)
            log("{}; Xen keeps its trace buffers: `ltt-xenctl teardown` frees them",
                xen::xen_control::describe("source xen: teardown", err));
    }
    owner_ = false;
    started_ = false;
    adopted_running_ = false;
    if (holds_)
        buffers_held = false;
    holds_ = false;
    virq_.reset();
    fm_.reset();
    xc_.reset();
}

std::vector<buffer_view> xen_source::buffers() const {
    std::vector<buffer_view> out;
    for (const auto& [cpu, p] : cpus_)
        out.push_back(*buffer(cpu));
    return out;
}

std::optional<buffer_view> xen_source::buffer(std::uint32_t cpu) const {
    const auto it = cpus_.find(cpu);
    if (it == cpus_.end())
        return std::nullopt;
    const cpu_pages& p = it->second;
    return buffer_view{cpu,           p.ctl.data(),  p.ctl.bytes(),
                       p.cons.data(), p.data.data(), p.data.bytes()};
}

std::vector<int> xen_source::poll_fds() const {
    if (!virq_)
        return {};
    return {virq_->fd()};
}

std::vector<source_event> xen_source::handle_readable(int fd) {
    std::vector<source_event> events;
    if (!virq_ || fd != virq_->fd())
        return events;
    virq_->acknowledge();
    events.push_back({source_event::kind::data, 0, {}});
    // A CPU that came online got its buffer: the generation tells.
    xen::query_result r;
    if (const int err = xc_->query(r, false)) {
        events.push_back(
            {source_event::kind::problem, 0, xen::xen_control::describe("source xen: query", err)});
        return events;
    }
    if (r.q.state == static_cast<std::uint32_t>(xen::ltt_state::none)) {
        events.push_back({source_event::kind::vanished, 0,
                          "source xen: Xen's trace buffers were torn down by someone else"});
        return events;
    }
    if (r.q.generation == generation_)
        return events;
    generation_ = r.q.generation;
    nr_cpus_ = std::max(nr_cpus_, std::min(r.q.nr_cpus, max_cpus));
    for (std::uint32_t cpu = 0; cpu < nr_cpus_; cpu++) {
        if (cpus_.contains(cpu))
            continue;
        try {
            if (map_cpu(cpu))
                events.push_back({source_event::kind::buffer_added, cpu, {}});
        } catch (const source_error& e) {
            events.push_back({source_event::kind::problem, cpu, e.what()});
        }
    }
    return events;
}

std::vector<int> xen_source::flush(const std::vector<std::uint32_t>& cpus, flush_kind kind) {
    if (cpus.empty())
        return {};
    if (!xc_)
        return std::vector<int>(cpus.size(), flush_failed);
    // One sysctl switches every CPU's sub-buffer, on that CPU.
    std::uint32_t closed = 0;
    const int err = xc_->flush(kind == flush_kind::empty ? xen::flush_empty : 0, closed);
    if (err && err != ENODEV)
        log("{}", xen::xen_control::describe("source xen: flush", err));
    return std::vector<int>(cpus.size(), err == ENODEV ? flush_failed
                                         : err         ? 0
                                         : closed > 0  ? 1
                                                       : 0);
}

void xen_source::apply_events() {
    const auto all = [&](bool v) {
        return std::all_of(enabled_.begin(), enabled_.end(), [v](bool b) { return b == v; });
    };
    // One sysctl for "all" or "none"; one per changed event otherwise.
    if (all(true) || all(false)) {
        const bool on = all(true);
        if (const int err = xc_->events(on, xen::events_all, 0))
            fail(on ? "source xen: enable all" : "source xen: disable all", err);
        in_xen_.assign(in_xen_.size(), on);
        return;
    }
    for (std::uint32_t id = 0; id < enabled_.size(); id++) {
        if (enabled_[id] == in_xen_[id])
            continue;
        if (const int err = xc_->events(enabled_[id], xen::events_event, id))
            fail(fmt::format("source xen: {} event {}", enabled_[id] ? "enable" : "disable", id)
                     .c_str(),
                 err);
        in_xen_[id] = enabled_[id];
    }
}

void xen_source::set_events(const std::vector<bool>& enabled) {
    if (enabled.size() != enabled_.size())
        throw source_error(fmt::format("source xen: {} event flags for {} events", enabled.size(),
                                       enabled_.size()));
    const std::vector<bool> before = enabled_;
    enabled_ = enabled;
    if (!started_)
        return;
    try {
        apply_events();
    } catch (const source_error&) {
        enabled_ = before; // Xen's map is in_xen_: the next apply catches up
        throw;
    }
}

void xen_source::start() {
    apply_events();
    if (adopted_running_) {
        // Recording since boot: go on, with the state as it is now (a
        // restart would write the statedump too, but stop recording first).
        adopted_running_ = false;
        started_ = true;
        if (const int err = xc_->simple(xen::ltt_cmd::statedump))
            fail("source xen: statedump", err);
        return;
    }
    // Xen writes its statedump (domains, vCPUs, event channels) right after.
    if (const int err = xc_->simple(xen::ltt_cmd::start))
        fail("source xen: start", err);
    started_ = true;
}

void xen_source::stop() {
    if (!xc_)
        return;
    if (const int err = call_retrying(xen::ltt_cmd::stop))
        fail("source xen: stop", err);
    started_ = false;
}

void xen_source::refresh_state() {
    // Only while recording: Xen writes nothing otherwise.
    if (!started_)
        return;
    if (const int err = xc_->simple(xen::ltt_cmd::statedump))
        fail("source xen: statedump", err);
}

void xen_source::release(std::uint32_t cpu) {
    cpus_.erase(cpu);
}

subbuf_lender* xen_source::lender() noexcept {
    return channel_.mode == ltt::ring_mode::overwrite ? this : nullptr;
}

std::optional<lent_subbuf> xen_source::get(std::uint32_t cpu) {
    xen::ltt_subbuf sb{};
    const int err = xc_->get_subbuf(cpu, sb);
    if (err == ENODATA)
        return std::nullopt;
    // Held, but its packet is corrupt: put() skips it (and fails if Xen
    // held nothing, which breaks the buffer).
    if (err == EIO) {
        // Xen answers -EIO also when its own reader found the positions
        // insane and holds nothing: a put then says so (-EINVAL).
        return lent_subbuf{sb.offset, 0, sb.seq, true};
    }
    if (err)
        fail(fmt::format("source xen: get_subbuf of CPU {}", cpu).c_str(), err);
    return lent_subbuf{sb.offset, sb.size, sb.seq, false};
}

void xen_source::put(std::uint32_t cpu) {
    const int err = xc_->simple(xen::ltt_cmd::put_subbuf, cpu);
    if (err == EINVAL)
        throw source_error(fmt::format("source xen: Xen's overwrite-mode reader of CPU {} finds "
                                       "its positions insane and holds nothing (get_subbuf "
                                       "answered EIO); the CPU is no longer read",
                                       cpu));
    if (err)
        fail(fmt::format("source xen: put_subbuf of CPU {}", cpu).c_str(), err);
}

} // namespace lttd
