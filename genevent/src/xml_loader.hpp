// Facility files -> model: libxml2 parses (keeping line numbers), validates
// against facility.xsd, and the DOM is turned into a Facility. Only the
// structure the schema guarantees is read here; meaning is checked later by
// semantic_checks, so the loader stays a plain translation.
#pragma once

#include "model.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace genevent {

// libxml2 keeps global state (parser dictionaries, schema type tables): it is
// set up once per process and torn down at exit so leak checkers stay quiet.
class XmlLibrary {
public:
    XmlLibrary();
    ~XmlLibrary();
    XmlLibrary(const XmlLibrary&) = delete;
    XmlLibrary& operator=(const XmlLibrary&) = delete;
};

// The compiled facility.xsd; load once, validate many documents.
class Schema {
public:
    // Throws Diagnostic naming `path` when the schema cannot be read or compiled.
    static Schema load(const std::string& path);

    Schema(Schema&&) noexcept;
    Schema& operator=(Schema&&) noexcept;
    ~Schema();

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    explicit Schema(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Largest facility file genevent reads: far above any real facility, low
// enough that a wrong argument (a device, a huge log) fails fast.
inline constexpr size_t kMaxFacilityFileSize = 8u << 20;

// Reads and loads one facility file. Throws Diagnostic (file[:line]: message)
// for I/O errors, empty files, malformed XML and schema violations.
Facility load_facility_file(const std::string& path, const Schema& schema);

// Loads a facility from memory; `path` is the name used in diagnostics and
// whose base name is recorded in the model. The fuzzer's entry point.
Facility load_facility(std::string_view contents, const std::string& path, const Schema& schema);

} // namespace genevent
