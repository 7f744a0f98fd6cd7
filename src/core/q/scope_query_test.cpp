// scopeQ (ETSI GS CIM 009 v1.8 §4.19); cases from the conformance suite's 019_01_06 and
// 019_34 (entities with scopes /Madrid/Gardens/ParqueNorte and, for the second, also
// /CompanyA/OrganizationB/UnitC).
#include <gtest/gtest.h>

#include "core/q/scope_query.hpp"

namespace renkei::core::q {
namespace {

const std::vector<std::string> kOneScope = {"/Madrid/Gardens/ParqueNorte"};
const std::vector<std::string> kManyScopes = {"/Madrid/Gardens/ParqueNorte",
                                              "/CompanyA/OrganizationB/UnitC"};

bool S(std::string_view scope_q, const std::vector<std::string>& scopes) {
  auto filter = ParseLdScopeQuery(scope_q);
  EXPECT_TRUE(filter.has_value()) << scope_q << ": " << (filter ? "" : filter.error().detail);
  return filter && filter->Matches(scopes);
}

int Count(std::string_view scope_q) {
  return (S(scope_q, kOneScope) ? 1 : 0) + (S(scope_q, kManyScopes) ? 1 : 0);
}

std::string ErrorOf(std::string_view scope_q) {
  auto filter = ParseLdScopeQuery(scope_q);
  EXPECT_FALSE(filter.has_value()) << scope_q;
  if (filter) return "";
  EXPECT_EQ(filter.error().code, base::ErrorCode::kBadRequestData);
  return filter.error().detail;
}

TEST(ScopeQueryTest, ConformanceSuiteCounts) {
  EXPECT_EQ(Count("/Madrid/Gardens/ParqueNorte"), 2);
  EXPECT_EQ(Count("/Madrid/+/ParqueNorte"), 2);
  EXPECT_EQ(Count("/CompanyA/#"), 1);
  EXPECT_EQ(Count("/#"), 2);
  EXPECT_EQ(Count("/Madrid/Gardens/ParqueNorte;/CompanyA/OrganizationB/UnitC"), 1);
  EXPECT_EQ(Count("/Madrid/Gardens/ParqueNorte,/CompanyA/OrganizationB/UnitC"), 2);
  EXPECT_EQ(Count("(/Madrid/Gardens/ParqueNorte;/CompanyA/OrganizationB/UnitC)"), 1);
  EXPECT_EQ(Count("(/Madrid/Gardens/ParqueNorte;/CompanyA/OrganizationB/UnitC)|/Madrid/Gardens/"
                  "ParqueNorte"),
            2);
  EXPECT_EQ(Count("/CompanyA/OrganizationB/UnitC|/Nowhere/AtAll"), 1);
  EXPECT_EQ(Count("(/Madrid/Gardens/ParqueNorte;/Nowhere/AtAll)"), 0);
}

TEST(ScopeQueryTest, PatternSemantics) {
  EXPECT_TRUE(S("/Madrid/#", {"/Madrid"}));  // `#` includes the scope itself
  EXPECT_TRUE(S("/Madrid/#", {"/Madrid/Gardens/ParqueNorte"}));
  EXPECT_FALSE(S("/Madrid/#", {"/Madridista"}));
  EXPECT_FALSE(S("/Madrid", {"/Madrid/Gardens"}));  // exact without `#`
  EXPECT_FALSE(S("/Madrid/+", {"/Madrid"}));
  EXPECT_FALSE(S("/Madrid/+", {"/Madrid/Gardens/ParqueNorte"}));
  EXPECT_TRUE(S("/+/Gardens/#", {"/Madrid/Gardens/ParqueNorte"}));
  EXPECT_FALSE(S("/#", {}));  // no scope at all
  EXPECT_FALSE(S("/a|/b;/c", {"/b"}));
  EXPECT_TRUE(S("/a|/b;/c", {"/b", "/c"}));
}

TEST(ScopeQueryTest, ParsedShape) {
  auto filter = ParseLdScopeQuery("/a/+/#");
  ASSERT_TRUE(filter.has_value());
  const ScopePattern& p = filter->expression().term;
  EXPECT_EQ(p.levels, (std::vector<std::string>{"a", "+"}));
  EXPECT_TRUE(p.descendants);
}

TEST(ScopeQueryTest, BadInput) {
  EXPECT_EQ(ErrorOf(""), "scopeQ: empty expression at position 0");
  EXPECT_EQ(ErrorOf("Madrid"), "scopeQ: a scope starts with '/' at position 0");
  EXPECT_EQ(ErrorOf("/a//b"), "scopeQ: empty scope level at position 3");
  EXPECT_EQ(ErrorOf("/a/"), "scopeQ: empty scope level at position 3");
  EXPECT_EQ(ErrorOf("/#/a"), "scopeQ: '#' must be the last level at position 2");
  EXPECT_EQ(ErrorOf("/a+b"), "scopeQ: '+' and '#' must stand alone as a level at position 1");
  EXPECT_EQ(ErrorOf("(/a;/b"), "scopeQ: missing ')' for the '(' at position 0");
  EXPECT_EQ(ErrorOf("/a,,/b"), "scopeQ: expected a scope at position 3");
  EXPECT_EQ(ErrorOf("/a)"), "scopeQ: unbalanced ')' at position 2");
}

}  // namespace
}  // namespace renkei::core::q
