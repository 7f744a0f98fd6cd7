// Evaluating a parsed JEXL expression (ast.hpp) against a context: an object whose members
// are the names an expression may use. Semantics, where JEXL and Orion's engine leave room,
// follow what Orion's functional tests pin down (4004_jexl_expressions_in_subs):
// - a name the context lacks is undefined; members and indexes of what is not an object or
//   array, or that are missing, are undefined too;
// - `||` and `&&` pick an operand by truthiness (values.hpp), so `A||0` gives 0 for an
//   undefined or null A; `?:` tests truthiness;
// - `==` fails on an undefined operand (Orion's manual, "Failsafe cases": `(A==null)?0:A` is
//   null when A is not in the context); `!=` treats undefined as null;
// - arithmetic takes numbers (and `+` two strings); `<` `<=` `>` `>=` take two numbers or two
//   strings; anything else, and a result that is not a finite number, fails;
// - `in` looks for a substring or an array item; `[.b < 5]` keeps the array items for which
//   the condition holds (an item where it fails is left out).
// A failure is an error; the caller turns it into null. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "base/result.hpp"
#include "notify/expression/ast.hpp"
#include "notify/expression/transforms.hpp"
#include "notify/expression/values.hpp"

namespace renkei::notify::expression {

// The value of `node`; empty (undefined) when it names nothing. kBadRequestData when an
// operation or a transform fails or a value grows past kMaxValueBytes (limits.hpp).
base::Result<Value> Evaluate(const Node& node, const boost::json::object& context,
                             const TransformEnv& env);

}  // namespace renkei::notify::expression
