#include "api/common/json_duplicate_keys.hpp"

#include <gtest/gtest.h>

namespace renkei::api::common {
namespace {

TEST(FirstDuplicateKey, FindsADuplicatedTopLevelMember) {
  EXPECT_EQ(FirstDuplicateKey(R"({"id":"E1","type":"T","attr":"value","attr":1})", 1), "attr");
  EXPECT_EQ(FirstDuplicateKey(R"({"a":1,"b":{"a":2}})", 1), std::nullopt);
}

TEST(FirstDuplicateKey, LooksOnlyAtTheRequestedDepth) {
  // Duplicates inside a compound value are the value's business, not an attribute name.
  EXPECT_EQ(FirstDuplicateKey(R"({"a":{"x":1,"x":2}})", 1), std::nullopt);
  EXPECT_EQ(FirstDuplicateKey(R"({"a":{"x":1,"x":2}})", 2), "x");
  EXPECT_EQ(FirstDuplicateKey(R"({"actionType":"append","entities":[{"id":"E","A":1},)"
                              R"({"id":"F","B":1,"B":2}]})",
                              3),
            "B");
}

TEST(FirstDuplicateKey, IgnoredNamesMayRepeat) {
  // Orion takes the last of two "type" members of an entity (case 1885_get_attr_value_date).
  EXPECT_EQ(
      FirstDuplicateKey(R"({"type":"Room","id":"room","type":"Room","t":1})", 1, {"id", "type"}),
      std::nullopt);
  EXPECT_EQ(FirstDuplicateKey(R"({"type":"R","type":"R","t":1,"t":2})", 1, {"id", "type"}), "t");
}

TEST(FirstDuplicateKey, KeepsSiblingObjectsApart) {
  EXPECT_EQ(FirstDuplicateKey(R"({"entities":[{"id":"E"},{"id":"F"}]})", 3), std::nullopt);
}

TEST(FirstDuplicateKey, StringsThatLookLikeStructureAreSkipped) {
  EXPECT_EQ(FirstDuplicateKey(R"({"a":"{\"a\":1,","b":"\\","a":2})", 1), "a");
  EXPECT_EQ(FirstDuplicateKey(R"({"a":"x,\"a\":1","b":2})", 1), std::nullopt);
  EXPECT_EQ(FirstDuplicateKey(R"(["a","a"])", 1), std::nullopt);
}

}  // namespace
}  // namespace renkei::api::common
