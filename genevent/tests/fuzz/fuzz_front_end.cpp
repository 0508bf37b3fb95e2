// libFuzzer target for genevent's front end: XML parsing and schema
// validation, the semantic checks, id assignment and every emitter, all in
// memory. Input: one facility document, or two separated by a NUL byte (so
// the cross-facility checks are reached too).
#include "diagnostic.hpp"
#include "generate.hpp"
#include "xml_loader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const genevent::Schema* schema = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Process-lifetime objects: libxml2 is initialised once, as in genevent.
    static const genevent::XmlLibrary library;
    static const genevent::Schema compiled = genevent::Schema::load(GENEVENT_SCHEMA);
    schema = &compiled;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<genevent::Input> inputs;
    const size_t nul = input.find('\0');
    if (nul == std::string::npos) {
        inputs.push_back({"fuzz.xml", input});
    } else {
        inputs.push_back({"fuzz-1.xml", input.substr(0, nul)});
        inputs.push_back({"fuzz-2.xml", input.substr(nul + 1)});
    }
    try {
        const genevent::FacilitySet set =
            genevent::load_set(inputs, genevent::Target::Ctf, *schema);
        genevent::render(set, genevent::Target::Ctf);
        genevent::render(set, genevent::Target::Cpp);
        switch (set.layer()) {
        case ltt::layer::xen:
            genevent::render(set, genevent::Target::Xen);
            break;
        case ltt::layer::kernel:
            genevent::render(set, genevent::Target::Kernel);
            break;
        case ltt::layer::ust:
            genevent::render(set, genevent::Target::Ust);
            break;
        }
    } catch (const genevent::Diagnostic&) {
        // Rejected input: the expected outcome for most mutations.
    }
    return 0;
}
