#include "session_state.hpp"

#include <stdexcept>

namespace lttd {

std::string_view to_string(session_phase phase) noexcept {
    switch (phase) {
    case session_phase::created:
        return "created";
    case session_phase::active:
        return "active";
    case session_phase::stopped:
        return "stopped";
    }
    return "?";
}

std::optional<std::string> session_state::can_start() const {
    if (phase_ == session_phase::active)
        return "already active";
    if (failure_)
        return "stopped after an error (" + *failure_ + "); destroy it and create a new session";
    return std::nullopt;
}

std::optional<std::string> session_state::can_stop() const {
    if (phase_ != session_phase::active)
        return std::string("not active (it is ") + std::string(to_string(phase_)) + ")";
    return std::nullopt;
}

std::optional<std::string> session_state::can_snapshot() const {
    if (!overwrite_)
        return "snapshots are for overwrite (flight-recorder) sessions; this one is in discard "
               "mode and writes its trace continuously";
    if (!ever_started_)
        return "never started: the buffers hold nothing yet";
    return std::nullopt;
}

void session_state::on_started() {
    if (can_start())
        throw std::logic_error("session_state: start refused");
    phase_ = session_phase::active;
    ever_started_ = true;
}

void session_state::on_stopped() {
    if (can_stop())
        throw std::logic_error("session_state: stop refused");
    phase_ = session_phase::stopped;
}

void session_state::on_failed(std::string reason) {
    if (!failure_)
        failure_ = std::move(reason);
    if (phase_ == session_phase::active)
        phase_ = session_phase::stopped;
}

} // namespace lttd
