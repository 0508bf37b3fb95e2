// The XML front end: parsing, schema validation, line numbers, and the model
// it builds.
#include "test_support.hpp"

#include <fstream>

namespace genevent {
namespace {

using test::event_xml;
using test::facility_xml;
using test::field_xml;

TEST(Loader, BuildsTheModelWithLineNumbers) {
    const std::string xml =
        facility_xml("fac", "kernel",
                     "<enum name=\"color\" type=\"s16\" description=\"Colors.\">\n"
                     "<value name=\"red\" value=\"-3\"/>\n"
                     "<value name=\"blue\" value=\"+0042\"/>\n"
                     "</enum>\n" +
                         event_xml("ev", {field_xml("a", "type=\"u32\" display=\"hex\""),
                                          field_xml("b", "enum=\"color\" length=\"3\""),
                                          field_xml("c", "type=\"string\"")}));
    const Facility f = load_facility(xml, "dir/fac.xml", test::schema());
    EXPECT_EQ(f.name, "fac");
    EXPECT_EQ(f.layer, ltt::layer::kernel);
    EXPECT_EQ(f.path, "dir/fac.xml");
    EXPECT_EQ(f.base_name, "fac.xml");
    EXPECT_EQ(f.line, 2);
    ASSERT_EQ(f.enums.size(), 1u);
    EXPECT_EQ(f.enums[0].type, IntType::S16);
    EXPECT_EQ(f.enums[0].line, 4);
    ASSERT_EQ(f.enums[0].values.size(), 2u);
    EXPECT_EQ(f.enums[0].values[0].value, -3);
    EXPECT_EQ(f.enums[0].values[1].value, 42);
    EXPECT_EQ(f.enums[0].values[1].line, 6);
    ASSERT_EQ(f.events.size(), 1u);
    const Event& ev = f.events[0];
    EXPECT_EQ(ev.name, "ev");
    EXPECT_EQ(ev.line, 8);
    EXPECT_EQ(ev.description, "An event.");
    ASSERT_EQ(ev.locations.size(), 1u);
    EXPECT_EQ(ev.locations[0].function, "f");
    ASSERT_EQ(ev.fields.size(), 3u);
    EXPECT_EQ(ev.fields[0].type_attr, "u32");
    EXPECT_TRUE(ev.fields[0].hex);
    EXPECT_EQ(ev.fields[0].line, 11);
    EXPECT_EQ(ev.fields[1].enum_attr, "color");
    EXPECT_EQ(ev.fields[1].length, 3u);
    EXPECT_FALSE(ev.fields[1].hex);
    EXPECT_EQ(ev.fields[2].type_attr, "string");
}

TEST(Loader, MalformedXmlNamesFileAndLine) {
    try {
        load_facility("<?xml version=\"1.0\"?>\n<facility>\n<oops>\n</facility>\n", "m.xml",
                      test::schema());
        FAIL() << "no error";
    } catch (const Diagnostic& d) {
        EXPECT_EQ(d.file(), "m.xml");
        EXPECT_EQ(d.line(), 4);
        EXPECT_NE(d.message().find("mismatch"), std::string::npos) << d.what();
    }
}

TEST(Loader, SchemaViolationNamesTheElementLine) {
    const std::string xml = facility_xml(
        "fac", "xen", event_xml("ev", {"<field name=\"a\" type=\"u8\"/>"})); // no description
    try {
        load_facility(xml, "s.xml", test::schema());
        FAIL() << "no error";
    } catch (const Diagnostic& d) {
        EXPECT_EQ(d.line(), 7);
        EXPECT_NE(d.message().find("description"), std::string::npos) << d.what();
    }
}

TEST(Loader, RejectsEmptyGarbageAndDoctype) {
    EXPECT_THROW(load_facility("", "e.xml", test::schema()), Diagnostic);
    EXPECT_THROW(load_facility(std::string("\0\1\2\3", 4), "g.xml", test::schema()), Diagnostic);
    EXPECT_THROW(load_facility("<?xml version=\"1.0\"?><!DOCTYPE facility SYSTEM "
                               "\"http://example.invalid/x.dtd\"><facility/>",
                               "d.xml", test::schema()),
                 Diagnostic);
}

TEST(Loader, MissingFileIsADiagnosticWithoutLine) {
    try {
        load_facility_file("no/such/file.xml", test::schema());
        FAIL() << "no error";
    } catch (const Diagnostic& d) {
        EXPECT_EQ(d.line(), 0);
        EXPECT_EQ(std::string(d.what()),
                  "no/such/file.xml: cannot open: No such file or directory");
    }
}

TEST(Loader, ReadsFiles) {
    const Facility f =
        load_facility_file(GENEVENT_TESTS_DIR "/facilities/xen/sample_mem.xml", test::schema());
    EXPECT_EQ(f.name, "sample_mem");
    EXPECT_EQ(f.base_name, "sample_mem.xml");
    EXPECT_EQ(f.events.size(), 2u);
}

TEST(Loader, SchemaThatDoesNotExist) {
    EXPECT_THROW(Schema::load("no/such/schema.xsd"), Diagnostic);
}

} // namespace
} // namespace genevent
