#include "guests/guest_source.hpp"

#include "buffer_check.hpp"
#include "directory_source.hpp"
#include "packet_body_check.hpp"

#include <lttd/directory_layout.hpp>

#include <ltt/directory_layout.h>
#include <ltt/guest_grant.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>

extern "C" {
#include <xenevtchn.h>
}

namespace lttd::guests {

namespace {

// The control page is shared with the guest: plain loads and stores
// through atomic_ref, so the compiler reads each word once.
template <class T> T load(T& word) {
    return std::atomic_ref<T>(word).load(std::memory_order_acquire);
}
template <class T> void store(T& word, T v) {
    std::atomic_ref<T>(word).store(v, std::memory_order_release);
}

} // namespace

// The description was validated: a kernel channel whose xen_domid is the
// guest's, so it is recorded as domU-<id>/kernel like any such channel.
// The guest writes its buffers as it likes: its packets' bodies are checked.
guest_source::guest_source(guest_description description)
    : desc_(std::move(description)), channel_(channel_info_of(desc_.channel)) {
    channel_.untrusted_bodies = true;
}

guest_source::~guest_source() {
    teardown();
}

std::string guest_source::description() const {
    return fmt::format("guest domU-{}", desc_.domid);
}

ltt_gg_control* guest_source::control() const noexcept {
    return static_cast<ltt_gg_control*>(control_.data());
}

void guest_source::setup(const requested_geometry& geometry) {
    if (geometry.mode && *geometry.mode != channel_.mode)
        throw source_error(fmt::format("{}: the guest records in {} mode, the session in {}",
                                       description(), to_string(channel_.mode),
                                       to_string(*geometry.mode)));
    // Before anything is mapped: a packet whose events lttd cannot decode
    // could not be checked, so such a guest is not recorded at all.
    try {
        packet_body_check check(channel_);
    } catch (const body_check_error& e) {
        throw source_error(fmt::format("domU {}: {}", desc_.domid, e.what()));
    }
    dev_ = std::make_unique<grant_device>();
    const std::uint32_t ctl_ref = desc_.control_ref;
    control_ = grant_mapping(*dev_, desc_.domid, {&ctl_ref, 1}, true, "the control page");
    // Read once, checked, never used again: the guest may rewrite them.
    if (load(control()->magic) != LTT_GG_MAGIC || load(control()->version) != LTT_GG_VERSION)
        throw source_error(fmt::format("domU {}: the control page's magic or version is not "
                                       "ltt-guest's (0x{:08x} version {})",
                                       desc_.domid, load(control()->magic),
                                       load(control()->version)));
    seq_ = load(control()->done_seq);
    store(control()->req_seq, seq_);
    const auto layout = ltt_dir_layout_for(channel_.subbuf_order, channel_.nr_subbufs_order);
    for (const auto& g : desc_.cpus) {
        // The list pages: read once, copied, unmapped.
        std::vector<std::uint32_t> refs;
        {
            const grant_mapping lists(*dev_, desc_.domid, g.list_refs, false,
                                      "a page of grant references");
            const auto* words = static_cast<const std::uint32_t*>(lists.data());
            refs.assign(words, words + g.pages);
        }
        cpu_mapping m;
        const auto what = fmt::format("vCPU {}'s buffer", g.cpu);
        m.all = grant_mapping(*dev_, desc_.domid, refs, false, what.c_str());
        const std::uint32_t cons_ref = refs[layout.cons_offset / grant_mapping::page_size];
        m.cons = grant_mapping(*dev_, desc_.domid, {&cons_ref, 1}, true,
                               "a consumer page (granted writable?)");
        const auto* base = static_cast<const std::byte*>(m.all.data());
        if (auto problem = check_buffer_file(base, m.all.bytes(), g.cpu, channel_))
            throw source_error(fmt::format("domU {}: vCPU {}: {}", desc_.domid, g.cpu, *problem));
        m.view.cpu = g.cpu;
        m.view.ctl = m.all.data();
        m.view.ctl_len = layout.cons_offset;
        m.view.cons = m.cons.data();
        m.view.data = static_cast<std::byte*>(m.all.data()) + layout.data_offset;
        m.view.data_len = layout.data_size;
        cpus_.emplace(g.cpu, std::move(m));
    }
    evtchn_ = xenevtchn_open(nullptr, 0);
    if (!evtchn_)
        throw source_error(
            fmt::format("source guests: cannot open /dev/xen/evtchn: {}", std::strerror(errno)));
    port_ = xenevtchn_bind_interdomain(evtchn_, desc_.domid, desc_.event_channel);
    if (port_ < 0)
        throw source_error(fmt::format("domU {}: cannot bind its event channel {}: {}", desc_.domid,
                                       desc_.event_channel, std::strerror(errno)));
    const int fd = xenevtchn_fd(evtchn_);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    enabled_.assign(channel_.event_count(), false);
    write_enable_bytes(false);
    request(LTT_GG_CMD_ENABLE);
}

void guest_source::teardown() noexcept {
    if (control_.data() && started_) {
        // Events off, not waited for: the guest may be gone.
        started_ = false;
        write_enable_bytes(false);
        store(control()->req_cmd, std::uint32_t{LTT_GG_CMD_ENABLE});
        store(control()->req_seq, ++seq_);
        if (port_ >= 0)
            xenevtchn_notify(evtchn_, static_cast<evtchn_port_t>(port_));
    }
    cpus_.clear();
    control_ = grant_mapping();
    dev_.reset();
    if (evtchn_) {
        if (port_ >= 0)
            xenevtchn_unbind(evtchn_, static_cast<evtchn_port_t>(port_));
        xenevtchn_close(evtchn_);
    }
    evtchn_ = nullptr;
    port_ = -1;
}

std::vector<buffer_view> guest_source::buffers() const {
    std::vector<buffer_view> out;
    for (const auto& [cpu, m] : cpus_)
        out.push_back(m.view);
    return out;
}

std::optional<buffer_view> guest_source::buffer(std::uint32_t cpu) const {
    const auto it = cpus_.find(cpu);
    if (it == cpus_.end())
        return std::nullopt;
    return it->second.view;
}

std::vector<int> guest_source::poll_fds() const {
    if (!evtchn_)
        return {};
    return {xenevtchn_fd(evtchn_)};
}

bool guest_source::acknowledge() noexcept {
    // Bounded: a guest notifying without pause gets 64 per wake-up.
    bool any = false;
    for (int i = 0; i < 64 && evtchn_; i++) {
        pollfd pfd{xenevtchn_fd(evtchn_), POLLIN, 0};
        if (::poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
            break;
        const xenevtchn_port_or_error_t p = xenevtchn_pending(evtchn_);
        if (p < 0)
            break;
        xenevtchn_unmask(evtchn_, static_cast<evtchn_port_t>(p));
        any = true;
    }
    return any;
}

std::vector<source_event> guest_source::handle_readable(int) {
    std::vector<source_event> out = std::move(pending_problems_);
    pending_problems_.clear();
    if (acknowledge())
        out.push_back({source_event::kind::data, 0, {}});
    if (unresponsive_ && control_.data() && load(control()->done_seq) == seq_) {
        unresponsive_ = false;
        out.push_back({source_event::kind::problem, 0,
                       fmt::format("domU {} answers requests again", desc_.domid)});
    }
    return out;
}

bool guest_source::request(std::uint32_t cmd) {
    if (!control_.data() || port_ < 0)
        return false;
    store(control()->req_cmd, cmd);
    store(control()->req_seq, ++seq_);
    xenevtchn_notify(evtchn_, static_cast<evtchn_port_t>(port_));
    if (unresponsive_)
        return false;
    const auto deadline = std::chrono::steady_clock::now() + request_timeout;
    for (;;) {
        if (load(control()->done_seq) == seq_)
            return true;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        // The guest notifies when done: sleep on the port, not in a loop.
        pollfd pfd{xenevtchn_fd(evtchn_), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) == 1)
            acknowledge();
    }
    unresponsive_ = true;
    pending_problems_.push_back(
        {source_event::kind::problem, 0,
         fmt::format("domU {} did not answer a request within {} ms; not waited for again "
                     "until it answers",
                     desc_.domid, request_timeout.count())});
    return false;
}

void guest_source::write_enable_bytes(bool on) {
    auto* ctl = control();
    for (std::size_t id = 0; id < LTT_GG_MAX_EVENTS; id++)
        store(ctl->enable[id],
              static_cast<std::uint8_t>(on && id < enabled_.size() && enabled_[id] ? 1 : 0));
}

std::vector<int> guest_source::flush(const std::vector<std::uint32_t>& cpus, flush_kind kind) {
    std::vector<int> out(cpus.size(), 0);
    if (cpus.empty())
        return out;
    const bool answered =
        request(LTT_GG_CMD_SWITCH | (kind == flush_kind::empty ? LTT_GG_CMD_SWITCH_EMPTY : 0u));
    if (!answered)
        return out;
    for (std::size_t k = 0; k < cpus.size(); k++) {
        if (cpus[k] >= LTT_GG_MAX_CPUS)
            continue;
        // Only the three answers the contract has; anything else is nothing.
        const int r = load(control()->flush_result[cpus[k]]);
        out[k] = r == 1 || r == -1 ? r : 0;
    }
    return out;
}

void guest_source::set_events(const std::vector<bool>& enabled) {
    enabled_ = enabled;
    if (started_) {
        write_enable_bytes(true);
        request(LTT_GG_CMD_ENABLE);
    }
}

void guest_source::start() {
    started_ = true;
    write_enable_bytes(true);
    request(LTT_GG_CMD_ENABLE);
}

void guest_source::stop() {
    started_ = false;
    write_enable_bytes(false);
    request(LTT_GG_CMD_ENABLE);
}

void guest_source::refresh_state() {
    request(LTT_GG_CMD_STATEDUMP);
}

void guest_source::release(std::uint32_t cpu) {
    cpus_.erase(cpu);
}

} // namespace lttd::guests
