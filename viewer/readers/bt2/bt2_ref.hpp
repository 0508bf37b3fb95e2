// readers/bt2/bt2_ref.hpp - owning references to libbabeltrace2 objects:
// std::unique_ptr whose deleter is the object type's *_put_ref, so every
// reference the reader takes is put on every path, exceptions included.
#pragma once

#include <babeltrace2/babeltrace.h>

#include <memory>

namespace ltt::viewer::bt2 {

template <auto put> struct put_ref {
    template <typename T> void operator()(T* object) const noexcept { put(object); }
};

template <typename T, auto put> using ref = std::unique_ptr<T, put_ref<put>>;

using graph_ref = ref<bt_graph, bt_graph_put_ref>;
using value_ref = ref<bt_value, bt_value_put_ref>;
using plugin_ref = ref<const bt_plugin, bt_plugin_put_ref>;
using sink_class_ref = ref<bt_component_class_sink, bt_component_class_sink_put_ref>;
using message_iterator_ref = ref<bt_message_iterator, bt_message_iterator_put_ref>;

} // namespace ltt::viewer::bt2
