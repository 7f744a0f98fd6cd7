// Operand conversion and comparison shared by the NGSIv2 and NGSI-LD evaluators. Values
// compare only within their JSON type: MongoDB's type bracketing, which Orion's q follows,
// and NGSI-LD's rule (ETSI GS CIM 009 §4.9) that values of different data types are unequal.
#include "core/q/operand.hpp"

namespace renkei::core::q {

namespace json = boost::json;

Operand ToOperand(const json::value& v) {
  Operand o;
  switch (v.kind()) {
    case json::kind::int64:
      o.kind = Operand::Kind::kNumber;
      o.number = static_cast<double>(v.get_int64());
      break;
    case json::kind::uint64:
      o.kind = Operand::Kind::kNumber;
      o.number = static_cast<double>(v.get_uint64());
      break;
    case json::kind::double_:
      o.kind = Operand::Kind::kNumber;
      o.number = v.get_double();
      break;
    case json::kind::string:
      o.kind = Operand::Kind::kString;
      o.text = std::string_view(v.get_string());
      break;
    case json::kind::bool_:
      o.kind = Operand::Kind::kBool;
      o.boolean = v.get_bool();
      break;
    case json::kind::null:
      o.kind = Operand::Kind::kNull;
      break;
    case json::kind::object:
    case json::kind::array:
      break;
  }
  return o;
}

Operand LiteralOperand(const Literal& literal, DateAs dates) {
  Operand o;
  switch (literal.kind) {
    case Literal::Kind::kNumber:
      o.kind = Operand::Kind::kNumber;
      o.number = literal.number;
      break;
    case Literal::Kind::kDateTime:
    case Literal::Kind::kTime:  // NGSI-LD only; the NGSIv2 parser never makes one
      if (dates == DateAs::kInstant) {
        o.kind = Operand::Kind::kInstant;
        o.number = static_cast<double>(literal.instant.millis);
      } else {
        o.kind = Operand::Kind::kNumber;
        o.number = static_cast<double>(literal.instant.millis) / 1000.0;
      }
      break;
    case Literal::Kind::kString:
      o.kind = Operand::Kind::kString;
      o.text = literal.text;
      break;
    case Literal::Kind::kBool:
      o.kind = Operand::Kind::kBool;
      o.boolean = literal.boolean;
      break;
    case Literal::Kind::kNull:
      o.kind = Operand::Kind::kNull;
      break;
  }
  return o;
}

bool Equal(const Operand& value, const Operand& literal) {
  if (value.kind != literal.kind) return false;
  switch (value.kind) {
    case Operand::Kind::kNumber:
    case Operand::Kind::kInstant:
      return value.number == literal.number;
    case Operand::Kind::kString:
      return value.text == literal.text;
    case Operand::Kind::kBool:
      return value.boolean == literal.boolean;
    case Operand::Kind::kNull:
      return true;
    case Operand::Kind::kOther:
      return false;
  }
  return false;
}

std::optional<int> Compare(const Operand& value, const Operand& literal) {
  if (value.kind != literal.kind) return std::nullopt;
  if (value.kind == Operand::Kind::kNumber || value.kind == Operand::Kind::kInstant) {
    if (value.number < literal.number) return -1;
    if (value.number > literal.number) return 1;
    if (value.number == literal.number) return 0;
    return std::nullopt;  // NaN
  }
  if (value.kind == Operand::Kind::kString) {
    const int c = value.text.compare(literal.text);  // byte order, like MongoDB and strcmp
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

}  // namespace renkei::core::q
