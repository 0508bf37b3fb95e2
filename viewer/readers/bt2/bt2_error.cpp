#include "bt2_error.hpp"

#include <babeltrace2/babeltrace.h>

#include <cctype>
#include <vector>

namespace ltt::viewer::bt2 {

namespace {

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

void trim_separators(std::string& text) {
    while (!text.empty() &&
           (text.back() == ' ' || text.back() == ',' || text.back() == ':' || text.back() == '.'))
        text.pop_back();
}

} // namespace

std::string without_addresses(std::string_view message) {
    static constexpr std::string_view marker = "addr=0x";
    std::string out;
    std::size_t i = 0;
    while (i < message.size()) {
        const std::size_t at = message.find(marker, i);
        if (at == std::string_view::npos) {
            out.append(message.substr(i));
            break;
        }
        std::size_t start = at;
        while (start > i && is_token_char(message[start - 1]))
            --start;
        std::size_t end = at + marker.size();
        while (end < message.size() && std::isxdigit(static_cast<unsigned char>(message[end])))
            ++end;
        out.append(message.substr(i, start - i));
        if (end < message.size() && message[end] == ',')
            ++end;
        while (end < message.size() && message[end] == ' ')
            ++end;
        i = end;
    }
    for (char& c : out) {
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    }
    trim_separators(out);
    return out;
}

std::string take_error_causes(std::string_view fallback) {
    const bt_error* error = bt_current_thread_take_error();
    if (error == nullptr)
        return std::string(fallback);
    std::vector<std::string> causes;
    std::string generic; // libbabeltrace2's own, used only when there is nothing else
    const std::uint64_t n = bt_error_get_cause_count(error);
    for (std::uint64_t i = 0; i < n; ++i) {
        const bt_error_cause* cause = bt_error_borrow_cause_by_index(error, i);
        const char* text = bt_error_cause_get_message(cause);
        const std::string message = without_addresses(text == nullptr ? "" : text);
        if (message.empty())
            continue;
        // The library's causes restate that a method failed, with every
        // property of the component: noise next to the plugin's own.
        const char* module = bt_error_cause_get_module_name(cause);
        if (bt_error_cause_get_actor_type(cause) == BT_ERROR_CAUSE_ACTOR_TYPE_UNKNOWN &&
            module != nullptr && std::string_view(module) == "libbabeltrace2") {
            if (generic.empty())
                generic = message;
            continue;
        }
        if (causes.empty() || causes.back() != message)
            causes.push_back(message);
    }
    bt_error_release(error);
    if (causes.empty())
        return generic.empty() ? std::string(fallback) : generic;
    std::string joined;
    for (const std::string& c : causes) {
        if (!joined.empty())
            joined += ": ";
        joined += c;
        trim_separators(joined);
    }
    return joined;
}

} // namespace ltt::viewer::bt2
