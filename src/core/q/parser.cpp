// Parser for NGSIv2's Simple Query Language (Orion API manual, "Simple Query Language"):
// `q` (conditions on attribute values) and `mq` (conditions on metadata values).
//
// The grammar is Orion's, and so are the checks and their order: each error carries Orion's
// exact description text (src/lib/rest/StringFilter.cpp, asserted by Orion's functional tests
// such as 1705_csub_cache_objects/csub_cache_objects_errors.test), so clients that match on
// descriptions keep working. The one deliberate difference: `..` inside a single-quoted value
// is literal (Orion splits a range on the first `..` anywhere and then fails with
// "non-terminated forced string"), following the manual's promise that quotes disable the
// special meaning of separators.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/q/filter.hpp"
#include "core/q/pattern.hpp"

namespace renkei::core::q {
namespace {

// Which parameter is parsed: `q` (attribute values) or `mq` (metadata values).
enum class Target { kQ, kMq };

base::Unexpected BadRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Orion's forbidden characters for URL-borne text (Orion API manual, "General syntax
// restrictions"); a quote may be exempted where it delimits names.
bool HasForbiddenChars(std::string_view s, bool allow_quote) {
  for (char c : s) {
    switch (c) {
      case '<':
      case '>':
      case '"':
      case '=':
      case ';':
      case '(':
      case ')':
        return true;
      case '\'':
        if (!allow_quote) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

// In a unary statement quotes may only delimit dotted names: first or last character, or
// next to a dot (`a.'x.b'.c`).
bool HasMisplacedQuote(std::string_view s) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] != '\'') continue;
    const bool dot_before = s[i - 1] == '.';
    const bool dot_after = i + 1 < s.size() && s[i + 1] == '.';
    const bool last = i + 1 == s.size();
    if (!dot_before && !dot_after && !last) return true;
  }
  return false;
}

const char* OperatorName(Operator op) {
  switch (op) {
    case Operator::kEqual:
      return "Equals";
    case Operator::kNotEqual:
      return "Differs";
    case Operator::kLess:
      return "LessThan";
    case Operator::kLessEqual:
      return "LessThanOrEqual";
    case Operator::kGreater:
      return "GreaterThan";
    case Operator::kGreaterEqual:
      return "GreaterThanOrEqual";
    case Operator::kMatchPattern:
      return "MatchPattern";
    case Operator::kNotMatchPattern:  // NGSI-LD only
      return "NotMatchPattern";
    case Operator::kExists:
      return "Exists";
    case Operator::kNotExists:
      return "NotExists";
  }
  return "InvalidOperator";
}

const char* KindName(Literal::Kind kind) {
  switch (kind) {
    case Literal::Kind::kNumber:
      return "Number";
    case Literal::Kind::kString:
      return "String";
    case Literal::Kind::kBool:
      return "Bool";
    case Literal::Kind::kNull:
      return "Null";
    case Literal::Kind::kDateTime:
      return "Date";
    case Literal::Kind::kTime:  // NGSI-LD only
      return "Time";
  }
  return "InvalidValueType";
}

bool IsUnary(Operator op) { return op == Operator::kExists || op == Operator::kNotExists; }
bool IsEquality(Operator op) { return op == Operator::kEqual || op == Operator::kNotEqual; }

// One statement split at its operator. The first operator outside quotes wins, so
// `a==b>c` is `a` == `b>c` (which then fails on the forbidden `>`).
struct Statement {
  Operator op = Operator::kExists;
  std::string_view lhs;
  std::string_view rhs;
};

Statement SplitStatement(std::string_view item) {
  // Manual: "Unary negatory statements use the unary operator `!`".
  if (!item.empty() && item.front() == '!') {
    return {Operator::kNotExists, item.substr(1), item.substr(1)};
  }
  bool in_quotes = false;
  for (std::size_t i = 0; i < item.size(); ++i) {
    const char c = item[i];
    if (c == '\'') {
      in_quotes = !in_quotes;
      continue;
    }
    if (in_quotes) continue;
    const bool eq_next = i + 1 < item.size() && item[i + 1] == '=';
    std::optional<Operator> op;
    std::size_t width = 1;
    if (eq_next) {
      width = 2;
      switch (c) {
        case '=':
          op = Operator::kEqual;
          break;
        case '~':
          op = Operator::kMatchPattern;
          break;
        case '!':
          op = Operator::kNotEqual;
          break;
        case '>':
          op = Operator::kGreaterEqual;
          break;
        case '<':
          op = Operator::kLessEqual;
          break;
        default:
          break;
      }
    } else if (c == '<') {
      op = Operator::kLess;
    } else if (c == '>') {
      op = Operator::kGreater;
    } else if (c == ':') {
      op = Operator::kEqual;  // manual: "The symbol `:` can be used instead of `==`."
    }
    if (op) return {*op, item.substr(0, i), item.substr(i + width)};
  }
  return {Operator::kExists, item, item};
}

// Splits `'a.b'.w.'x.y'` into {a.b, w, x.y}: dots inside quotes are literal, quotes vanish.
Path ParsePath(std::string_view lhs, Target target) {
  std::vector<std::string> segments(1);
  bool in_quotes = false;
  for (char c : lhs) {
    if (c == '\'') {
      in_quotes = !in_quotes;
    } else if (c == '.' && !in_quotes) {
      segments.emplace_back();
    } else {
      segments.back().push_back(c);
    }
  }
  Path path;
  std::size_t next = 1;
  path.attribute = std::move(segments[0]);
  if (target == Target::kMq && segments.size() > 1) {
    path.metadata = std::move(segments[1]);
    next = 2;
  }
  // Orion treats a trailing dot with nothing after it as "no compound path".
  if (segments.size() == next + 1 && segments[next].empty()) return path;
  for (std::size_t i = next; i < segments.size(); ++i) {
    path.compound.push_back(std::move(segments[i]));
  }
  return path;
}

// strtod's grammar, as Orion uses it: the whole token must convert and be in range.
std::optional<double> ParseNumber(std::string_view text) {
  const std::string copy(text);
  char* rest = nullptr;
  errno = 0;
  const double d = std::strtod(copy.c_str(), &rest);
  if (rest == nullptr || errno == ERANGE) return std::nullopt;
  while (*rest != '\0' && IsSpace(*rest)) ++rest;
  if (*rest != '\0') return std::nullopt;
  return d;
}

// One value token (manual, "Simple Query Language"): a single-quoted string is always a
// string (`q=title=='20'` matches "20" but not 20); otherwise number, ISO 8601 date, true,
// false, null, or else a bare string.
base::Result<Literal> ParseValue(std::string_view text, Operator op) {
  Literal literal;
  if (!text.empty() && text.front() == '\'') {
    std::string_view body = text.substr(1);
    if (!body.empty()) {
      if (body.back() != '\'') return BadRequest("non-terminated forced string");
      body.remove_suffix(1);
    }
    if (body.find('\'') != std::string_view::npos) return BadRequest("quote in forced string");
    literal.kind = Literal::Kind::kString;
    literal.text = std::string(body);
  } else if (auto number = ParseNumber(text)) {
    literal.kind = Literal::Kind::kNumber;
    literal.number = *number;
  } else if (auto instant = base::ParseIso8601(text)) {
    literal.kind = Literal::Kind::kDateTime;
    literal.text = std::string(text);
    literal.instant = *instant;
  } else if (text == "true" || text == "false") {
    literal.kind = Literal::Kind::kBool;
    literal.boolean = text == "true";
  } else if (text == "null") {
    literal.kind = Literal::Kind::kNull;
  } else {
    literal.kind = Literal::Kind::kString;
    literal.text = std::string(text);
  }
  if (literal.kind == Literal::Kind::kString && op != Operator::kMatchPattern &&
      HasForbiddenChars(literal.text, /*allow_quote=*/false)) {
    return BadRequest("forbidden characters in String Filter");
  }
  return literal;
}

bool IsOrderable(Literal::Kind kind) {
  return kind == Literal::Kind::kNumber || kind == Literal::Kind::kString ||
         kind == Literal::Kind::kDateTime;
}

// Position of the first `..` outside quotes, or npos.
std::size_t FindRangeSeparator(std::string_view rhs) {
  bool in_quotes = false;
  for (std::size_t i = 0; i + 1 < rhs.size(); ++i) {
    if (rhs[i] == '\'') {
      in_quotes = !in_quotes;
    } else if (!in_quotes && rhs[i] == '.' && rhs[i + 1] == '.') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Manual: "Ranges can only be used with target properties that represent dates, numbers or
// strings"; both ends must be of the same kind.
base::Result<void> ParseRange(std::string_view rhs, std::size_t separator, Condition& condition) {
  if (!IsEquality(condition.op)) return BadRequest("ranges only valid for equal and not equal ops");
  const std::string_view from = Strip(rhs.substr(0, separator));
  const std::string_view to = Strip(rhs.substr(separator + 2));
  if (from.empty() || to.empty()) return BadRequest("empty item in range");
  RENKEI_TRY(Literal low, ParseValue(from, condition.op));
  if (!IsOrderable(low.kind)) return BadRequest("invalid data type for /range-from/");
  RENKEI_TRY(Literal high, ParseValue(to, condition.op));
  if (!IsOrderable(high.kind)) return BadRequest("invalid data type for /range-to/");
  if (low.kind != high.kind) return BadRequest("invalid range: types mixed");
  condition.range_low = std::move(low);
  condition.range_high = std::move(high);
  return base::Ok();
}

// A comma list is homogeneous: strings (which may also hold null), numbers or dates; its
// first non-null item decides the kind, as in Orion.
base::Result<void> AddListItem(std::string_view item, Condition& condition) {
  item = Strip(item);
  if (item.empty()) return BadRequest("empty item in list");
  RENKEI_TRY(Literal literal, ParseValue(item, condition.op));
  std::optional<Literal::Kind> list_kind;
  for (const Literal& v : condition.values) {
    if (v.kind != Literal::Kind::kNull) {
      list_kind = v.kind;
      break;
    }
  }
  bool fits = false;
  switch (literal.kind) {
    case Literal::Kind::kBool:
      fits = false;
      break;
    case Literal::Kind::kNull:  // Orion supports null only in string lists
      fits = !list_kind || *list_kind == Literal::Kind::kString;
      break;
    case Literal::Kind::kString:
    case Literal::Kind::kNumber:
    case Literal::Kind::kDateTime:
    case Literal::Kind::kTime:  // NGSI-LD only
      fits = !list_kind || *list_kind == literal.kind;
      break;
  }
  if (!fits) return BadRequest("invalid JSON value type in list");
  condition.values.push_back(std::move(literal));
  return base::Ok();
}

base::Result<void> ParseList(std::string_view rhs, Condition& condition) {
  if (!IsEquality(condition.op)) return BadRequest("lists only valid for equal and not equal ops");
  // Manual: "you can use single quote (') to disable the special meaning of the comma".
  bool in_quotes = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < rhs.size(); ++i) {
    if (rhs[i] == '\'') {
      in_quotes = !in_quotes;
    } else if (rhs[i] == ',' && !in_quotes) {
      RENKEI_TRY_VOID(AddListItem(rhs.substr(start, i - start), condition));
      start = i + 1;
      if (start == rhs.size()) return BadRequest("empty item in list");
    }
  }
  if (start < rhs.size()) RENKEI_TRY_VOID(AddListItem(rhs.substr(start), condition));
  return base::Ok();
}

base::Result<Condition> ParseStatement(std::string_view item, Target target) {
  const Statement statement = SplitStatement(item);
  Condition condition;
  condition.op = statement.op;
  const std::string_view lhs = Strip(statement.lhs);
  const std::string_view rhs = Strip(statement.rhs);

  if (lhs.empty() && !IsUnary(condition.op)) return BadRequest("empty left-hand-side in q-item");
  if (HasForbiddenChars(lhs, /*allow_quote=*/true)) {
    return BadRequest(target == Target::kQ ? "invalid character found in URI param /q/"
                                           : "invalid character found in URI param /mq/");
  }
  condition.path = ParsePath(lhs, target);
  if (rhs.empty()) return BadRequest("empty right-hand-side in q-item");

  if (IsUnary(condition.op)) {
    if (HasMisplacedQuote(rhs)) return BadRequest("forbidden characters in String Filter");
    if (target == Target::kMq && (!condition.path.metadata || condition.path.metadata->empty())) {
      return BadRequest("no metadata in right-hand-side of q-item");
    }
    return condition;
  }

  if (condition.op == Operator::kMatchPattern) {
    // The whole right-hand side is the pattern, still subject to the URL character rules.
    if (HasForbiddenChars(rhs, /*allow_quote=*/false)) {
      return BadRequest("forbidden characters in String Filter");
    }
    Literal pattern;
    pattern.kind = Literal::Kind::kString;
    pattern.text = std::string(rhs);
    condition.pattern = CompilePattern(pattern.text, std::regex::ECMAScript);
    if (condition.pattern == nullptr) {
      return BadRequest("error compiling filter regex: '" + pattern.text + "'");
    }
    condition.values.push_back(std::move(pattern));
    return condition;
  }

  if (const std::size_t separator = FindRangeSeparator(rhs); separator != std::string_view::npos) {
    RENKEI_TRY_VOID(ParseRange(rhs, separator, condition));
  } else if (rhs.find(',') != std::string_view::npos) {
    RENKEI_TRY_VOID(ParseList(rhs, condition));
  } else {
    RENKEI_TRY(Literal value, ParseValue(rhs, condition.op));
    if (!IsEquality(condition.op) && !IsOrderable(value.kind)) {
      return BadRequest(std::string("values of type /") + KindName(value.kind) +
                        "/ not supported for operator /" + OperatorName(condition.op) + "/");
    }
    condition.values.push_back(std::move(value));
  }
  return condition;
}

base::Result<Filter> Parse(std::string_view text, Target target) {
  // Whole-string checks come first, as in Orion: "empty q" for "" or ";", "empty q-item" for
  // any ";;", and one trailing ';' is tolerated (Orion issue #2086).
  if (text.empty() || text == ";") return BadRequest("empty q");
  if (text.find(";;") != std::string_view::npos) return BadRequest("empty q-item");
  if (text.back() == ';') text.remove_suffix(1);
  const std::string_view stripped = Strip(text);
  if (!stripped.empty() && stripped.back() == ';') return BadRequest("empty q-item");

  std::vector<Condition> conditions;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    if (raw.empty()) continue;  // a leading ';' is skipped, like strtok
    const std::string_view item = Strip(raw);
    if (item.empty()) return BadRequest("empty q-item (only whitespace)");
    RENKEI_TRY(Condition condition, ParseStatement(item, target));
    conditions.push_back(std::move(condition));
  }
  if (conditions.empty()) return BadRequest("empty q");

  // Orion checks mq names after every statement has parsed, so a later syntax error wins.
  if (target == Target::kMq) {
    for (const Condition& c : conditions) {
      if (c.path.attribute.empty()) {
        return BadRequest("no attribute name - not valid for metadata filters");
      }
      if (!c.path.metadata || c.path.metadata->empty()) {
        return BadRequest("no metadata name - not valid for metadata filters");
      }
    }
  }

  if (conditions.size() == 1) {
    auto node = std::make_shared<Node>();
    node->condition = std::move(conditions.front());
    return Filter(std::move(node));
  }
  auto root = std::make_shared<Node>();
  root->kind = Node::Kind::kAnd;
  for (Condition& c : conditions) {
    auto child = std::make_shared<Node>();
    child->condition = std::move(c);
    root->children.push_back(std::move(child));
  }
  return Filter(std::move(root));
}

}  // namespace

base::Result<Filter> ParseV2Query(std::string_view text) { return Parse(text, Target::kQ); }

base::Result<Filter> ParseV2MetadataQuery(std::string_view text) {
  return Parse(text, Target::kMq);
}

}  // namespace renkei::core::q
