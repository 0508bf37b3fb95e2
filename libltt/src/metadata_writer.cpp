#include <ltt/errors.hpp>
#include <ltt/metadata_writer.hpp>

#include <fmt/format.h>

#include <limits>
#include <set>
#include <stdexcept>

#ifndef LTT_VERSION_MAJOR
#error "LTT_VERSION_MAJOR/MINOR/PATCH come from the build (libltt/CMakeLists.txt)"
#endif

namespace ltt {

namespace {

bool is_identifier(std::string_view s) {
    if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

// Integer types: byte aligned (genevent declares byte alignment, so records
// are packed), plus the 5- and 27-bit parts of the compact event header.
constexpr std::string_view typealiases =
    R"(typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 16; align = 8; signed = false; } := uint16_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
typealias integer { size = 5; align = 1; signed = false; } := uint5_t;
typealias integer { size = 27; align = 1; signed = false; } := uint27_t;
)";

// packet.h's layout, byte for byte.
constexpr std::string_view packet_header_decl = R"(	packet.header := struct {
		uint32_t magic;
		uint8_t uuid[16];
		uint32_t stream_id;
		uint64_t stream_instance_id;
	} align(8);
)";

constexpr std::string_view clock_typealiases = R"(typealias integer {
	size = 27; align = 1; signed = false;
	map = clock.tsc.value;
} := uint27_tsc_t;

typealias integer {
	size = 32; align = 8; signed = false;
	map = clock.tsc.value;
} := uint32_tsc_t;

typealias integer {
	size = 64; align = 8; signed = false;
	map = clock.tsc.value;
} := uint64_tsc_t;
)";

constexpr std::string_view packet_context_decl = R"(struct packet_context {
	uint64_tsc_t timestamp_begin;
	uint64_tsc_t timestamp_end;
	uint64_t content_size;
	uint64_t packet_size;
	uint64_t packet_seq_num;
	uint64_t events_discarded;
	uint32_t cpu_id;
} align(8);
)";

// LTTng's event headers. The extended struct is byte aligned like every
// integer here, so it starts at the byte after the escape id (packet.h).
constexpr std::string_view compact_header_decl = R"(struct event_header_compact {
	enum : uint5_t { compact = 0 ... 30, extended = 31 } id;
	variant <id> {
		struct {
			uint27_tsc_t timestamp;
		} compact;
		struct {
			uint32_t id;
			uint64_tsc_t timestamp;
		} extended;
	} v;
} align(8);
)";

constexpr std::string_view large_header_decl = R"(struct event_header_large {
	enum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;
	variant <id> {
		struct {
			uint32_tsc_t timestamp;
		} compact;
		struct {
			uint32_t id;
			uint64_tsc_t timestamp;
		} extended;
	} v;
} align(8);
)";

const std::set<std::string_view>& reserved_env_names() {
    static const std::set<std::string_view> names = {"tracer_name",     "tracer_major",
                                                     "tracer_minor",    "tracer_patchlevel",
                                                     "domain",          "xen_domid",
                                                     "hostname",        "tsc_hz",
                                                     "trace_name",      "trace_creation_datetime",
                                                     "guest_tsc_ratio", "guest_tsc_frac_bits",
                                                     "guest_tsc_offset"};
    return names;
}

} // namespace

std::string escape_tsdl_string(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            out += '?';
        } else {
            out += c;
        }
    }
    return out;
}

channel_layout layout_channel(std::span<const facility_fragment> fragments) {
    channel_layout layout;
    std::set<std::string_view> seen;
    for (const auto& f : fragments) {
        if (!seen.insert(f.name).second)
            throw mismatch_error(fmt::format(
                "facility `{}` is given twice ({}); a channel carries each facility once", f.name,
                f.source));
        const std::uint64_t base = layout.event_count;
        layout.event_count += f.events.size();
        if (layout.event_count > std::numeric_limits<std::uint32_t>::max())
            throw mismatch_error("a channel cannot have more than 2^32 event ids");
        layout.facilities.push_back({f.name, f.layer, f.checksum, static_cast<std::uint32_t>(base),
                                     static_cast<std::uint32_t>(f.events.size())});
    }
    layout.header = header_kind_for(layout.event_count);
    return layout;
}

std::string write_metadata(const metadata_params& params,
                           std::span<const facility_fragment> fragments,
                           const expected_checksums& expected) {
    if (fragments.empty())
        throw mismatch_error("no facility given: a trace's metadata needs at least one");
    for (const auto& f : fragments) {
        if (f.layer != params.domain)
            throw mismatch_error(fmt::format(
                "facility `{}` ({}) is a {} facility; a {} trace carries {} facilities only",
                f.name, f.source, to_string(f.layer), domain_name(params.domain),
                to_string(params.domain)));
        if (const auto it = expected.find(f.name); it != expected.end() && it->second != f.checksum)
            throw mismatch_error(fmt::format(
                "facility `{}`: checksum mismatch: the traced side was built with {}, but {} "
                "has {}; refusing to write metadata that would misdecode its events",
                f.name, format_checksum(it->second), f.source, format_checksum(f.checksum)));
    }
    const channel_layout layout = layout_channel(fragments);
    const clock_offset offset = compute_clock_offset(params.tsc_hz, params.origin);
    if (params.guest_tsc && params.guest_tsc->ratio > static_cast<std::uint64_t>(
                                                          std::numeric_limits<std::int64_t>::max()))
        throw std::invalid_argument("guest TSC ratio does not fit a CTF env integer (2^63)");

    std::string m;
    m.reserve(8192);
    m += "/* CTF 1.8 */\n\n";
    m += "/* Written by ltt-xen. Event ids: facility base + local id (see the\n"
         " * ltt-facility comments before each facility's events). */\n\n";
    m += typealiases;
    m += "\ntrace {\n\tmajor = 1;\n\tminor = 8;\n";
    m += fmt::format("\tuuid = \"{}\";\n", uuid_to_string(params.trace_uuid));
    m += "\tbyte_order = le;\n";
    m += packet_header_decl;
    m += "};\n\n";

    m += "env {\n";
    m += "\ttracer_name = \"ltt-xen\";\n";
    m += fmt::format("\ttracer_major = {};\n\ttracer_minor = {};\n\ttracer_patchlevel = {};\n",
                     LTT_VERSION_MAJOR, LTT_VERSION_MINOR, LTT_VERSION_PATCH);
    m += fmt::format("\tdomain = \"{}\";\n", domain_name(params.domain));
    m += fmt::format("\txen_domid = {};\n", params.xen_domid);
    m += fmt::format("\thostname = \"{}\";\n", escape_tsdl_string(params.hostname));
    m += fmt::format("\ttsc_hz = {};\n", params.tsc_hz);
    if (!params.trace_name.empty())
        m += fmt::format("\ttrace_name = \"{}\";\n", escape_tsdl_string(params.trace_name));
    if (!params.creation_datetime.empty())
        m += fmt::format("\ttrace_creation_datetime = \"{}\";\n",
                         escape_tsdl_string(params.creation_datetime));
    if (params.guest_tsc) {
        m += fmt::format("\tguest_tsc_ratio = {};\n", params.guest_tsc->ratio);
        m += fmt::format("\tguest_tsc_frac_bits = {};\n", params.guest_tsc->frac_bits);
        m += fmt::format("\tguest_tsc_offset = {};\n", params.guest_tsc->offset);
    }
    std::set<std::string_view> extra_names;
    for (const auto& [name, value] : params.extra_env) {
        if (!is_identifier(name) || reserved_env_names().contains(name) ||
            !extra_names.insert(name).second)
            throw std::invalid_argument(
                fmt::format("env name `{}` is not a lower-case identifier, is reserved, or is "
                            "given twice",
                            name));
        if (const auto* i = std::get_if<std::int64_t>(&value))
            m += fmt::format("\t{} = {};\n", name, *i);
        else
            m += fmt::format("\t{} = \"{}\";\n", name,
                             escape_tsdl_string(std::get<std::string>(value)));
    }
    m += "};\n\n";

    m += "clock {\n\tname = \"tsc\";\n";
    m += fmt::format("\tuuid = \"{}\";\n", uuid_to_string(params.clock_uuid));
    m += "\tdescription = \"Host TSC\";\n";
    m += fmt::format("\tfreq = {};\n", params.tsc_hz);
    m += "\t/* the origin's TSC maps to its Unix time: offset_s + (offset + tsc) / freq */\n";
    m += fmt::format("\toffset_s = {};\n\toffset = {};\n", offset.seconds, offset.cycles);
    m += "\tabsolute = true;\n};\n\n";

    m += clock_typealiases;
    m += '\n';
    m += packet_context_decl;
    m += '\n';
    const bool compact = layout.header == event_header_kind::compact;
    m += compact ? compact_header_decl : large_header_decl;
    m += "\nstream {\n\tid = 0;\n";
    m += fmt::format("\tevent.header := struct event_header_{};\n", to_string(layout.header));
    m += "\tpacket.context := struct packet_context;\n};\n";

    for (std::size_t i = 0; i < fragments.size(); ++i) {
        m += '\n';
        m += fragments[i].rebased(layout.facilities[i].base);
    }
    return m;
}

} // namespace ltt
