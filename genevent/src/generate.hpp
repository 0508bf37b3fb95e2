// The whole pipeline short of writing files: load every facility file (in
// the order given: it fixes event ids), check and resolve the set, compute
// checksums and ids, render the target's files in memory. main() and the
// fuzzer share it.
#pragma once

#include "model.hpp"
#include "text.hpp"
#include "xml_loader.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace genevent {

// A facility document: its name for diagnostics and, optionally, its
// contents already in memory (otherwise the file is read).
struct Input {
    std::string path;
    std::optional<std::string> contents;
};

// Loads, checks and numbers a set of facilities. Throws Diagnostic.
FacilitySet load_set(const std::vector<Input>& inputs, Target target, const Schema& schema);

// The files of `target` for a checked set.
Outputs render(const FacilitySet& set, Target target);

} // namespace genevent
