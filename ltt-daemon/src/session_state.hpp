// session_state.hpp - a session's life cycle, as a small state machine kept
// apart from the I/O so every transition is unit-tested:
//
//   created --start--> active --stop--> stopped --start--> active ...
//                        |                 ^
//                        +--fail(reason)---+   (disk full, source vanished)
//
// snapshot needs overwrite mode and a session that has been started;
// enable/disable work in every state; destroy from any state (stopping an
// active session first).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lttd {

enum class session_phase { created, active, stopped };

std::string_view to_string(session_phase phase) noexcept;

class session_state {
public:
    explicit session_state(bool overwrite_mode) : overwrite_(overwrite_mode) {}

    session_phase phase() const noexcept { return phase_; }
    bool overwrite() const noexcept { return overwrite_; }
    bool ever_started() const noexcept { return ever_started_; }
    // Why the session stopped on its own, if it did.
    const std::optional<std::string>& failure() const noexcept { return failure_; }

    // Each check returns why the command is refused now, or nullopt; the
    // matching on_*() records the transition once the command succeeded.
    std::optional<std::string> can_start() const;
    std::optional<std::string> can_stop() const;
    std::optional<std::string> can_snapshot() const;

    void on_started();
    void on_stopped();
    // The session had to stop (the reason is kept for status).
    void on_failed(std::string reason);

private:
    bool overwrite_;
    session_phase phase_ = session_phase::created;
    bool ever_started_ = false;
    std::optional<std::string> failure_;
};

} // namespace lttd
