// ltt/trace_index.hpp - <out>/index.json: what one recording session wrote
// (DESIGN.md section 3): its domains, their channels (one trace directory
// each) with facilities and mode, and per-CPU packet, record and loss counts
// with totals. For people and scripts; the traces themselves stay plain CTF.
#pragma once

#include <ltt/metadata_writer.hpp>
#include <ltt/trace_writer.hpp>
#include <ltt/uuid.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ltt {

struct index_channel {
    std::string name; // e.g. "xen", "kernel"
    std::string path; // the trace directory, relative to the session root
    std::string mode; // "discard" or "overwrite"
    event_header_kind header = event_header_kind::compact;
    std::uint64_t subbuf_size = 0;  // bytes, 0 when not known
    std::uint64_t subbuf_count = 0; // per CPU, 0 when not known
    std::vector<facility_slot> facilities;
    std::vector<stream_stats> cpus;
};

struct index_domain {
    std::string name; // "hypervisor", "dom0", "domU-3", "ust"
    ltt::layer kind = layer::xen;
    std::uint32_t xen_domid = 0;
    std::vector<index_channel> channels;
    // Why the domain stopped being recorded before the session did (a guest
    // that went away); empty while it is recorded.
    std::string ended;
};

struct session_index {
    std::string name;
    std::string mode;    // the session's mode: "discard" or "overwrite"
    std::string created; // ISO 8601
    std::string hostname;
    std::uint64_t tsc_hz = 0;
    ltt::uuid clock_uuid{};
    std::vector<index_domain> domains;
};

// The JSON form, with per-channel, per-domain and session totals.
nlohmann::json to_json(const session_index& index);

// Back from JSON (totals are recomputed, not read). std::invalid_argument
// naming the problem on a document that is not an ltt-xen index.
session_index index_from_json(const nlohmann::json& json);

// Writes <root>/index.json atomically (temporary + rename, synced).
void write_index(const std::filesystem::path& root, const session_index& index);

// Reads <root>/index.json; std::system_error / std::invalid_argument naming
// the file.
session_index read_index(const std::filesystem::path& root);

} // namespace ltt
