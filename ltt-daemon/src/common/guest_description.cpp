#include <lttd/guest_description.hpp>

#include <lttd/directory_layout.hpp>

#include <ltt/directory_layout.h>
#include <ltt/guest_grant.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace lttd {

namespace {

// Xen's domain ids below DOMID_FIRST_RESERVED; 0 is dom0 itself.
constexpr std::uint32_t max_domid = 0x7fef;

[[noreturn]] void fail(std::uint32_t domid, std::string_view key, const std::string& problem) {
    throw guest_description_error(
        fmt::format("domU {}: {}/{}: {}", domid, LTT_GG_XS_DIR, key, problem));
}

const std::string& need(std::uint32_t domid, const guest_keys& keys, const std::string& key) {
    const auto it = keys.find(key);
    if (it == keys.end())
        fail(domid, key, "missing");
    if (it->second.size() > guest_value_max)
        fail(domid, key, fmt::format("{} bytes, more than {}", it->second.size(), guest_value_max));
    return it->second;
}

// Printable ASCII only, shown in messages (a guest's bytes never reach the
// log or the terminal raw).
std::string shown(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 40))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (text.size() > 40)
        out += "...";
    return out;
}

std::uint32_t number(std::uint32_t domid, const guest_keys& keys, const std::string& key,
                     std::uint64_t limit) {
    const auto& text = need(domid, keys, key);
    const auto list = parse_decimal_list(text, limit, 1);
    if (!list || list->size() != 1)
        fail(domid, key, fmt::format("`{}` is not a decimal number below {}", shown(text), limit));
    return list->front();
}

} // namespace

std::optional<std::vector<std::uint32_t>>
parse_decimal_list(std::string_view text, std::uint64_t limit, std::size_t max_count) {
    std::vector<std::uint32_t> out;
    std::size_t pos = 0;
    if (text.empty())
        return out;
    for (;;) {
        if (out.size() == max_count)
            return std::nullopt;
        std::size_t end = pos;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9')
            end++;
        // 1 to 10 digits, no leading zeros (one spelling per number)
        if (end == pos || end - pos > 10 || (text[pos] == '0' && end - pos > 1))
            return std::nullopt;
        std::uint64_t v = 0;
        std::from_chars(text.data() + pos, text.data() + end, v);
        if (v >= limit)
            return std::nullopt;
        out.push_back(static_cast<std::uint32_t>(v));
        if (end == text.size())
            return out;
        if (text[end] != ' ' || end + 1 == text.size())
            return std::nullopt;
        pos = end + 1;
    }
}

std::vector<std::string> guest_cpu_keys(std::uint32_t cpu) {
    const auto dir = fmt::format("{}/{}", LTT_GG_XS_CPU_DIR, cpu);
    return {fmt::format("{}/{}", dir, LTT_GG_XS_PAGES), fmt::format("{}/{}", dir, LTT_GG_XS_REFS)};
}

guest_description parse_guest_description(std::uint32_t domid, const guest_keys& keys) {
    if (domid == 0 || domid > max_domid)
        throw guest_description_error(
            fmt::format("domain {}: not a guest's domain id (1..{})", domid, max_domid));
    guest_description d;
    d.domid = domid;
    const auto& state = need(domid, keys, LTT_GG_XS_STATE);
    if (state != LTT_GG_STATE_READY)
        fail(domid, LTT_GG_XS_STATE,
             fmt::format("`{}`, not `{}`", shown(state), LTT_GG_STATE_READY));
    try {
        d.channel = channel_from_json(nlohmann::json::parse(need(domid, keys, LTT_GG_XS_CHANNEL)));
    } catch (const nlohmann::json::exception& e) {
        fail(domid, LTT_GG_XS_CHANNEL, fmt::format("not valid JSON: {}", e.what()));
    } catch (const channel_error& e) {
        fail(domid, LTT_GG_XS_CHANNEL, e.what());
    }
    if (d.channel.domain != ltt::layer::kernel)
        fail(domid, LTT_GG_XS_CHANNEL, "domain: a guest's channel is a \"kernel\" one");
    if (d.channel.xen_domid != domid)
        fail(domid, LTT_GG_XS_CHANNEL,
             fmt::format("xen_domid: {}, but the description is domain {}'s", d.channel.xen_domid,
                         domid));
    if (d.channel.mode != ltt::ring_mode::discard)
        fail(domid, LTT_GG_XS_CHANNEL,
             "mode: overwrite; lttd reads guests in discard mode only (a guest's slot table "
             "is read-only to dom0 and the module lends no sub-buffers yet)");
    if (d.channel.event_count() > LTT_GG_MAX_EVENTS)
        fail(domid, LTT_GG_XS_CHANNEL,
             fmt::format("{} events, more than the control page's {}", d.channel.event_count(),
                         LTT_GG_MAX_EVENTS));
    // ring geometry -> the exact number of pages a vCPU's buffer has
    const auto layout = ltt_dir_layout_for(d.channel.subbuf_order, d.channel.nr_subbufs_order());
    const std::uint64_t pages = layout.file_size / LTT_GG_PAGE_SIZE;
    if (layout.file_size % LTT_GG_PAGE_SIZE != 0 ||
        pages > std::uint64_t{LTT_GG_MAX_LIST_PAGES} * LTT_GG_REFS_PER_PAGE)
        fail(domid, LTT_GG_XS_CHANNEL,
             fmt::format("a buffer of {} bytes: more than {} pages of grants per vCPU",
                         layout.file_size, LTT_GG_MAX_LIST_PAGES * LTT_GG_REFS_PER_PAGE));
    d.control_ref = number(domid, keys, LTT_GG_XS_CONTROL_REF, std::uint64_t{1} << 32);
    d.event_channel = number(domid, keys, LTT_GG_XS_EVTCHN, std::uint64_t{1} << 32);
    if (d.event_channel == 0)
        fail(domid, LTT_GG_XS_EVTCHN, "port 0 is never a bound port");
    const auto& cpus_text = need(domid, keys, LTT_GG_XS_CPUS);
    const auto cpus = parse_decimal_list(cpus_text, LTT_GG_MAX_CPUS, LTT_GG_MAX_CPUS);
    if (!cpus || cpus->empty())
        fail(domid, LTT_GG_XS_CPUS,
             fmt::format("`{}` is not a list of 1 to {} vCPU numbers below {}", shown(cpus_text),
                         LTT_GG_MAX_CPUS, LTT_GG_MAX_CPUS));
    if (!std::is_sorted(cpus->begin(), cpus->end()) ||
        std::adjacent_find(cpus->begin(), cpus->end()) != cpus->end())
        fail(domid, LTT_GG_XS_CPUS, "vCPUs must be listed once each, in ascending order");
    const std::uint64_t lists_needed = (pages + LTT_GG_REFS_PER_PAGE - 1) / LTT_GG_REFS_PER_PAGE;
    for (const auto cpu : *cpus) {
        const auto names = guest_cpu_keys(cpu);
        guest_cpu_grants g;
        g.cpu = cpu;
        g.pages = number(domid, keys, names[0], std::uint64_t{1} << 32);
        if (g.pages != pages)
            fail(domid, names[0],
                 fmt::format("{} pages, but the channel's geometry makes {}", g.pages, pages));
        const auto& refs_text = need(domid, keys, names[1]);
        const auto refs =
            parse_decimal_list(refs_text, std::uint64_t{1} << 32, LTT_GG_MAX_LIST_PAGES);
        if (!refs || refs->size() != lists_needed)
            fail(domid, names[1],
                 fmt::format("`{}` is not {} grant reference(s) (one page of references per {} "
                             "pages)",
                             shown(refs_text), lists_needed, LTT_GG_REFS_PER_PAGE));
        g.list_refs = *refs;
        d.cpus.push_back(std::move(g));
    }
    return d;
}

std::optional<std::vector<std::uint32_t>> parse_guests_spec(std::string_view spec) {
    if (spec == "guests")
        return std::nullopt;
    if (!spec.starts_with("guests:"))
        throw std::invalid_argument(fmt::format("`{}` is not guests or guests:ID,ID...", spec));
    std::string list(spec.substr(7));
    std::replace(list.begin(), list.end(), ',', ' ');
    const auto ids = parse_decimal_list(list, max_domid + 1, 256);
    if (!ids || ids->empty() || std::find(ids->begin(), ids->end(), 0u) != ids->end())
        throw std::invalid_argument(fmt::format(
            "`{}`: name guests by domain id, 1 to {}, separated by commas (dom0's kernel is "
            "--source kernel)",
            spec, max_domid));
    auto sorted = *ids;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        throw std::invalid_argument(fmt::format("`{}`: a domain named twice", spec));
    return sorted;
}

} // namespace lttd
