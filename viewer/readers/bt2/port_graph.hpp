// readers/bt2/port_graph.hpp - a libbabeltrace2 graph that reads one CTF
// trace a stream at a time, on demand.
//
// src.ctf.fs (inputs = the trace directory) has one output port per stream
// (rotated stream files are grouped into one). Each is connected to an
// input port of a sink component class of ours; there is no muxer in
// between: babeltrace2's muxer stops on streams whose times overlap (the
// vm-scp traces), while ltt-view's merge orders them and counts the
// overlap. pull(i) makes the graph run once with port i wanted: the sink's
// consume method takes the next batch of messages from that port's message
// iterator. So memory holds one batch per stream, whatever the trace's
// size, and each stream is read as fast as the merge asks for it.
#pragma once

#include "bt2_ref.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ltt::viewer::bt2 {

// Messages taken from a port; the batch owns one reference to each.
class message_batch {
public:
    message_batch() = default;
    message_batch(const message_batch&) = delete;
    message_batch& operator=(const message_batch&) = delete;
    ~message_batch() { clear(); }

    std::span<const bt_message* const> messages() const noexcept { return messages_; }
    void clear() noexcept;
    // Takes over the references of a batch libbabeltrace2 handed out.
    void adopt(bt_message_array_const messages, std::uint64_t count);

private:
    std::vector<const bt_message*> messages_;
};

class port_graph {
public:
    // Builds the graph for the CTF trace in `trace_dir`: src.ctf.fs parses
    // the metadata and indexes the stream files here. bt2_error naming the
    // trace and babeltrace2's causes when it cannot.
    explicit port_graph(const std::filesystem::path& trace_dir);
    ~port_graph();
    port_graph(const port_graph&) = delete;
    port_graph& operator=(const port_graph&) = delete;

    std::size_t port_count() const noexcept { return port_names_.size(); }
    // What babeltrace2 warned about while opening the trace (its metadata
    // parser's log), for the source's notices.
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }
    // src.ctf.fs's name for the port: "trace-uuid | stream-class-id | stream-id-or-path".
    const std::string& port_name(std::size_t port) const { return port_names_.at(port); }

    // The next batch of messages of `port` into `batch` (its previous
    // content released first); false once the port has ended. bt2_error
    // (babeltrace2's causes only: the caller knows which stream it was
    // reading) when src.ctf.fs fails; the graph is unusable after that.
    bool pull(std::size_t port, message_batch& batch);

    struct sink_state; // what the sink component's methods work on

private:
    std::unique_ptr<sink_state> state_;
    graph_ref graph_;
    std::vector<std::string> port_names_;
    std::vector<std::string> warnings_;
    // Per port: the causes of an error babeltrace2 left behind a batch it
    // delivered, thrown by the port's next pull (see pull()).
    std::vector<std::string> deferred_errors_;
};

} // namespace ltt::viewer::bt2
