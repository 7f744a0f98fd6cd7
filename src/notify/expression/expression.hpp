// The entry point of the JEXL module: an expression parsed once and evaluated against
// contexts (Orion API manual, "JEXL support in custom notifications"). Orion's failsafe rule
// ("Failsafe cases"): a syntax error, an unknown transform, an operation on an undefined
// name all give null; EvaluateOrNull applies it. Immutable after Parse; thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "notify/expression/ast.hpp"
#include "notify/expression/transforms.hpp"

namespace renkei::notify::expression {

class Expression {
 public:
  // kBadRequestData for a syntax error or an expression past the limits (limits.hpp).
  static base::Result<Expression> Parse(std::string_view text);

  // The value, undefined given as null and whole numbers as integers; kBadRequestData when
  // evaluation fails.
  base::Result<boost::json::value> Evaluate(const boost::json::object& context,
                                            const TransformEnv& env) const;

 private:
  explicit Expression(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

// Parses and evaluates `text`; null when either fails.
boost::json::value EvaluateOrNull(std::string_view text, const boost::json::object& context,
                                  const TransformEnv& env);

}  // namespace renkei::notify::expression
