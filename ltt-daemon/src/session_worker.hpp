// session_worker.hpp - the thread a session runs on, so one session's disk
// writes never delay another's draining, nor the control socket.
//
// It sleeps in poll() on the session's source (producer notifications,
// buffers coming and going), a timerfd for the periodic flush, and an
// eventfd through which the control thread hands it commands; it never
// polls busily. A command waits for its result with a time limit, so a
// session stuck on a slow disk makes `status` fail clearly, not hang.
#pragma once

#include "session.hpp"

#include <lttd/unique_fd.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace lttd {

class session_worker {
public:
    // Takes the session over and starts its thread.
    explicit session_worker(std::unique_ptr<session> s);
    // Shuts the session down (session::shutdown) and joins the thread.
    ~session_worker();
    session_worker(const session_worker&) = delete;
    session_worker& operator=(const session_worker&) = delete;

    // Runs `fn` on the session's thread and returns its result; rethrows what
    // it throws; command_error when no answer comes within `timeout`.
    nlohmann::json call(std::function<nlohmann::json(session&)> fn,
                        std::chrono::milliseconds timeout);

    const std::string& name() const noexcept { return name_; }

private:
    // Errors come back as text, not as exception_ptr: libstdc++ counts
    // exception_ptr references in code ThreadSanitizer cannot see.
    struct outcome {
        nlohmann::json value;
        std::optional<std::string> error;
    };
    using task = std::packaged_task<outcome(session&)>;

    void run();
    void run_tasks();
    void update_timer();

    std::string name_;
    std::unique_ptr<session> session_;
    unique_fd wake_fd_;
    unique_fd timer_fd_;
    std::optional<std::chrono::milliseconds> timer_armed_;
    std::mutex mu_;
    std::deque<std::shared_ptr<task>> queue_; // guarded by mu_
    bool quit_ = false;                       // guarded by mu_
    std::thread thread_;
};

} // namespace lttd
