#include "init_log.hpp"

#include "bt2_error.hpp"
#include "bt2_ref.hpp"

#include <cstdio>
#include <sstream>
#include <unistd.h>

namespace ltt::viewer::bt2 {

stderr_capture::stderr_capture() {
    file_ = std::tmpfile();
    if (file_ == nullptr)
        return;
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    if (saved_ < 0 || dup2(fileno(file_), STDERR_FILENO) < 0) {
        restore();
        return;
    }
    active_ = true;
}

stderr_capture::~stderr_capture() {
    restore();
    if (file_ != nullptr)
        std::fclose(file_);
}

void stderr_capture::restore() {
    if (saved_ >= 0) {
        std::fflush(stderr);
        dup2(saved_, STDERR_FILENO);
        close(saved_);
        saved_ = -1;
    }
}

std::string stderr_capture::finish() {
    if (!active_)
        return {};
    restore();
    active_ = false;
    std::string text;
    std::rewind(file_);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0 && text.size() < (1u << 20))
        text.append(buffer, n);
    return text;
}

std::string log_message(const std::string& line) {
    // "12-06 22:12:51.204  6101  6101 E TAG function@file.c:138 [component] message"
    std::istringstream in(line);
    std::string date, time, pid, tid, level, tag, where;
    if (!(in >> date >> time >> pid >> tid >> level >> tag >> where))
        return {};
    if (level != "W" && level != "E" && level != "F")
        return {};
    std::string message;
    std::getline(in, message);
    const auto start = message.find_first_not_of(' ');
    message = start == std::string::npos ? std::string() : message.substr(start);
    if (where.find('@') == std::string::npos) // no source location: part of the message
        message = where + " " + message;
    if (!message.empty() && message.front() == '[') {
        const auto end = message.find("] ");
        if (end != std::string::npos)
            message = message.substr(end + 2);
    }
    return without_addresses(message);
}

std::vector<std::string> init_log(const bt_component_class_source* fs, const bt_value* params) {
    const graph_ref graph(bt_graph_create(0));
    if (!graph)
        return {};
    std::string text;
    {
        stderr_capture capture;
        const bt_component_source* source = nullptr;
        const bt_graph_add_component_status status = bt_graph_add_source_component(
            graph.get(), fs, "source", params, BT_LOGGING_LEVEL_WARNING, &source);
        text = capture.finish();
        if (status == BT_GRAPH_ADD_COMPONENT_STATUS_OK)
            return {};
    }
    bt_current_thread_clear_error();
    return log_messages(text);
}

std::vector<std::string> log_messages(const std::string& text) {
    std::vector<std::string> messages;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::string m = log_message(line);
        if (!m.empty() && (messages.empty() || messages.back() != m))
            messages.push_back(std::move(m));
    }
    return messages;
}

} // namespace ltt::viewer::bt2
