// The canonical form and its CRC-32: exactly what the README documents, and
// only what affects the binary layout and the identity of events.
#include "checksum.hpp"
#include "test_support.hpp"

#include <zlib.h>

namespace genevent {
namespace {

using test::event_xml;
using test::facility_xml;
using test::field_xml;

std::string document(const std::string& description, const std::string& display,
                     const std::string& location) {
    return facility_xml(
        "fac", "kernel",
        "<enum name=\"color\" type=\"s8\" description=\"" + description +
            "\"><value name=\"red\" value=\"-1\"/><value name=\"blue\" value=\"2\"/></enum>\n"
            "<event name=\"ev\"><description>" +
            description + "</description><location file=\"" + location + "\" function=\"f\"/>" +
            field_xml("a", "type=\"u16\" display=\"" + display + "\"") +
            field_xml("b", "enum=\"color\" length=\"4\"") + field_xml("c", "type=\"string\"") +
            "</event>\n" + event_xml("empty", {}));
}

TEST(Checksum, CanonicalFormIsDocumentedText) {
    const FacilitySet set = test::load({document("One.", "dec", "a.c")});
    EXPECT_EQ(canonical_form(set.facilities[0]), "facility fac kernel\n"
                                                 "enum color s8\n"
                                                 "value red -1\n"
                                                 "value blue 2\n"
                                                 "event ev\n"
                                                 "field a u16 1\n"
                                                 "field b enum:color 4\n"
                                                 "field c string 1\n"
                                                 "event empty\n");
}

TEST(Checksum, IsZlibCrc32OfTheCanonicalForm) {
    const FacilitySet set = test::load({document("One.", "dec", "a.c")});
    const std::string text = canonical_form(set.facilities[0]);
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(text.data()),
                            static_cast<uInt>(text.size()));
    EXPECT_EQ(checksum(set.facilities[0]), static_cast<uint32_t>(crc));
    EXPECT_EQ(set.facilities[0].checksum, static_cast<uint32_t>(crc));
    // A fixed value, so an accidental change of the canonical form shows.
    EXPECT_EQ(set.facilities[0].checksum, 0xba522cd8u);
}

TEST(Checksum, DocumentationDoesNotMatter) {
    const uint32_t base = test::load({document("One.", "dec", "a.c")}).facilities[0].checksum;
    EXPECT_EQ(test::load({document("Two.", "dec", "a.c")}).facilities[0].checksum, base);
    EXPECT_EQ(test::load({document("One.", "hex", "a.c")}).facilities[0].checksum, base);
    EXPECT_EQ(test::load({document("One.", "dec", "b.c")}).facilities[0].checksum, base);
}

TEST(Checksum, LayoutAndIdentityDo) {
    const auto sum = [](const std::string& body) {
        return test::load({facility_xml("fac", "xen", body)}).facilities[0].checksum;
    };
    const std::string a = event_xml("a", {field_xml("x", "type=\"u8\"")});
    const std::string b = event_xml("b", {field_xml("x", "type=\"u8\"")});
    const uint32_t base = sum(a + b);
    EXPECT_NE(sum(b + a), base); // order fixes ids
    EXPECT_NE(sum(a + event_xml("b", {field_xml("x", "type=\"s8\"")})), base);
    EXPECT_NE(sum(a + event_xml("b", {field_xml("y", "type=\"u8\"")})), base);
    EXPECT_NE(sum(a + event_xml("b", {field_xml("x", "type=\"u8\" length=\"2\"")})), base);
    EXPECT_NE(sum(a + event_xml("c", {field_xml("x", "type=\"u8\"")})), base);
    EXPECT_NE(test::load({facility_xml("other", "xen", a + b)}).facilities[0].checksum, base);
}

} // namespace
} // namespace genevent
