// genevent: facility XML -> tracepoints, lttng-ust providers, CTF metadata
// fragments and C++ event descriptors. See genevent/README.md.
#include "diagnostic.hpp"
#include "generate.hpp"
#include "output_writer.hpp"
#include "xml_loader.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <map>

namespace {

// Exit statuses: 1 for anything wrong with the inputs (one `file:line:
// message` on stderr), 2 for a wrong command line.
constexpr int kExitInputError = 1;
constexpr int kExitUsage = 2;

// The schema next to the sources when genevent runs from a build tree (so an
// edited facility.xsd takes effect without installing), else the installed one.
std::string default_schema() {
    std::error_code ec;
    if (std::filesystem::exists(LTT_GENEVENT_SOURCE_SCHEMA, ec)) {
        return LTT_GENEVENT_SOURCE_SCHEMA;
    }
    return LTT_GENEVENT_INSTALLED_SCHEMA;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"genevent: generate tracepoints, CTF metadata and event descriptors from "
                 "ltt-xen facility files"};
    std::string target_name;
    std::string output;
    std::string schema_path = default_schema();
    std::vector<std::string> files;
    const std::map<std::string, genevent::Target> targets{
        {"xen", genevent::Target::Xen}, {"kernel", genevent::Target::Kernel},
        {"ust", genevent::Target::Ust}, {"ctf", genevent::Target::Ctf},
        {"cpp", genevent::Target::Cpp},
    };
    app.add_option("-t,--target", target_name, "what to generate: xen, kernel, ust, ctf, cpp")
        ->required()
        ->check(CLI::IsMember({"xen", "kernel", "ust", "ctf", "cpp"}));
    app.add_option("-o,--output", output, "directory for the generated files")->required();
    app.add_option("--schema", schema_path, "facility.xsd to validate against")
        ->capture_default_str();
    app.add_option("facilities", files, "facility XML files; their order fixes event ids")
        ->required();
    app.set_version_flag("--version", std::string("genevent ") + PROJECT_VERSION_STRING);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "genevent: %s (see genevent --help)\n", e.what());
        return kExitUsage;
    }

    try {
        const genevent::XmlLibrary xml;
        const genevent::Target target = targets.at(target_name);
        const genevent::Schema schema = genevent::Schema::load(schema_path);
        std::vector<genevent::Input> inputs;
        for (const std::string& file : files) {
            inputs.push_back({file, std::nullopt});
        }
        const genevent::FacilitySet set = genevent::load_set(inputs, target, schema);
        genevent::write_outputs(output, genevent::render(set, target));
    } catch (const genevent::Diagnostic& d) {
        std::fprintf(stderr, "%s\n", d.what());
        return kExitInputError;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "genevent: %s\n", e.what());
        return kExitInputError;
    }
    return 0;
}
