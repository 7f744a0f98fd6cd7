#include "notify/expression/expression.hpp"

#include "notify/expression/evaluator.hpp"
#include "notify/expression/parser.hpp"
#include "notify/expression/values.hpp"

namespace renkei::notify::expression {

namespace json = boost::json;

base::Result<Expression> Expression::Parse(std::string_view text) {
  RENKEI_TRY(auto root, expression::Parse(text));
  return Expression(std::shared_ptr<const Node>(std::move(root)));
}

base::Result<json::value> Expression::Evaluate(const json::object& context,
                                               const TransformEnv& env) const {
  RENKEI_TRY(auto value, expression::Evaluate(*root_, context, env));
  if (!value) return json::value(nullptr);
  return Normalize(std::move(*value));
}

json::value EvaluateOrNull(std::string_view text, const json::object& context,
                           const TransformEnv& env) {
  auto parsed = Expression::Parse(text);
  if (!parsed) return nullptr;
  auto value = parsed->Evaluate(context, env);
  if (!value) return nullptr;
  return std::move(*value);
}

}  // namespace renkei::notify::expression
