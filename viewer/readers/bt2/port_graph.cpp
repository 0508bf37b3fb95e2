#include "port_graph.hpp"

#include "bt2_error.hpp"
#include "culprit_file.hpp"
#include "init_log.hpp"
#include "init_probe.hpp"
#include "metadata_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <utility>

namespace ltt::viewer::bt2 {

struct port_graph::sink_state {
    std::size_t ports = 0;
    std::vector<bt_message_iterator*> iterators; // one per input port; null once ended
    // Set by pull() for the one consume call it causes.
    std::size_t wanted = 0;
    message_batch* out = nullptr;
    bool ended = false;
};

void message_batch::clear() noexcept {
    for (const bt_message* m : messages_)
        bt_message_put_ref(m);
    messages_.clear();
}

void message_batch::adopt(bt_message_array_const messages, std::uint64_t count) {
    clear();
    messages_.assign(messages, messages + count);
}

namespace {

using state = port_graph::sink_state;

state& state_of(bt_self_component_sink* self) {
    return *static_cast<state*>(
        bt_self_component_get_data(bt_self_component_sink_as_self_component(self)));
}

bt_component_class_initialize_method_status sink_initialize(bt_self_component_sink* self,
                                                            bt_self_component_sink_configuration*,
                                                            const bt_value*,
                                                            void* initialize_method_data) {
    auto* s = static_cast<state*>(initialize_method_data);
    bt_self_component_set_data(bt_self_component_sink_as_self_component(self), s);
    for (std::size_t i = 0; i < s->ports; ++i) {
        const std::string name = fmt::format("in{}", i);
        const auto status =
            bt_self_component_sink_add_input_port(self, name.c_str(), nullptr, nullptr);
        if (status != BT_SELF_COMPONENT_ADD_PORT_STATUS_OK)
            return status == BT_SELF_COMPONENT_ADD_PORT_STATUS_MEMORY_ERROR
                       ? BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR
                       : BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

bt_component_class_sink_graph_is_configured_method_status
sink_graph_is_configured(bt_self_component_sink* self) {
    state& s = state_of(self);
    for (std::size_t i = 0; i < s.ports; ++i) {
        bt_message_iterator* iterator = nullptr;
        const auto status = bt_message_iterator_create_from_sink_component(
            self, bt_self_component_sink_borrow_input_port_by_index(self, i), &iterator);
        if (status != BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK)
            return status == BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_MEMORY_ERROR
                       ? BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_MEMORY_ERROR
                       : BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
        s.iterators[i] = iterator;
    }
    return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
}

// One batch from the wanted port. Never END: the sink stays in the graph
// until every port has ended, and port_graph stops asking then.
bt_component_class_sink_consume_method_status sink_consume(bt_self_component_sink* self) {
    state& s = state_of(self);
    bt_message_iterator*& iterator = s.iterators.at(s.wanted);
    if (iterator == nullptr) {
        s.ended = true;
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
    }
    bt_message_array_const messages = nullptr;
    std::uint64_t count = 0;
    switch (bt_message_iterator_next(iterator, &messages, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        try {
            s.out->adopt(messages, count);
        } catch (const std::bad_alloc&) {
            for (std::uint64_t i = 0; i < count; ++i)
                bt_message_put_ref(messages[i]);
            return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_MEMORY_ERROR;
        }
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        bt_message_iterator_put_ref(iterator);
        iterator = nullptr;
        s.ended = true;
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_MEMORY_ERROR;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_ERROR:
        break;
    }
    return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
}

void sink_finalize(bt_self_component_sink* self) {
    state& s = state_of(self);
    for (bt_message_iterator*& iterator : s.iterators) {
        bt_message_iterator_put_ref(iterator);
        iterator = nullptr;
    }
}

// babeltrace2's ctf plugin (src.ctf.fs), found once per process where
// babeltrace2 itself looks ($BABELTRACE_PLUGIN_PATH, then the system
// directory), and our sink component class.
struct classes {
    plugin_ref ctf;
    const bt_component_class_source* fs = nullptr;
    sink_class_ref sink;
};

const classes& library_classes() {
    static const classes c = [] {
        classes made;
        // The CTF metadata lexer and parser log their errors (the line of a
        // syntax error) at the level this variable gives when the plugin
        // is loaded (none by default), to file descriptor 2; port_graph
        // captures that log while src.ctf.fs parses a trace's metadata.
        // A level the user set is kept; ours is gone once the plugin is in.
        static constexpr const char* level_variable = "BABELTRACE_PLUGIN_CTF_METADATA_LOG_LEVEL";
        const bool user_level = std::getenv(level_variable) != nullptr;
        if (!user_level)
            setenv(level_variable, "W", 0);
        const bt_plugin* plugin = nullptr;
        const bt_plugin_find_status found =
            bt_plugin_find("ctf", BT_TRUE, BT_FALSE, BT_TRUE, BT_TRUE, BT_FALSE, &plugin);
        if (!user_level)
            unsetenv(level_variable);
        if (found != BT_PLUGIN_FIND_STATUS_OK)
            throw bt2_error(fmt::format(
                "babeltrace2's ctf plugin (src.ctf.fs) was not found{}: is babeltrace2 installed?",
                found == BT_PLUGIN_FIND_STATUS_NOT_FOUND
                    ? ""
                    : ": " + take_error_causes("loading failed")));
        made.ctf.reset(plugin);
        made.fs = bt_plugin_borrow_source_component_class_by_name_const(plugin, "fs");
        if (made.fs == nullptr)
            throw bt2_error("babeltrace2's ctf plugin has no source component class `fs`");
        made.sink.reset(bt_component_class_sink_create("ltt-view", sink_consume));
        if (!made.sink)
            throw std::bad_alloc();
        bt_component_class_sink* sink = made.sink.get();
        if (bt_component_class_sink_set_initialize_method(sink, sink_initialize) !=
                BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK ||
            bt_component_class_sink_set_graph_is_configured_method(
                sink, sink_graph_is_configured) != BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK ||
            bt_component_class_sink_set_finalize_method(sink, sink_finalize) !=
                BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK)
            throw std::bad_alloc();
        return made;
    }();
    return c;
}

value_ref source_params(const std::filesystem::path& trace_dir) {
    value_ref params(bt_value_map_create());
    value_ref inputs(bt_value_array_create());
    if (!params || !inputs ||
        bt_value_array_append_string_element(inputs.get(), trace_dir.c_str()) !=
            BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK ||
        bt_value_map_insert_entry(params.get(), "inputs", inputs.get()) !=
            BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
        throw std::bad_alloc();
    return params;
}

} // namespace

port_graph::port_graph(const std::filesystem::path& trace_dir)
    : state_(std::make_unique<sink_state>()) {
    check_metadata_framing(trace_dir);
    // A library call with an error pending on the thread is a precondition
    // failure (an abort); every error of this reader is taken where it
    // happens, this is for one left by other code.
    bt_current_thread_clear_error();
    const classes& c = library_classes();
    const auto fail = [&](std::string_view what) {
        return bt2_error(fmt::format("{}: babeltrace2 cannot read this CTF trace: {}",
                                     trace_dir.string(), take_error_causes(what)));
    };
    graph_.reset(bt_graph_create(0));
    if (!graph_)
        throw std::bad_alloc();

    // Errors are reported through babeltrace2's error causes, which end up
    // in our exception: its own logging to stderr stays off.
    const value_ref params = source_params(trace_dir);
    std::uint64_t stream_bytes = 0;
    std::error_code ec;
    for (const std::filesystem::directory_entry& e :
         std::filesystem::directory_iterator(trace_dir, ec)) {
        if (e.is_regular_file(ec))
            stream_bytes += e.file_size(ec);
    }
    const unsigned budget = opening_cpu_budget(stream_bytes);
    const probe_result probe = probe_in_child(c.fs, params.get(), budget);
    if (probe.crashed) {
        std::string message;
        if (probe.too_long)
            message = fmt::format("{}: babeltrace2 did not finish opening this CTF trace in {} s "
                                  "of CPU time (it loops on some bad input, a packet size of 0 "
                                  "for one)",
                                  trace_dir.string(), budget);
        else if (probe.too_big)
            message = fmt::format("{}: babeltrace2 used more than {} MiB of memory opening this "
                                  "CTF trace (it allocates without end on some bad input)",
                                  trace_dir.string(), child_heap_mib());
        else
            message = fmt::format("{}: babeltrace2 aborts while opening this CTF trace: {}",
                                  trace_dir.string(), crash_reason(probe.output));
        if (const auto file = culprit_file(c.fs, trace_dir))
            message += fmt::format(" (the stream file it fails on: {})", file->string());
        throw bt2_error(message);
    }
    const bt_component_source* source = nullptr;
    stderr_capture capture; // the metadata parser's log (see library_classes())
    const bt_graph_add_component_status added = bt_graph_add_source_component(
        graph_.get(), c.fs, "source", params.get(), BT_LOGGING_LEVEL_NONE, &source);
    const std::vector<std::string> parser_log = log_messages(capture.finish());
    if (added != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
        std::string causes = take_error_causes("src.ctf.fs failed");
        // Its log may say more (a metadata line, a packet offset).
        std::vector<std::string> log = parser_log;
        for (std::string& m : init_log(c.fs, params.get())) {
            if (std::find(log.begin(), log.end(), m) == log.end())
                log.push_back(std::move(m));
        }
        std::vector<std::string> more;
        for (const std::string& m : log) {
            if (causes.find(m) == std::string::npos && more.size() < 8)
                more.push_back(m);
        }
        if (!more.empty())
            causes += fmt::format(" [babeltrace2's log: {}]", fmt::join(more, "; "));
        // A single-file trace (the culprit is obvious) or causes that name
        // one of the trace's files need no search.
        bool names_a_file = false;
        for (const std::filesystem::directory_entry& e :
             std::filesystem::directory_iterator(trace_dir, ec)) {
            if (e.path().filename() != "metadata" &&
                causes.find(e.path().filename().string()) != std::string::npos)
                names_a_file = true;
        }
        if (!names_a_file) {
            if (const auto file = culprit_file(c.fs, trace_dir))
                causes += fmt::format(" (the stream file it fails on: {})", file->string());
        }
        throw bt2_error(fmt::format("{}: babeltrace2 cannot read this CTF trace: {}",
                                    trace_dir.string(), causes));
    }

    for (const std::string& m : parser_log)
        warnings_.push_back("babeltrace2: " + m);
    state_->ports = bt_component_source_get_output_port_count(source);
    if (state_->ports == 0)
        throw bt2_error(
            fmt::format("{}: babeltrace2 found no stream in this CTF trace", trace_dir.string()));
    state_->iterators.assign(state_->ports, nullptr);
    deferred_errors_.assign(state_->ports, std::string());
    const bt_component_sink* sink = nullptr;
    if (bt_graph_add_sink_component_with_initialize_method_data(
            graph_.get(), c.sink.get(), "ltt-view", nullptr, state_.get(), BT_LOGGING_LEVEL_NONE,
            &sink) != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        throw fail("the sink failed");
    for (std::size_t i = 0; i < state_->ports; ++i) {
        const bt_port_output* out =
            bt_component_source_borrow_output_port_by_index_const(source, i);
        port_names_.emplace_back(bt_port_get_name(bt_port_output_as_port_const(out)));
        if (bt_graph_connect_ports(graph_.get(), out,
                                   bt_component_sink_borrow_input_port_by_index_const(sink, i),
                                   nullptr) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
            throw fail("connecting ports failed");
    }
}

port_graph::~port_graph() = default;

bool port_graph::pull(std::size_t port, message_batch& batch) {
    batch.clear();
    if (!deferred_errors_.at(port).empty())
        throw bt2_error(std::exchange(deferred_errors_.at(port), std::string()));
    sink_state& s = *state_;
    s.wanted = port;
    s.out = &batch;
    s.ended = false;
    // src.ctf.fs never asks to try again (its data is all there); a
    // component that kept asking would be a hang, so the patience is bounded.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const bt_graph_run_once_status status = bt_graph_run_once(graph_.get());
        // babeltrace2 2.0.4 may report success with an error left on the
        // thread (src.ctf.fs, "Cannot handle state" on some damaged event
        // payloads: found by the fuzzer); its next call would then abort
        // on its precondition. The messages it delivered are handed out
        // first, as src.ctf.fs does with its own errors, so that the error
        // comes with the stream's name and place.
        if (status >= 0) {
            if (const bt_error* left = bt_current_thread_take_error()) {
                bt_current_thread_move_error(left);
                std::string causes = take_error_causes("reading failed");
                if (batch.messages().empty())
                    throw bt2_error(causes);
                deferred_errors_.at(port) = std::move(causes);
                return true;
            }
        }
        switch (status) {
        case BT_GRAPH_RUN_ONCE_STATUS_OK:
            if (s.ended)
                return false;
            if (!batch.messages().empty())
                return true;
            continue; // an empty batch: ask again
        case BT_GRAPH_RUN_ONCE_STATUS_END:
            return false;
        case BT_GRAPH_RUN_ONCE_STATUS_AGAIN:
            continue;
        case BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR:
            throw bt2_error(take_error_causes("out of memory"));
        case BT_GRAPH_RUN_ONCE_STATUS_ERROR:
            break;
        }
        throw bt2_error(take_error_causes("reading failed"));
    }
    throw bt2_error("babeltrace2 asked 1000 times in a row to try again later");
}

} // namespace ltt::viewer::bt2
