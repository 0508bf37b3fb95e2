// xen_source.hpp - the hypervisor's buffers (xen-patches/README.md, "How a
// consumer uses it"): Xen's per physical CPU ring buffers, set up and
// controlled with XEN_SYSCTL_ltt_op through libxencall, mapped from
// DOMID_XEN with libxenforeignmemory (control and data read-only, the
// consumer page read-write), woken by VIRQ_LTT through libxenevtchn.
//
// The facilities and their checksums come from Xen's query, so the catalog
// refuses a trace whose declarations differ from what Xen was built with.
// Discard mode reads complete sub-buffers in place (ltt/ring_reader.h, the
// consumer page carries lttd's position); overwrite mode borrows them with
// the get/put sub-ops, because dom0 cannot write the slot table.
//
// Xen has one set of buffers: one session at a time owns it (setup answers
// -EEXIST to another), and teardown frees it. Buffers Xen set up itself at
// boot (ltt_boot= on its command line, overwrite mode, already recording)
// (or a flight recorder a killed lttd left recording) are adopted by a
// session created while no session of this lttd holds Xen's buffers: its
// geometry, UUID and enabled events are Xen's, start goes on recording (a
// statedump, not a restart), and once started its teardown frees them; a
// create that fails, or a destroy before start, leaves them recording.
#pragma once

#include "source.hpp"
#include "xen/foreign_pages.hpp"
#include "xen/virq_channel.hpp"
#include "xen/xen_control.hpp"

#include <map>
#include <memory>

namespace lttd {

class xen_source final : public source, private subbuf_lender {
public:
    xen_source() = default;
    ~xen_source() override;

    std::string description() const override { return "xen"; }
    void setup(const requested_geometry& geometry) override;
    void teardown() noexcept override;
    const channel_info& channel() const override { return channel_; }
    std::vector<buffer_view> buffers() const override;
    std::optional<buffer_view> buffer(std::uint32_t cpu) const override;
    std::vector<int> poll_fds() const override;
    std::vector<source_event> handle_readable(int fd) override;
    std::vector<int> flush(const std::vector<std::uint32_t>& cpus, flush_kind kind) override;
    void set_events(const std::vector<bool>& enabled) override;
    std::vector<bool> adopted_events() const override { return adopted_events_; }
    void start() override;
    void stop() override;
    void release(std::uint32_t cpu) override;
    void refresh_state() override;
    subbuf_lender* lender() noexcept override;

private:
    struct cpu_pages {
        xen::foreign_pages ctl, cons, data;
    };

    std::optional<lent_subbuf> get(std::uint32_t cpu) override;
    void put(std::uint32_t cpu) override;

    void take_channel(const xen::query_result& q);
    // Xen records from boot: takes its buffers as they are.
    void adopt(const xen::query_result& r, const requested_geometry& geometry);
    void map_all_cpus();
    // Maps CPU `cpu`'s buffer; false when it has none (yet).
    bool map_cpu(std::uint32_t cpu);
    void apply_events();
    // Retries a sub-op Xen answers -EBUSY during CPU hotplug.
    int call_retrying(xen::ltt_cmd cmd);
    [[noreturn]] void fail(const char* what, int err) const;

    std::unique_ptr<xen::xen_control> xc_;
    std::unique_ptr<xen::foreign_memory> fm_;
    std::unique_ptr<xen::virq_channel> virq_;
    channel_info channel_;
    std::map<std::uint32_t, cpu_pages> cpus_;
    std::uint32_t nr_cpus_ = 0;
    std::uint32_t ctl_pages_ = 0, data_pages_ = 0; // per CPU, from the query
    std::uint32_t generation_ = 0;
    bool owner_ = false; // our setup allocated Xen's buffers
    bool started_ = false;
    std::vector<bool> enabled_; // what the session wants
    std::vector<bool> in_xen_;  // what Xen's enable map holds
    std::vector<bool> adopted_events_;
    bool adopted_running_ = false; // recording from boot, until our start()
    bool holds_ = false;           // this source set the process-wide buffers_held
};

} // namespace lttd
