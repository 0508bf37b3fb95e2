#include "session_worker.hpp"

#include "log.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <system_error>
#include <unistd.h>

namespace lttd {

session_worker::session_worker(std::unique_ptr<session> s)
    : name_(s->name()), session_(std::move(s)) {
    wake_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    timer_fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!wake_fd_ || !timer_fd_)
        throw std::system_error(errno, std::generic_category(), "session worker: eventfd/timerfd");
    thread_ = std::thread([this] { run(); });
}

session_worker::~session_worker() {
    {
        const std::lock_guard lock(mu_);
        quit_ = true;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_.get(), &one, sizeof one);
    thread_.join();
}

nlohmann::json session_worker::call(std::function<nlohmann::json(session&)> fn,
                                    std::chrono::milliseconds timeout) {
    auto t = std::make_shared<task>([fn = std::move(fn)](session& s) -> outcome {
        try {
            return {fn(s), std::nullopt};
        } catch (const command_error& e) {
            return {nullptr, e.what()};
        } catch (const std::exception& e) {
            return {nullptr, fmt::format("internal error: {}", e.what())};
        }
    });
    auto result = t->get_future();
    {
        const std::lock_guard lock(mu_);
        if (quit_)
            throw command_error(fmt::format("session {} is shutting down", name_));
        queue_.push_back(t);
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_.get(), &one, sizeof one);
    if (result.wait_for(timeout) != std::future_status::ready)
        throw command_error(fmt::format("session {} did not answer within {} s (busy writing?)",
                                        name_, timeout.count() / 1000));
    outcome out = result.get();
    if (out.error)
        throw command_error(*out.error);
    return std::move(out.value);
}

void session_worker::run_tasks() {
    for (;;) {
        std::shared_ptr<task> t;
        {
            const std::lock_guard lock(mu_);
            if (queue_.empty())
                return;
            t = queue_.front();
            queue_.pop_front();
        }
        (*t)(*session_);
    }
}

void session_worker::update_timer() {
    const auto want = session_->flush_interval();
    if (want == timer_armed_)
        return;
    itimerspec its{};
    if (want) {
        its.it_interval.tv_sec = want->count() / 1000;
        its.it_interval.tv_nsec = (want->count() % 1000) * 1'000'000;
        its.it_value = its.it_interval;
    }
    ::timerfd_settime(timer_fd_.get(), 0, &its, nullptr);
    timer_armed_ = want;
}

void session_worker::run() {
    bool more = false;
    for (;;) {
        update_timer();
        std::vector<pollfd> fds{{wake_fd_.get(), POLLIN, 0}, {timer_fd_.get(), POLLIN, 0}};
        for (const int fd : session_->poll_fds())
            fds.push_back({fd, POLLIN, 0});
        // Sleep until something happens, unless draining was cut short.
        if (::poll(fds.data(), fds.size(), more ? 0 : -1) < 0 && errno != EINTR) {
            log("session {}: poll: {}", name_, std::strerror(errno));
            continue;
        }
        try {
            if (fds[0].revents & POLLIN) {
                std::uint64_t n = 0;
                [[maybe_unused]] const auto r = ::read(wake_fd_.get(), &n, sizeof n);
                run_tasks();
                const std::lock_guard lock(mu_);
                if (quit_)
                    break;
            }
            if (fds[1].revents & POLLIN) {
                std::uint64_t expirations = 0;
                [[maybe_unused]] const auto r =
                    ::read(timer_fd_.get(), &expirations, sizeof expirations);
                session_->on_flush_timer();
            }
            for (std::size_t i = 2; i < fds.size(); i++)
                if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
                    session_->on_readable(fds[i].fd);
            more = session_->drain_ready();
        } catch (const std::exception& e) {
            // A bug, not an input problem (those are handled where they
            // happen): keep the daemon alive and say so.
            log("session {}: unexpected error: {}", name_, e.what());
            more = false;
        }
    }
    run_tasks();
    session_->shutdown();
}

} // namespace lttd
