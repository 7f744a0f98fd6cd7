#include "notify/expression/parser.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "notify/expression/lexer.hpp"
#include "notify/expression/limits.hpp"

namespace renkei::notify::expression {
namespace {

namespace json = boost::json;

struct OperatorSpelling {
  std::string_view text;
  BinaryOp op;
};

// Binary operators by precedence level, lowest first; `in` is an identifier token.
const std::array<std::vector<OperatorSpelling>, 7> kLevels = {{
    {{"||", BinaryOp::kOr}},
    {{"&&", BinaryOp::kAnd}},
    {{"==", BinaryOp::kEqual}, {"!=", BinaryOp::kNotEqual}},
    {{"<", BinaryOp::kLess},
     {"<=", BinaryOp::kLessEqual},
     {">", BinaryOp::kGreater},
     {">=", BinaryOp::kGreaterEqual},
     {"in", BinaryOp::kIn}},
    {{"+", BinaryOp::kAdd}, {"-", BinaryOp::kSubtract}},
    {{"*", BinaryOp::kMultiply},
     {"/", BinaryOp::kDivide},
     {"//", BinaryOp::kFloorDivide},
     {"%", BinaryOp::kModulo}},
    {{"^", BinaryOp::kPower}},
}};
constexpr std::size_t kPowerLevel = 6;

NodePtr MakeNode(NodeKind kind) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  return node;
}

NodePtr Finish(NodePtr node) {
  for (const auto& child : node->children) {
    node->height = std::max(node->height, child->height + 1);
  }
  return node;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  base::Result<NodePtr> ParseAll() {
    RENKEI_TRY(auto root, ParseExpression());
    if (Peek().kind != TokenKind::kEnd) return Error("unexpected '" + Peek().text + "'");
    if (root->height > kMaxDepth) return Error("expression nested too deeply");
    return root;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool IsPunct(std::string_view p, std::size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kPunct && Peek(ahead).text == p;
  }
  bool Accept(std::string_view p) {
    if (!IsPunct(p)) return false;
    ++pos_;
    return true;
  }
  base::Unexpected Error(std::string detail) const {
    return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                      detail + " at offset " + std::to_string(Peek().offset));
  }
  base::Result<void> Expect(std::string_view p) {
    if (Accept(p)) return base::Ok();
    return Error("expected '" + std::string(p) + "'");
  }

  // Counts the recursion of the descent itself (parentheses, brackets, `!`, arguments).
  class DepthGuard {
   public:
    explicit DepthGuard(std::size_t& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    bool TooDeep() const { return depth_ > kMaxDepth; }

   private:
    std::size_t& depth_;
  };

  base::Result<NodePtr> ParseExpression() {
    DepthGuard guard(depth_);
    if (guard.TooDeep()) return Error("expression nested too deeply");
    RENKEI_TRY(auto condition, ParseLevel(0));
    if (!Accept("?")) return condition;
    RENKEI_TRY(auto then, ParseExpression());
    RENKEI_TRY_VOID(Expect(":"));
    RENKEI_TRY(auto otherwise, ParseExpression());
    auto node = MakeNode(NodeKind::kConditional);
    node->children.push_back(std::move(condition));
    node->children.push_back(std::move(then));
    node->children.push_back(std::move(otherwise));
    return Finish(std::move(node));
  }

  const OperatorSpelling* OperatorAt(std::size_t level) const {
    const Token& t = Peek();
    if (t.kind != TokenKind::kPunct && !(t.kind == TokenKind::kIdentifier && t.text == "in")) {
      return nullptr;
    }
    for (const auto& spelling : kLevels[level]) {
      if (spelling.text == t.text) return &spelling;
    }
    return nullptr;
  }

  base::Result<NodePtr> ParseLevel(std::size_t level) {
    if (level == kLevels.size()) return ParseUnary();
    RENKEI_TRY(auto left, ParseLevel(level + 1));
    while (const auto* spelling = OperatorAt(level)) {
      ++pos_;
      // `^` is right-associative: 2^3^2 is 2^(3^2).
      RENKEI_TRY(auto right, ParseLevel(level == kPowerLevel ? level : level + 1));
      auto node = MakeNode(NodeKind::kBinary);
      node->op = spelling->op;
      node->children.push_back(std::move(left));
      node->children.push_back(std::move(right));
      left = Finish(std::move(node));
      if (left->height > kMaxDepth) return Error("expression nested too deeply");
    }
    return left;
  }

  base::Result<NodePtr> ParseUnary() {
    if (!Accept("!")) return ParsePostfix();
    DepthGuard guard(depth_);
    if (guard.TooDeep()) return Error("expression nested too deeply");
    RENKEI_TRY(auto operand, ParseUnary());
    auto node = MakeNode(NodeKind::kNot);
    node->children.push_back(std::move(operand));
    return Finish(std::move(node));
  }

  base::Result<NodePtr> ParsePostfix() {
    RENKEI_TRY(auto subject, ParsePrimary());
    while (true) {
      NodePtr node;
      if (Accept(".")) {
        if (Peek().kind != TokenKind::kIdentifier) return Error("expected a name after '.'");
        node = MakeNode(NodeKind::kMember);
        node->name = tokens_[pos_++].text;
        node->children.push_back(std::move(subject));
      } else if (Accept("[")) {
        // A bracket using `.name` of its own is a filter over the subject's items.
        const std::size_t relatives_before = relatives_;
        ++filter_depth_;
        auto inner = ParseExpression();
        --filter_depth_;
        if (!inner) return inner.error();
        RENKEI_TRY_VOID(Expect("]"));
        node = MakeNode(relatives_ > relatives_before ? NodeKind::kFilter : NodeKind::kIndex);
        relatives_ = relatives_before;
        node->children.push_back(std::move(subject));
        node->children.push_back(std::move(*inner));
      } else if (Accept("|")) {
        if (Peek().kind != TokenKind::kIdentifier) return Error("expected a transform name");
        node = MakeNode(NodeKind::kTransform);
        node->name = tokens_[pos_++].text;
        node->children.push_back(std::move(subject));
        if (Accept("(")) {
          RENKEI_TRY(auto args, ParseList(")"));
          for (auto& arg : args) node->children.push_back(std::move(arg));
        }
      } else {
        return subject;
      }
      subject = Finish(std::move(node));
      if (subject->height > kMaxDepth) return Error("expression nested too deeply");
    }
  }

  // Comma-separated expressions up to `close` (already past the opening bracket).
  base::Result<std::vector<NodePtr>> ParseList(std::string_view close) {
    std::vector<NodePtr> items;
    if (Accept(close)) return items;
    while (true) {
      RENKEI_TRY(auto item, ParseExpression());
      items.push_back(std::move(item));
      if (Accept(close)) return items;
      RENKEI_TRY_VOID(Expect(","));
    }
  }

  base::Result<NodePtr> ParseObject() {
    auto node = MakeNode(NodeKind::kObject);
    if (Accept("}")) return node;
    while (true) {
      const Token& key = Peek();
      if (key.kind != TokenKind::kIdentifier && key.kind != TokenKind::kString) {
        return Error("expected an object key");
      }
      node->keys.push_back(key.text);
      ++pos_;
      RENKEI_TRY_VOID(Expect(":"));
      RENKEI_TRY(auto value, ParseExpression());
      node->children.push_back(std::move(value));
      if (Accept("}")) return Finish(std::move(node));
      RENKEI_TRY_VOID(Expect(","));
    }
  }

  base::Result<NodePtr> ParsePrimary() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kNumber || t.kind == TokenKind::kString) {
      auto node = MakeNode(NodeKind::kLiteral);
      if (t.kind == TokenKind::kNumber) {
        node->literal = t.number;
      } else {
        node->literal = json::string(t.text);
      }
      ++pos_;
      return node;
    }
    if (t.kind == TokenKind::kIdentifier) {
      auto node = MakeNode(NodeKind::kLiteral);
      if (t.text == "true") {
        node->literal = true;
      } else if (t.text == "false") {
        node->literal = false;
      } else if (t.text != "null") {
        node->kind = NodeKind::kIdentifier;
        node->name = t.text;
      }
      ++pos_;
      return node;
    }
    if (Accept("(")) {
      RENKEI_TRY(auto inner, ParseExpression());
      RENKEI_TRY_VOID(Expect(")"));
      return inner;
    }
    if (Accept("[")) {
      RENKEI_TRY(auto items, ParseList("]"));
      auto node = MakeNode(NodeKind::kArray);
      node->children = std::move(items);
      return Finish(std::move(node));
    }
    if (Accept("{")) return ParseObject();
    if (filter_depth_ > 0 && IsPunct(".") && Peek(1).kind == TokenKind::kIdentifier) {
      auto node = MakeNode(NodeKind::kRelative);
      node->name = Peek(1).text;
      pos_ += 2;
      ++relatives_;
      return node;
    }
    if (t.kind == TokenKind::kEnd) return Error("unexpected end of expression");
    return Error("unexpected '" + t.text + "'");
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::size_t filter_depth_ = 0;  // inside how many brackets `.name` may start a value
  std::size_t relatives_ = 0;     // `.name` values read so far
};

}  // namespace

base::Result<NodePtr> Parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                      "expression longer than " + std::to_string(kMaxLength) + " characters");
  }
  RENKEI_TRY(auto tokens, Lex(text));
  Parser parser(std::move(tokens));
  return parser.ParseAll();
}

}  // namespace renkei::notify::expression
