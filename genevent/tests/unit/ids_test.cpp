// Event ids: command-line order of facilities, document order of events.
#include "test_support.hpp"

namespace genevent {
namespace {

using test::event_xml;
using test::facility_xml;

std::string facility(const std::string& name, const std::vector<std::string>& events) {
    std::string body;
    for (const std::string& e : events) {
        body += event_xml(e, {});
    }
    return facility_xml(name, "xen", body);
}

TEST(Ids, BasesFollowArgumentOrder) {
    const std::string f1 = facility("first", {"a", "b", "c"});
    const std::string f2 = facility("second", {"d"});
    const std::string f3 = facility("third", {"e", "f"});

    FacilitySet set = test::load({f1, f2, f3});
    EXPECT_EQ(set.total_events(), 6u);
    EXPECT_EQ(set.facilities[0].base, 0u);
    EXPECT_EQ(set.facilities[1].base, 3u);
    EXPECT_EQ(set.facilities[2].base, 4u);
    EXPECT_EQ(set.facilities[0].events[2].local_id, 2u);
    EXPECT_EQ(set.facilities[2].events[1].local_id, 1u);

    set = test::load({f3, f1, f2});
    EXPECT_EQ(set.facilities[0].name, "third");
    EXPECT_EQ(set.facilities[0].base, 0u);
    EXPECT_EQ(set.facilities[1].base, 2u);
    EXPECT_EQ(set.facilities[2].base, 5u);
}

TEST(Ids, LocalIdsDependOnlyOnTheFacility) {
    const std::string f1 = facility("first", {"a", "b"});
    const std::string f2 = facility("second", {"c", "d", "e"});
    const FacilitySet alone = test::load({f2});
    const FacilitySet after = test::load({f1, f2});
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(alone.facilities[0].events[i].local_id, after.facilities[1].events[i].local_id);
    }
    EXPECT_EQ(alone.facilities[0].checksum, after.facilities[1].checksum);
}

} // namespace
} // namespace genevent
