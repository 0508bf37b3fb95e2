// guests/guest_source.hpp - one domU's kernel buffers, granted to dom0 by
// its ltt-guest.ko (include/ltt/guest_grant.h), as a lttd source: the pages
// mapped with libxengnttab (data and control read-only, the consumer page
// read-write), the guest's event channel bound with libxenevtchn (a
// sub-buffer closed; a request done), requests (enable, switch, statedump)
// through the control page. Everything the guest wrote is checked before
// use; a guest that does not answer a request within request_timeout is
// not waited for again until it answers.
#pragma once

#include "guests/grant_mapping.hpp"
#include "source.hpp"

#include <lttd/guest_description.hpp>

#include <chrono>
#include <map>
#include <memory>

struct xenevtchn_handle;
struct ltt_gg_control;

namespace lttd::guests {

class guest_source final : public source {
public:
    explicit guest_source(guest_description description);
    ~guest_source() override;

    static constexpr auto request_timeout = std::chrono::milliseconds(2000);

    std::string description() const override;
    void setup(const requested_geometry& geometry) override;
    void teardown() noexcept override;
    const channel_info& channel() const override { return channel_; }
    std::vector<buffer_view> buffers() const override;
    std::optional<buffer_view> buffer(std::uint32_t cpu) const override;
    std::vector<int> poll_fds() const override;
    std::vector<source_event> handle_readable(int fd) override;
    std::vector<int> flush(const std::vector<std::uint32_t>& cpus, flush_kind kind) override;
    void set_events(const std::vector<bool>& enabled) override;
    void start() override;
    void stop() override;
    void refresh_state() override;
    void release(std::uint32_t cpu) override;

private:
    struct cpu_mapping {
        grant_mapping all;  // every page, read-only
        grant_mapping cons; // the consumer page, read-write
        buffer_view view;
    };

    // Posts `cmd`; waits for the guest's answer unless it is unresponsive.
    // true when answered.
    bool request(std::uint32_t cmd);
    void write_enable_bytes(bool on);
    // Takes pending notifications; true when any.
    bool acknowledge() noexcept;
    ltt_gg_control* control() const noexcept;

    guest_description desc_;
    channel_info channel_;
    std::unique_ptr<grant_device> dev_;
    grant_mapping control_;
    std::map<std::uint32_t, cpu_mapping> cpus_;
    xenevtchn_handle* evtchn_ = nullptr;
    int port_ = -1;
    std::vector<bool> enabled_;
    bool started_ = false;
    std::uint32_t seq_ = 0;
    bool unresponsive_ = false;
    std::vector<source_event> pending_problems_;
};

} // namespace lttd::guests
