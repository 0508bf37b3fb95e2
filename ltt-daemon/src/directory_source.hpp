// directory_source.hpp - buffers a producer created as files in a directory
// (layout: lttd/directory_layout.hpp, ltt-daemon/README.md).
//
// Wake-ups: the producer's `notify` FIFO (opened read-write, so it never
// reports hang-up when no producer has it open) and inotify on the directory
// (a CPU's file appearing - renamed into place or created complete - or
// disappearing, the directory going away). lttd keeps no descriptor of the
// directory itself, so removing it is reported at once, and it does not
// watch close events, which its own opening of a file would trigger.
// Control: lttd writes enable.map with pwrite() (the producer maps it; all
// zero means stopped) and holds an exclusive flock on it, so two sessions -
// of this lttd or another - never consume one directory.
//
// The same class reads ltt-guest.ko's directory (`kernel`, `kernel:PATH`,
// producer_kind::kernel_module), which has the same layout but no FIFO:
// each buffer file polls readable when its CPU closed a sub-buffer; the
// geometry requested at create is set up by the module (ioctl on
// enable.map, before channel.json is read); flushes, overwrite-mode
// sub-buffers and statedumps are asked of the module (mapped_buffer.hpp).
#pragma once

#include "mapped_buffer.hpp"
#include "source.hpp"

#include <lttd/channel_file.hpp>
#include <lttd/unique_fd.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

namespace lttd {

// What a channel.json says, as a channel of the session: where its trace
// goes (dom0/kernel, domU-<id>/kernel, ust/<name>-<pid>) and its geometry.
// Also what a domU's description carries (the guests source).
channel_info channel_info_of(const channel_file& c);

class directory_source final : public source, private subbuf_lender {
public:
    explicit directory_source(std::filesystem::path dir, producer_kind kind = producer_kind::files);
    ~directory_source() override;

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
    void release(std::uint32_t cpu) override;
    void refresh_state() override;
    subbuf_lender* lender() noexcept override;

private:
    std::optional<lent_subbuf> get(std::uint32_t cpu) override;
    void put(std::uint32_t cpu) override;
    void open_enable_map();
    void setup_kernel_geometry(const requested_geometry& geometry);
    void write_enable_map(bool all_off);
    std::vector<source_event> read_inotify();
    void vanish(std::string why, std::vector<source_event>& events);
    // Maps buffer `cpu` if not mapped yet; a problem event when refused.
    void try_add(std::uint32_t cpu, std::vector<source_event>& events);

    std::filesystem::path dir_;
    producer_kind kind_;
    channel_info channel_;
    unique_fd enable_fd_;
    unique_fd notify_fd_;
    unique_fd inotify_fd_;
    int dir_watch_ = -1;    // the directory: its files, IN_DELETE_SELF
    int parent_watch_ = -1; // its parent: the directory's own removal (an
                            // open file inside delays IN_DELETE_SELF)
    std::map<std::uint32_t, std::unique_ptr<mapped_buffer>> buffers_;
    std::set<std::uint32_t> removing_;             // reported removed, not released yet
    std::map<std::uint32_t, std::string> refused_; // last problem per CPU file
    std::vector<bool> enabled_;
    bool started_ = false;
    bool vanished_ = false;
};

} // namespace lttd
