// Helpers for genevent's unit tests: the schema, and facility documents built
// from short snippets so each test states only what it is about.
#pragma once

#include "diagnostic.hpp"
#include "generate.hpp"
#include "xml_loader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace genevent::test {

// libxml2 set up once for the test binary, the schema compiled once.
inline const Schema& schema() {
    static const XmlLibrary library;
    static const Schema compiled = Schema::load(GENEVENT_SCHEMA);
    return compiled;
}

// A facility document: `body` goes after the facility's description.
inline std::string facility_xml(const std::string& name, const std::string& layer,
                                const std::string& body) {
    return "<?xml version=\"1.0\"?>\n<facility name=\"" + name + "\" layer=\"" + layer +
           "\">\n<description>Test.</description>\n" + body + "</facility>\n";
}

// An event with the given <field .../> elements (one per entry).
inline std::string event_xml(const std::string& name, const std::vector<std::string>& fields) {
    std::string text = "<event name=\"" + name +
                       "\">\n<description>An event.</description>\n"
                       "<location file=\"a.c\" function=\"f\"/>\n";
    for (const std::string& f : fields) {
        text += f + "\n";
    }
    return text + "</event>\n";
}

inline std::string field_xml(const std::string& name, const std::string& attributes) {
    return "<field name=\"" + name + "\" " + attributes + " description=\"A field.\"/>";
}

// Loads and checks in-memory documents named a.xml, b.xml, ...
inline FacilitySet load(const std::vector<std::string>& documents, Target target = Target::Ctf) {
    std::vector<Input> inputs;
    for (size_t i = 0; i < documents.size(); ++i) {
        inputs.push_back({std::string(1, static_cast<char>('a' + i)) + ".xml", documents[i]});
    }
    return load_set(inputs, target, schema());
}

// The diagnostic text loading `documents` produces, or "" if none.
inline std::string error_of(const std::vector<std::string>& documents,
                            Target target = Target::Ctf) {
    try {
        load(documents, target);
    } catch (const Diagnostic& d) {
        return d.what();
    }
    return "";
}

} // namespace genevent::test
