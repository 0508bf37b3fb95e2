// Text helpers of the emitters: comment safety, wrapping, literals, layout.
#include "c_writer.hpp"
#include "text.hpp"

#include <gtest/gtest.h>

namespace genevent {
namespace {

TEST(Text, CommentTextCannotCloseOrNestAComment) {
    EXPECT_EQ(comment_text("a */ b /* c"), "a * / b / * c");
    EXPECT_EQ(comment_text("x*/*/y"), "x* / * /y");
    EXPECT_EQ(comment_text("//"), "//");
    EXPECT_EQ(comment_text("  two\n\tlines  \r\n "), "two lines");
    EXPECT_EQ(comment_text(std::string("nul\0byte", 8)), "nul byte");
}

TEST(Text, Wrap) {
    EXPECT_EQ(wrap("aaa bbb ccc", 7), (std::vector<std::string>{"aaa bbb", "ccc"}));
    EXPECT_EQ(wrap("averyveryverylongword x", 5),
              (std::vector<std::string>{"averyveryverylongword", "x"}));
    EXPECT_TRUE(wrap("", 10).empty());
}

TEST(Text, EnumLiterals) {
    EXPECT_EQ(c_enum_literal(3, IntType::U8), "3");
    EXPECT_EQ(c_enum_literal(-5, IntType::S8), "(-5)");
    EXPECT_EQ(c_enum_literal(4000000000, IntType::U32), "4000000000u");
    EXPECT_EQ(c_enum_literal(5000000000, IntType::U64), "5000000000ull");
    EXPECT_EQ(c_enum_literal(5000000000, IntType::S64), "5000000000LL");
    EXPECT_EQ(c_enum_literal(-5000000000, IntType::S64), "(-5000000000LL)");
    EXPECT_EQ(c_enum_literal(INT64_MIN, IntType::S64), "(-9223372036854775807LL - 1)");
    EXPECT_EQ(hex32(0xabcu), "0x00000abc");
}

TEST(CWriter, WrapCallAlignsUnderTheOpenParenthesis) {
    EXPECT_EQ(wrap_call(1, "f", {"a", "b"}, ");"), "\tf(a, b);\n");
    EXPECT_EQ(wrap_call(0, "g", {}, ")"), "g()\n");
    const std::string out =
        wrap_call(1, "some_long_function_name",
                  {"first_argument", "second_argument", "third_argument", "fourth_argument"}, ");");
    // The first line ends exactly at column 80.
    EXPECT_EQ(out, "\tsome_long_function_name(first_argument, second_argument, third_argument,\n"
                   "\t\t\t\tfourth_argument);\n");
}

TEST(CWriter, BlockComments) {
    EXPECT_EQ(block_comment(0, {"short"}), "/* short */\n");
    EXPECT_EQ(block_comment(1, {"a", "", "b"}), "\t/*\n\t * a\n\t *\n\t * b\n\t */\n");
    const std::vector<std::string> lines =
        comment_paragraph(0, "lead: ", std::string(30, 'x') + " " + std::string(60, 'y'));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "lead: " + std::string(30, 'x'));
    EXPECT_EQ(lines[1], "  " + std::string(60, 'y'));
}

} // namespace
} // namespace genevent
