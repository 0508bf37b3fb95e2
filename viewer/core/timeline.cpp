#include "timeline.hpp"

namespace ltt::viewer {

std::string_view to_string(mark_kind k) {
    switch (k) {
    case mark_kind::guest:
        return "guest";
    case mark_kind::idle:
        return "idle";
    case mark_kind::interrupt:
        return "interrupt";
    case mark_kind::hypercall:
        return "hypercall";
    case mark_kind::exit:
        return "exit";
    case mark_kind::scheduler:
        return "scheduler";
    case mark_kind::lost:
        return "lost";
    case mark_kind::unknown:
        return "unknown";
    case mark_kind::runnable:
        return "runnable";
    case mark_kind::blocked:
        return "blocked";
    case mark_kind::upcall:
        return "upcall";
    case mark_kind::irq_handler:
        return "irq_handler";
    case mark_kind::event:
        return "event";
    case mark_kind::loss:
        return "loss";
    }
    return "unknown";
}

} // namespace ltt::viewer
