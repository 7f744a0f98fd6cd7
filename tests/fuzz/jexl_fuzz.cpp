// Fuzzes the JEXL expressions of custom notifications (notify/expression/expression.hpp) with
// the whole input as the expression text, evaluated against a fixed context shaped like a
// notification's (attributes of every JSON type, metadata, Japanese names). Checks: parse
// errors are kBadRequestData; evaluation terminates without a sanitizer report, gives the same
// answer twice, and a value within kMaxValueBytes; EvaluateOrNull agrees with Evaluate.
#include <cstddef>
#include <cstdint>

#include <boost/json/parse.hpp>

#include "core/json_text.hpp"
#include "notify/expression/expression.hpp"
#include "notify/expression/limits.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

namespace json = boost::json;
namespace expression = renkei::notify::expression;
using renkei::fuzz::FuzzCheck;

const json::object& Context() {
  static const json::object context =
      json::parse(R"({"id":"urn:ngsi-ld:Shelter:1","type":"Shelter","service":"304018",
                      "servicePath":"/bosai","authToken":null,"A":1,"B":-3.8,"S":"10 m/s",
                      "N":null,"T":true,"arr":[1,2,{"b":3}],"items":[{"b":1},{"b":"x"},{}],
                      "obj":{"x":1,"y":{"z":[true,"s"]}},"収容人数":120,
                      "metadata":{"A":{"previousValue":0,"unit":"C"}}})")
          .as_object();
  return context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = renkei::fuzz::AsText(data, size);
  const expression::TransformEnv env{renkei::base::Timestamp{1722504662000}};
  auto parsed = expression::Expression::Parse(text);
  if (!parsed) {
    FuzzCheck(parsed.error().code == renkei::base::ErrorCode::kBadRequestData,
              "a parse error is not kBadRequestData");
    FuzzCheck(expression::EvaluateOrNull(text, Context(), env).is_null(),
              "an unparsable expression is not null");
    return 0;
  }
  auto first = parsed->Evaluate(Context(), env);
  auto second = parsed->Evaluate(Context(), env);
  FuzzCheck(first.has_value() == second.has_value(), "evaluation is not deterministic");
  if (!first) {
    FuzzCheck(expression::EvaluateOrNull(text, Context(), env).is_null(),
              "a failed evaluation is not null");
    return 0;
  }
  FuzzCheck(*first == *second, "evaluation gives two values");
  FuzzCheck(renkei::core::ToJsonText(*first).size() <= 2 * expression::kMaxValueBytes,
            "a value past the size limit");
  FuzzCheck(expression::EvaluateOrNull(text, Context(), env) == *first,
            "EvaluateOrNull differs from Evaluate");
  return 0;
}
