// The syntax tree of a JEXL expression (Orion API manual, "JEXL support in custom
// notifications"): what parser.hpp builds and evaluator.hpp walks. One node type with a kind;
// children are owned. Each node records its height so the evaluator's recursion is bounded by
// what the parser accepted (limits.hpp kMaxDepth).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace renkei::notify::expression {

enum class NodeKind {
  kLiteral,      // literal: a number, string, true, false or null
  kArray,        // children: the items
  kObject,       // keys[i]: children[i]
  kIdentifier,   // name, looked up in the context
  kRelative,     // `.name` inside a filter: a member of the item being filtered
  kMember,       // children[0].name
  kIndex,        // children[0][children[1]]
  kFilter,       // children[0][children[1]] where children[1] uses kRelative names
  kNot,          // !children[0]
  kBinary,       // children[0] op children[1]
  kConditional,  // children[0] ? children[1] : children[2]
  kTransform,    // children[0]|name(children[1..])
};

enum class BinaryOp {
  kOr,
  kAnd,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kFloorDivide,
  kModulo,
  kPower,
};

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  BinaryOp op = BinaryOp::kOr;
  boost::json::value literal;
  std::string name;
  std::vector<std::string> keys;
  std::vector<std::unique_ptr<Node>> children;
  std::size_t height = 1;  // 1 + the tallest child's height
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace renkei::notify::expression
