// Semantic checks: each rule gives one diagnostic at the right line, and a
// valid set is resolved (field kinds, enum references).
#include "test_support.hpp"

namespace genevent {
namespace {

using test::error_of;
using test::event_xml;
using test::facility_xml;
using test::field_xml;

std::string one_field(const std::string& layer, const std::string& field) {
    return facility_xml("fac", layer, event_xml("ev", {field}));
}

std::string with_enum(const std::string& type, const std::string& values) {
    return facility_xml("fac", "xen",
                        "<enum name=\"e\" type=\"" + type + "\">" + values + "</enum>\n" +
                            event_xml("ev", {field_xml("f", "enum=\"e\"")}));
}

TEST(Checks, ValidSetIsResolved) {
    const FacilitySet set = test::load({facility_xml(
        "fac", "kernel",
        "<enum name=\"color\" type=\"u8\"><value name=\"red\" value=\"1\"/></enum>\n" +
            event_xml("ev", {field_xml("a", "type=\"s16\""), field_xml("b", "enum=\"color\""),
                             field_xml("c", "type=\"string\"")}))});
    const Event& ev = set.facilities[0].events[0];
    EXPECT_EQ(ev.fields[0].kind, Field::Kind::Integer);
    EXPECT_EQ(ev.fields[0].int_type, IntType::S16);
    EXPECT_EQ(ev.fields[1].kind, Field::Kind::Enum);
    EXPECT_EQ(ev.fields[1].int_type, IntType::U8);
    EXPECT_EQ(ev.fields[1].enum_index, 0);
    EXPECT_EQ(ev.fields[2].kind, Field::Kind::String);
    EXPECT_TRUE(ev.has_strings());
    EXPECT_EQ(ev.fixed_payload_size(), 3u);
}

TEST(Checks, DuplicateNames) {
    EXPECT_EQ(error_of({facility_xml("fac", "xen", event_xml("ev", {}) + event_xml("ev", {}))}),
              "a.xml:8: duplicate event 'ev' (first at line 4)");
    EXPECT_EQ(error_of({facility_xml("f1", "xen", event_xml("ev", {})),
                        facility_xml("f2", "xen", event_xml("ev", {}))}),
              "b.xml:4: duplicate event 'ev' (first at a.xml:4)");
    EXPECT_EQ(error_of({facility_xml("fac", "xen",
                                     event_xml("ev", {field_xml("x", "type=\"u8\""),
                                                      field_xml("x", "type=\"u8\"")}))}),
              "a.xml:8: duplicate field 'x' in event 'ev' (first at line 7)");
    EXPECT_EQ(error_of({facility_xml("same", "xen", event_xml("e1", {})),
                        facility_xml("same", "xen", event_xml("e2", {}))}),
              "b.xml:2: duplicate facility 'same' (first at a.xml:2)");
    EXPECT_NE(error_of({with_enum("u8", "<value name=\"v\" value=\"1\"/><value name=\"v\" "
                                        "value=\"2\"/>")})
                  .find("duplicate value name 'v' in enum 'e'"),
              std::string::npos);
}

TEST(Checks, EnumValuesMustFitTheirType) {
    struct Case {
        const char* type;
        const char* value;
        bool fits;
    };
    const Case cases[] = {
        {"u8", "255", true},
        {"u8", "256", false},
        {"u8", "-1", false},
        {"s8", "-128", true},
        {"s8", "-129", false},
        {"s8", "127", true},
        {"s8", "128", false},
        {"u16", "65535", true},
        {"u16", "65536", false},
        {"s16", "-32769", false},
        {"u32", "4294967295", true},
        {"u32", "4294967296", false},
        {"s32", "-2147483648", true},
        {"s32", "2147483648", false},
        {"u64", "9223372036854775807", true},
        {"u64", "-1", false},
        {"s64", "-9223372036854775808", true},
    };
    for (const Case& c : cases) {
        const std::string error = error_of(
            {with_enum(c.type, std::string("<value name=\"v\" value=\"") + c.value + "\"/>")});
        EXPECT_EQ(error.empty(), c.fits) << c.type << " " << c.value << ": " << error;
        if (!c.fits) {
            EXPECT_NE(error.find("does not fit enum 'e'"), std::string::npos) << error;
        }
    }
}

TEST(Checks, FieldTypes) {
    EXPECT_EQ(error_of({one_field("xen", field_xml("f", "enum=\"missing\""))}),
              "a.xml:7: field 'f' of event 'ev' uses unknown enum 'missing'");
    EXPECT_EQ(error_of({one_field("xen", "<field name=\"f\" description=\"d\"/>")}),
              "a.xml:7: field 'f' of event 'ev' needs exactly one of type= or enum=");
    EXPECT_NE(error_of({one_field("xen", field_xml("f", "type=\"string\""))})
                  .find("strings are not allowed in layer xen"),
              std::string::npos);
    EXPECT_EQ(error_of({one_field("kernel", field_xml("f", "type=\"string\""))}), "");
    EXPECT_EQ(error_of({one_field("ust", field_xml("f", "type=\"string\""))}), "");
    EXPECT_NE(error_of({one_field("kernel", field_xml("f", "type=\"string\" length=\"2\""))})
                  .find("arrays of strings are not supported"),
              std::string::npos);
}

TEST(Checks, ReservedNames) {
    for (const char* name : {"int", "switch", "class", "namespace", "event", "stream", "fields",
                             "timestamp", "id", "ltt_x", "uint32_t", "current", "bool"}) {
        EXPECT_NE(error_of({one_field("xen", field_xml(name, "type=\"u8\""))}).find("is reserved"),
                  std::string::npos)
            << name;
        EXPECT_NE(error_of({facility_xml("fac", "xen", event_xml(name, {}))}).find("is reserved"),
                  std::string::npos)
            << name;
    }
    for (const char* name : {"integer_value", "identifier", "event_count", "ltt"}) {
        EXPECT_EQ(error_of({one_field("xen", field_xml(name, "type=\"u8\""))}), "") << name;
    }
}

TEST(Checks, GeneratedMacroNamesMustNotCollide) {
    EXPECT_EQ(error_of({with_enum("u8", "<value name=\"v\" value=\"1\"/>")}), "");
    const std::string two_enums =
        facility_xml("fac", "xen",
                     "<enum name=\"a\" type=\"u8\"><value name=\"b_c\" value=\"0\"/></enum>\n"
                     "<enum name=\"a_b\" type=\"u8\"><value name=\"c\" value=\"0\"/></enum>\n" +
                         event_xml("ev", {}));
    EXPECT_NE(error_of({two_enums}).find("enum constant LTT_A_B_C"), std::string::npos);
    const std::string same_enum_two_facilities =
        "<enum name=\"mode\" type=\"u8\"><value name=\"on\" value=\"1\"/></enum>\n";
    EXPECT_NE(error_of({facility_xml("f1", "xen", same_enum_two_facilities + event_xml("e1", {})),
                        facility_xml("f2", "xen", same_enum_two_facilities + event_xml("e2", {}))})
                  .find("collides with the one generated at a.xml:4"),
              std::string::npos);
    EXPECT_NE(
        error_of({facility_xml("fac", "xen",
                               "<enum name=\"pkt_kind\" type=\"u8\"><value name=\"a\" value=\"0\"/>"
                               "</enum>\n" +
                                   event_xml("ev", {}))})
            .find("macro family"),
        std::string::npos);
}

TEST(Checks, LayersAndTargets) {
    const std::string xen = facility_xml("fx", "xen", event_xml("ex", {}));
    const std::string kernel = facility_xml("fk", "kernel", event_xml("ek", {}));
    const std::string ust = facility_xml("fu", "ust", event_xml("eu", {}));
    EXPECT_NE(error_of({xen, kernel}).find("one invocation generates one layer"),
              std::string::npos);
    EXPECT_EQ(error_of({xen}, Target::Xen), "");
    EXPECT_EQ(error_of({kernel}, Target::Kernel), "");
    EXPECT_EQ(error_of({ust}, Target::Ust), "");
    for (const std::string& doc : {xen, kernel, ust}) {
        EXPECT_EQ(error_of({doc}, Target::Ctf), "");
        EXPECT_EQ(error_of({doc}, Target::Cpp), "");
    }
    EXPECT_NE(error_of({kernel}, Target::Xen).find("target xen needs facilities of layer xen"),
              std::string::npos);
    EXPECT_NE(error_of({xen}, Target::Kernel).find("target kernel needs"), std::string::npos);
    EXPECT_NE(error_of({xen}, Target::Ust).find("target ust needs"), std::string::npos);
    EXPECT_NE(error_of({kernel}, Target::Ust).find("target ust needs"), std::string::npos);
}

TEST(Checks, UstEventsTakeAtMostTenFields) {
    std::vector<std::string> fields;
    for (int i = 0; i < 10; ++i) {
        fields.push_back(field_xml("f" + std::to_string(i), "type=\"u8\""));
    }
    EXPECT_EQ(error_of({facility_xml("fu", "ust", event_xml("ev", fields))}, Target::Ust), "");
    fields.push_back(field_xml("f10", "type=\"u8\""));
    EXPECT_NE(error_of({facility_xml("fu", "ust", event_xml("ev", fields))}, Target::Ust)
                  .find("at most 10"),
              std::string::npos);
    // The limit is lttng-ust's: other layers allow the schema's 32.
    EXPECT_EQ(error_of({facility_xml("fk", "kernel", event_xml("ev", fields))}), "");
}

} // namespace
} // namespace genevent
