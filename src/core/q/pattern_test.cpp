#include "core/q/pattern.hpp"

#include <gtest/gtest.h>

#include "core/q/filter.hpp"
#include "core/q/ld_query.hpp"

namespace renkei::core::q {
namespace {

TEST(QPattern, AcceptsOrdinaryPatterns) {
  for (const char* p : {"x.*", "(?:ab)+c", "(x|y)[0-9]", "^K.*[A-Z]('|\\\\)$", "a{2,3}b+?", "[+*]+",
                        "\\++", "(a)(b+)", "a|b*"}) {
    EXPECT_FALSE(HasNestedQuantifiers(p)) << p;
    EXPECT_NE(CompilePattern(p, std::regex::ECMAScript), nullptr) << p;
  }
}

TEST(QPattern, RejectsNestedQuantifiers) {
  for (const char* p : {".++", "a*+", "a{2}{3}", "(a+)*", "((x*)y)+", "(?:a|b+){2,}", "a+??"}) {
    EXPECT_TRUE(HasNestedQuantifiers(p)) << p;
    EXPECT_EQ(CompilePattern(p, std::regex::ECMAScript), nullptr) << p;
  }
}

// Found by tests/fuzz/ld_query_fuzz.cpp: `\8888888888888888888...` overflowed a long inside
// libstdc++'s regex compiler (UBSan: signed integer overflow in regex_compiler.tcc).
TEST(QPattern, RejectsOversizedNumbers) {
  EXPECT_EQ(CompilePattern("(a)\\88888888888888888888888", std::regex::ECMAScript), nullptr);
  EXPECT_EQ(CompilePattern("a{99999999999999999999}", std::regex::ECMAScript), nullptr);
  EXPECT_EQ(CompilePattern("a{1,99999999999999999999}", std::regex::ECMAScript), nullptr);
  EXPECT_NE(CompilePattern("(a)\\1b{2,10}", std::regex::ECMAScript), nullptr);
  EXPECT_FALSE(ParseLdQuery("name~=(x)\\8888888888888888888888", IdentityTerm).has_value());
}

// Found by tests/fuzz/v2_query_fuzz.cpp: "name~=^K.++++" followed by 42 bytes 0x8f and "+."
// backtracked for minutes in std::regex_search against the value "Kitchen 'A'".
TEST(QPattern, StackedQuantifiersAreABadRequestInBothDialects) {
  auto v2 = ParseV2Query("name~=^K.++++x+.");
  ASSERT_FALSE(v2.has_value());
  EXPECT_EQ(v2.error().detail, "error compiling filter regex: '^K.++++x+.'");
  EXPECT_FALSE(ParseLdQuery("name~=(a+)+b", IdentityTerm).has_value());
  EXPECT_TRUE(ParseV2Query("name~=^K.+").has_value());
}

}  // namespace
}  // namespace renkei::core::q
