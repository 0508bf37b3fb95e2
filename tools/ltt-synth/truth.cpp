#include "truth.hpp"

namespace ltt::synth {

nlohmann::json to_json(const truth& t) {
    nlohmann::json chains = nlohmann::json::array();
    for (const irq_chain& c : t.chains) {
        nlohmann::json j = {{"domid", c.domid},
                            {"vcpu", c.vcpu},
                            {"irq", c.irq},
                            {"pirq", c.pirq},
                            {"port", c.port},
                            {"xen_irq", c.xen_irq},
                            {"vector", c.vector},
                            {"t_irq", c.t_irq},
                            {"t_pending", c.t_pending},
                            {"t_upcall", c.t_upcall},
                            {"t_handler", c.t_handler},
                            {"t_handler_exit", c.t_handler_exit},
                            {"coalesced", c.coalesced}};
        j["t_runnable"] = c.t_runnable ? nlohmann::json(*c.t_runnable) : nlohmann::json(nullptr);
        j["t_running"] = c.t_running ? nlohmann::json(*c.t_running) : nlohmann::json(nullptr);
        chains.push_back(std::move(j));
    }
    nlohmann::json vcpus = nlohmann::json::array();
    for (const vcpu_truth& v : t.vcpus)
        vcpus.push_back({{"domid", v.domid},
                         {"vcpu", v.vcpu},
                         {"running", v.running},
                         {"runnable", v.runnable},
                         {"blocked", v.blocked},
                         {"changes", v.changes},
                         {"wake_latencies", v.wake_latencies}});
    nlohmann::json hypercalls = nlohmann::json::array();
    for (const auto& [key, v] : t.hypercalls)
        hypercalls.push_back({{"domid", std::get<0>(key)},
                              {"number", std::get<1>(key)},
                              {"count", v.first},
                              {"cycles", v.second}});
    nlohmann::json lanes = nlohmann::json::array();
    for (const lane_truth& l : t.lanes) {
        nlohmann::json guest = nlohmann::json::object();
        for (const auto& [dom, c] : l.guest)
            guest[std::to_string(dom)] = c;
        lanes.push_back({{"pcpu", l.pcpu},
                         {"first", l.first},
                         {"last", l.last},
                         {"hypervisor", l.hypervisor},
                         {"idle", l.idle},
                         {"lost", l.lost},
                         {"guest", std::move(guest)}});
    }
    nlohmann::json lost = nlohmann::json::object();
    for (const auto& [cpu, n] : t.lost)
        lost[std::to_string(cpu)] = n;
    nlohmann::json grants = nlohmann::json::array();
    for (const auto& [key, v] : t.grants)
        grants.push_back({{"granting_domid", std::get<0>(key)},
                          {"mapping_domid", std::get<1>(key)},
                          {"maps", v.first},
                          {"unmaps", v.second}});
    return {{"tsc_hz", t.tsc_hz},           {"xen_events", t.xen_events},
            {"dom0_events", t.dom0_events}, {"chains", std::move(chains)},
            {"coalesced", t.coalesced},     {"unfinished", t.unfinished},
            {"vcpus", std::move(vcpus)},    {"hypercalls", std::move(hypercalls)},
            {"lanes", std::move(lanes)},    {"lost", std::move(lost)},
            {"grants", std::move(grants)}};
}

} // namespace ltt::synth
