#include "generate.hpp"

#include "emit_c_tracepoints.hpp"
#include "emit_cpp.hpp"
#include "emit_ctf.hpp"
#include "emit_ust.hpp"
#include "id_assignment.hpp"
#include "semantic_checks.hpp"

namespace genevent {

FacilitySet load_set(const std::vector<Input>& inputs, Target target, const Schema& schema) {
    FacilitySet set;
    for (const Input& input : inputs) {
        set.facilities.push_back(input.contents ? load_facility(*input.contents, input.path, schema)
                                                : load_facility_file(input.path, schema));
    }
    check_and_resolve(set, target);
    assign_ids(set);
    return set;
}

Outputs render(const FacilitySet& set, Target target) {
    switch (target) {
    case Target::Xen:
    case Target::Kernel:
        return emit_c_tracepoints(set, target);
    case Target::Ust:
        return emit_ust(set);
    case Target::Ctf:
        return emit_ctf(set);
    case Target::Cpp:
        return emit_cpp(set);
    }
    return {};
}

} // namespace genevent
