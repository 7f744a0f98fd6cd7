#include "notify/expression/evaluator.hpp"

#include <cmath>
#include <vector>

namespace renkei::notify::expression {
namespace {

namespace json = boost::json;

class Evaluator {
 public:
  Evaluator(const json::object& context, const TransformEnv& env) : context_(context), env_(env) {}

  base::Result<Value> Eval(const Node& node, const json::value* item) const {
    switch (node.kind) {
      case NodeKind::kLiteral:
        return Value(node.literal);
      case NodeKind::kArray: {
        json::array out;
        for (const auto& child : node.children) {
          RENKEI_TRY(auto v, Eval(*child, item));
          out.push_back(v ? std::move(*v) : json::value(nullptr));
        }
        return Checked(json::value(std::move(out)));
      }
      case NodeKind::kObject: {
        json::object out;
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          RENKEI_TRY(auto v, Eval(*node.children[i], item));
          out[node.keys[i]] = v ? std::move(*v) : json::value(nullptr);
        }
        return Checked(json::value(std::move(out)));
      }
      case NodeKind::kIdentifier:
        return Member(context_, node.name);
      case NodeKind::kRelative:
        if (item == nullptr || !item->is_object()) return Value();
        return Member(item->get_object(), node.name);
      case NodeKind::kMember: {
        RENKEI_TRY(auto subject, Eval(*node.children[0], item));
        if (!subject || !subject->is_object()) return Value();
        return Member(subject->get_object(), node.name);
      }
      case NodeKind::kIndex:
        return Index(node, item);
      case NodeKind::kFilter:
        return Filter(node, item);
      case NodeKind::kNot: {
        RENKEI_TRY(auto operand, Eval(*node.children[0], item));
        return Value(json::value(!IsTruthy(operand)));
      }
      case NodeKind::kBinary:
        return Binary(node, item);
      case NodeKind::kConditional: {
        RENKEI_TRY(auto condition, Eval(*node.children[0], item));
        return Eval(*node.children[IsTruthy(condition) ? 1 : 2], item);
      }
      case NodeKind::kTransform:
        return Transform(node, item);
    }
    return EvalError("unknown node");
  }

 private:
  static Value Member(const json::object& object, std::string_view name) {
    if (const auto* v = object.if_contains(name)) return Value(*v);
    return Value();
  }

  static base::Result<Value> Checked(json::value v) {
    RENKEI_TRY_VOID(CheckSize(v));
    return Value(std::move(v));
  }

  static base::Result<Value> Number(double d) {
    RENKEI_TRY(auto n, FromNumber(d));
    return Value(std::move(n));
  }

  base::Result<Value> Index(const Node& node, const json::value* item) const {
    RENKEI_TRY(auto subject, Eval(*node.children[0], item));
    RENKEI_TRY(auto index, Eval(*node.children[1], item));
    if (!subject || !index) return Value();
    if (subject->is_array()) {
      const auto n = AsNumber(*index);
      const auto& array = subject->get_array();
      if (!n || *n < 0 || std::floor(*n) >= static_cast<double>(array.size())) return Value();
      return Value(array[static_cast<std::size_t>(std::floor(*n))]);
    }
    if (subject->is_object() && index->is_string()) {
      return Member(subject->get_object(), index->get_string());
    }
    return Value();
  }

  base::Result<Value> Filter(const Node& node, const json::value* item) const {
    RENKEI_TRY(auto subject, Eval(*node.children[0], item));
    if (!subject || !subject->is_array()) return Value();
    json::array out;
    for (const auto& element : subject->get_array()) {
      auto keep = Eval(*node.children[1], &element);
      if (keep && IsTruthy(*keep)) out.push_back(element);
    }
    return Value(json::value(std::move(out)));
  }

  base::Result<Value> Transform(const Node& node, const json::value* item) const {
    std::vector<json::value> values;
    values.reserve(node.children.size());
    for (const auto& child : node.children) {
      RENKEI_TRY(auto v, Eval(*child, item));
      values.push_back(v ? std::move(*v) : json::value(nullptr));
    }
    RENKEI_TRY(auto out, ApplyTransform(node.name, values[0],
                                        std::span<const json::value>(values).subspan(1), env_));
    return Value(std::move(out));
  }

  base::Result<Value> Binary(const Node& node, const json::value* item) const {
    RENKEI_TRY(auto left, Eval(*node.children[0], item));
    // `||` and `&&` evaluate their right side only when it decides.
    if (node.op == BinaryOp::kOr && IsTruthy(left)) return left;
    if (node.op == BinaryOp::kAnd && !IsTruthy(left)) return left;
    RENKEI_TRY(auto right, Eval(*node.children[1], item));
    switch (node.op) {
      case BinaryOp::kOr:
      case BinaryOp::kAnd:
        return right;
      case BinaryOp::kEqual:
        if (!left || !right) return EvalError("== on an undefined name");
        return Value(json::value(Equal(*left, *right)));
      case BinaryOp::kNotEqual: {
        const json::value null_value;
        return Value(json::value(!Equal(left ? *left : null_value, right ? *right : null_value)));
      }
      default:
        break;
    }
    if (!left || !right) return EvalError("operation on an undefined name");
    const auto a = AsNumber(*left);
    const auto b = AsNumber(*right);
    if (node.op == BinaryOp::kIn) return In(*left, *right);
    if (left->is_string() && right->is_string()) {
      const std::string_view x = left->get_string();
      const std::string_view y = right->get_string();
      switch (node.op) {
        case BinaryOp::kAdd:
          return Checked(json::value(json::string(std::string(x) + std::string(y))));
        case BinaryOp::kLess:
          return Value(json::value(x < y));
        case BinaryOp::kLessEqual:
          return Value(json::value(x <= y));
        case BinaryOp::kGreater:
          return Value(json::value(x > y));
        case BinaryOp::kGreaterEqual:
          return Value(json::value(x >= y));
        default:
          return EvalError("operation not defined on strings");
      }
    }
    if (!a || !b) return EvalError("operation needs two numbers");
    switch (node.op) {
      case BinaryOp::kAdd:
        return Number(*a + *b);
      case BinaryOp::kSubtract:
        return Number(*a - *b);
      case BinaryOp::kMultiply:
        return Number(*a * *b);
      case BinaryOp::kDivide:
        return Number(*a / *b);
      case BinaryOp::kFloorDivide:
        return Number(std::floor(*a / *b));
      case BinaryOp::kModulo:
        return Number(std::fmod(*a, *b));
      case BinaryOp::kPower:
        return Number(std::pow(*a, *b));
      case BinaryOp::kLess:
        return Value(json::value(*a < *b));
      case BinaryOp::kLessEqual:
        return Value(json::value(*a <= *b));
      case BinaryOp::kGreater:
        return Value(json::value(*a > *b));
      case BinaryOp::kGreaterEqual:
        return Value(json::value(*a >= *b));
      default:
        return EvalError("operation not defined on numbers");
    }
  }

  static base::Result<Value> In(const json::value& needle, const json::value& haystack) {
    if (haystack.is_string() && needle.is_string()) {
      return Value(json::value(
          std::string_view(haystack.get_string()).find(std::string_view(needle.get_string())) !=
          std::string_view::npos));
    }
    if (haystack.is_array()) {
      for (const auto& element : haystack.get_array()) {
        if (Equal(element, needle)) return Value(json::value(true));
      }
      return Value(json::value(false));
    }
    return EvalError("in needs a string or an array on its right");
  }

  const json::object& context_;
  const TransformEnv& env_;
};

}  // namespace

base::Result<Value> Evaluate(const Node& node, const json::object& context,
                             const TransformEnv& env) {
  return Evaluator(context, env).Eval(node, nullptr);
}

}  // namespace renkei::notify::expression
