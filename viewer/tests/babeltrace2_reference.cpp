#include "babeltrace2_reference.hpp"

#include "child_process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace ltt::viewer::test {

namespace {

// A path as a string inside a babeltrace2 parameter (`inputs=["..."]`).
std::string quoted(const fs::path& p) {
    const std::string s = p.string();
    if (s.find_first_of("\"\\") != std::string::npos)
        throw std::runtime_error("path with a quote or backslash: " + s);
    return '"' + s + '"';
}

std::vector<std::string> port_names(const std::string& bt, const fs::path& trace,
                                    const fs::path& work) {
    const child_result r = run_child({bt, "query", "src.ctf.fs", "babeltrace.trace-infos", "-p",
                                      fmt::format("inputs=[{}]", quoted(trace))},
                                     work / "query");
    if (r.exit_status != 0)
        throw std::runtime_error(fmt::format("babeltrace2 query {}: {}", trace.string(), r.err));
    std::vector<std::string> names;
    std::istringstream lines(r.out);
    std::string line;
    static const std::string key = "port-name: ";
    while (std::getline(lines, line)) {
        const auto at = line.find(key);
        if (at != std::string::npos)
            names.push_back(line.substr(at + key.size()));
    }
    return names;
}

// The time at the start of a pretty line: "[S.NNNNNNNNN]" (clock-seconds,
// as ns) or "[N]" (clock-cycles).
std::uint64_t line_time(const std::string& line) {
    std::uint64_t seconds = 0;
    std::uint64_t ns = 0;
    std::size_t i = 1;
    if (line.empty() || line[0] != '[')
        throw std::runtime_error("babeltrace2 event line without a time: " + line);
    for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
        seconds = seconds * 10 + static_cast<std::uint64_t>(line[i] - '0');
    if (i < line.size() && line[i] == ']' && i > 1)
        return seconds; // clock-cycles: "[cycles]"
    if (i >= line.size() || line[i] != '.')
        throw std::runtime_error("babeltrace2 event line without a time: " + line);
    std::size_t digits = 0;
    for (++i; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i, ++digits)
        ns = ns * 10 + static_cast<std::uint64_t>(line[i] - '0');
    if (digits != 9 || i >= line.size() || line[i] != ']')
        throw std::runtime_error("babeltrace2 event line without a time: " + line);
    return seconds * 1'000'000'000ull + ns;
}

std::uint64_t sum_of(const std::string& text, const std::regex& pattern) {
    std::uint64_t sum = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it)
        sum += std::stoull((*it)[1].str());
    return sum;
}

} // namespace

std::string escape_port_glob(const std::string& name) {
    std::string out;
    for (const char c : name) {
        if (c == '\\' || c == '.' || c == ':' || c == '*' || c == '?' || c == '[')
            out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

babeltrace2_figures babeltrace2_reference(const std::string& bt, const fs::path& trace,
                                          const fs::path& work, bool cycles) {
    fs::create_directories(work);
    babeltrace2_figures f;
    f.ports = port_names(bt, trace, work);
    if (f.ports.empty())
        throw std::runtime_error("babeltrace2 lists no stream in " + trace.string());

    std::vector<std::string> argv{bt, "run", "--component=src:src.ctf.fs", "--params",
                                  fmt::format("inputs=[{}]", quoted(trace))};
    for (std::size_t i = 0; i < f.ports.size(); ++i) {
        argv.push_back(fmt::format("--component=out{}:sink.text.pretty", i));
        argv.push_back("--params");
        argv.push_back(fmt::format("path={},{},no-delta=yes",
                                   quoted(work / fmt::format("port{}.txt", i)),
                                   cycles ? "clock-cycles=yes" : "clock-seconds=yes"));
        argv.push_back(fmt::format("--connect=src.{}:out{}", escape_port_glob(f.ports[i]), i));
    }
    const child_result r = run_child(argv, work / "run");
    if (r.exit_status != 0)
        throw std::runtime_error(
            fmt::format("babeltrace2 run on {} failed: {}", trace.string(), r.err.substr(0, 4000)));

    // "[1571238433.123456789] (...)": one line per event (pretty escapes
    // newlines in strings).
    for (std::size_t i = 0; i < f.ports.size(); ++i) {
        std::ifstream in(work / fmt::format("port{}.txt", i));
        std::string line;
        std::uint64_t previous = 0;
        bool first = true;
        while (std::getline(in, line)) {
            ++f.events;
            const std::uint64_t ns = line_time(line);
            if (first)
                f.first_times.push_back(ns);
            else if (ns < previous)
                ++f.events_backwards;
            previous = ns;
            first = false;
        }
    }
    std::sort(f.first_times.begin(), f.first_times.end());
    f.discarded_events = sum_of(r.err, std::regex(R"(Tracer discarded (\d+) events?\b)"));
    f.discarded_packets = sum_of(r.err, std::regex(R"(Tracer discarded (\d+) packets?\b)"));
    const std::regex may(R"(Tracer may have discarded events)");
    f.unknown_discards = static_cast<std::uint64_t>(std::distance(
        std::sregex_iterator(r.err.begin(), r.err.end(), may), std::sregex_iterator()));
    return f;
}

} // namespace ltt::viewer::test
