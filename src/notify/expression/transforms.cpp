#include "notify/expression/transforms.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <numeric>
#include <regex>
#include <string>

#include "core/json_parse.hpp"
#include "core/q/pattern.hpp"
#include "notify/expression/limits.hpp"
#include "notify/expression/values.hpp"

namespace renkei::notify::expression {
namespace {

namespace json = boost::json;

using Args = std::span<const json::value>;
using Out = base::Result<json::value>;
using TransformFn = Out (*)(const json::value& subject, Args args, const TransformEnv& env);

struct TransformSpec {
  std::string_view name;
  std::size_t arity;  // arguments besides the subject
  TransformFn fn;
};

// ---- argument access

base::Result<std::string_view> Text(const json::value& v) {
  if (!v.is_string()) return EvalError("a string is expected");
  return std::string_view(v.get_string());
}

base::Result<double> Number(const json::value& v) {
  auto d = AsNumber(v);
  if (!d) return EvalError("a number is expected");
  return *d;
}

base::Result<const json::array*> Array(const json::value& v) {
  if (!v.is_array()) return EvalError("an array is expected");
  return &v.get_array();
}

// The items of an array that holds only numbers (the arr* transforms); empty allowed.
base::Result<std::vector<double>> Numbers(const json::value& v) {
  RENKEI_TRY(const auto* array, Array(v));
  std::vector<double> out;
  out.reserve(array->size());
  for (const auto& item : *array) {
    RENKEI_TRY(double d, Number(item));
    out.push_back(d);
  }
  return out;
}

base::Result<std::vector<double>> NonEmptyNumbers(const json::value& v) {
  RENKEI_TRY(auto numbers, Numbers(v));
  if (numbers.empty()) return EvalError("the array is empty");
  return numbers;
}

// ---- UTF-8 positions: string positions count characters (code points), not bytes

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t CharCount(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

// The byte offset of character `n` (s.size() when n is the count).
std::size_t ByteOffset(std::string_view s, std::size_t n) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (IsContinuation(s[i])) continue;
    if (chars == n) return i;
    ++chars;
  }
  return s.size();
}

json::value Str(std::string_view s) { return json::value(json::string(s)); }

// ---- text

// ASCII letters in [first, last] moved by `shift` (other characters, and all of UTF-8's
// multi-byte ones, stay).
Out ShiftAscii(const json::value& s, char first, char last, int shift) {
  RENKEI_TRY(auto text, Text(s));
  std::string out(text);
  for (char& c : out) {
    if (c >= first && c <= last) c = static_cast<char>(c + shift);
  }
  return Str(out);
}

Out Uppercase(const json::value& s, Args, const TransformEnv&) {
  return ShiftAscii(s, 'a', 'z', 'A' - 'a');
}

Out Lowercase(const json::value& s, Args, const TransformEnv&) {
  return ShiftAscii(s, 'A', 'Z', 'a' - 'A');
}

Out Split(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(auto delimiter, Text(args[0]));
  json::array out;
  if (delimiter.empty()) {
    // Every character on its own, as JavaScript's split('').
    for (std::size_t i = 0; i < text.size();) {
      std::size_t next = i + 1;
      while (next < text.size() && IsContinuation(text[next])) ++next;
      out.push_back(Str(text.substr(i, next - i)));
      i = next;
    }
    return json::value(std::move(out));
  }
  std::size_t start = 0;
  while (true) {
    const auto found = text.find(delimiter, start);
    out.push_back(Str(text.substr(start, found - start)));
    if (found == std::string_view::npos) break;
    start = found + delimiter.size();
  }
  return json::value(std::move(out));
}

Out IndexOf(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(auto needle, Text(args[0]));
  const auto found = text.find(needle);
  if (found == std::string_view::npos) return json::value(nullptr);  // the manual: null
  return json::value(static_cast<std::int64_t>(CharCount(text.substr(0, found))));
}

Out Len(const json::value& s, Args, const TransformEnv&) {
  // Orion case 4004 jexl_transformation_full: len of an array is its size.
  if (s.is_array()) return json::value(static_cast<std::int64_t>(s.get_array().size()));
  RENKEI_TRY(auto text, Text(s));
  return json::value(static_cast<std::int64_t>(CharCount(text)));
}

std::string_view Trimmed(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\n\r\f\v";
  const auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

Out Trim(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  return Str(Trimmed(text));
}

Out Substring(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(double from, Number(args[0]));
  RENKEI_TRY(double to, Number(args[1]));
  const double length = static_cast<double>(CharCount(text));
  // The manual: null when the end is past the string or before the start.
  if (from < 0 || to < from || to > length) return EvalError("substring out of range");
  const auto begin = ByteOffset(text, static_cast<std::size_t>(from));
  const auto end = ByteOffset(text, static_cast<std::size_t>(to));
  return Str(text.substr(begin, end - begin));
}

Out Includes(const json::value& s, Args args, const TransformEnv&) {
  if (s.is_array()) {
    const auto& items = s.get_array();
    return json::value(std::any_of(items.begin(), items.end(),
                                   [&](const json::value& item) { return Equal(item, args[0]); }));
  }
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(auto needle, Text(args[0]));
  return json::value(text.find(needle) != std::string_view::npos);
}

Out ReplaceStr(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(auto from, Text(args[0]));
  RENKEI_TRY(auto to, Text(args[1]));
  if (from.empty()) return EvalError("replaceStr of an empty string");
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto found = text.find(from, start);
    out.append(text.substr(start, found - start));
    if (found == std::string_view::npos) break;
    out.append(to);
    if (out.size() > kMaxValueBytes) return EvalError("replaceStr result too large");
    start = found + from.size();
  }
  return Str(out);
}

// The regex of a replaceRegex/matchRegex argument, refused when std::regex could take
// exponential time on it (core/q/pattern.hpp) or when the subject is too long to search.
base::Result<std::shared_ptr<const std::regex>> Regex(const json::value& pattern,
                                                      std::string_view subject) {
  RENKEI_TRY(auto text, Text(pattern));
  if (subject.size() > kMaxRegexSubject) return EvalError("regex subject too long");
  auto re = core::q::CompilePattern(text, std::regex::ECMAScript);
  if (re == nullptr) return EvalError("invalid regex");
  return re;
}

Out ReplaceRegex(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(auto re, Regex(args[0], text));
  RENKEI_TRY(auto to, Text(args[1]));
  try {
    std::string out = std::regex_replace(std::string(text), *re, std::string(to));
    if (out.size() > kMaxValueBytes) return EvalError("replaceRegex result too large");
    return Str(out);
  } catch (const std::regex_error& e) {
    return EvalError(std::string("regex: ") + e.what());
  }
}

Out MatchRegex(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  RENKEI_TRY(auto re, Regex(args[0], text));
  json::array out;
  try {
    const std::string subject(text);
    for (auto it = std::sregex_iterator(subject.begin(), subject.end(), *re);
         it != std::sregex_iterator(); ++it) {
      out.push_back(Str(it->str()));
    }
  } catch (const std::regex_error& e) {
    return EvalError(std::string("regex: ") + e.what());
  }
  return json::value(std::move(out));
}

// ---- types and conversions

Out IsNaN(const json::value& s, Args, const TransformEnv&) {
  return json::value(!AsNumber(s).has_value());
}

Out ParseInt(const json::value& s, Args, const TransformEnv&) {
  if (auto d = AsNumber(s)) return FromNumber(std::trunc(*d));
  RENKEI_TRY(auto text, Text(s));
  const std::string digits(Trimmed(text));
  if (digits.empty()) return EvalError("not an integer");
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(digits.c_str(), &end, 10);
  if (errno != 0 || end != digits.c_str() + digits.size()) return EvalError("not an integer");
  return FromNumber(static_cast<double>(n));
}

Out ParseFloat(const json::value& s, Args, const TransformEnv&) {
  if (auto d = AsNumber(s)) return FromNumber(*d);
  RENKEI_TRY(auto text, Text(s));
  const std::string number(Trimmed(text));
  if (number.empty()) return EvalError("not a number");
  char* end = nullptr;
  const double d = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return EvalError("not a number");
  return FromNumber(d);
}

Out TypeOf(const json::value& s, Args, const TransformEnv&) {
  if (s.is_string()) return Str("String");
  if (AsNumber(s)) return Str("Number");
  if (s.is_bool()) return Str("Boolean");
  if (s.is_array()) return Str("Array");
  if (s.is_object()) return Str("Object");
  return Str("Null");
}

Out ToString(const json::value& s, Args, const TransformEnv&) { return Str(ToText(s)); }

Out ToJson(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  boost::system::error_code ec;
  json::value parsed = core::ParseJson(text, ec);
  if (ec) return EvalError("not JSON");  // the manual: null
  return parsed;
}

// ---- numbers

template <double (*F)(double)>
Out Math(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(double d, Number(s));
  return FromNumber(F(d));
}

double Floor(double d) { return std::floor(d); }
double Ceil(double d) { return std::ceil(d); }
double Round(double d) { return std::round(d); }
double Log(double d) { return std::log(d); }
double Log10(double d) { return std::log10(d); }
double Log2(double d) { return std::log2(d); }
double Sqrt(double d) { return std::sqrt(d); }

Out ToFixed(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(double d, Number(s));
  RENKEI_TRY(double digits, Number(args[0]));
  if (digits < 0 || digits > 20 || !std::isfinite(d)) return EvalError("toFixed out of range");
  // Printed with that many decimals and read back: a number, as Orion answers (3.18 → 3.2).
  std::array<char, 512> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.*f", static_cast<int>(digits), d);
  return FromNumber(std::strtod(buffer.data(), nullptr));
}

// ---- mappings

// mapper and nMapper: the choice at the position of the first value that `matches`.
template <typename Matches>
Out ChoiceFor(std::string_view transform, Args args, const Matches& matches) {
  RENKEI_TRY(const auto* values, Array(args[0]));
  RENKEI_TRY(const auto* choices, Array(args[1]));
  const std::string name(transform);
  if (values->size() != choices->size()) return EvalError(name + ": values and choices differ");
  for (std::size_t i = 0; i < values->size(); ++i) {
    RENKEI_TRY(bool found, matches((*values)[i]));
    if (found) return (*choices)[i];
  }
  return EvalError(name + ": value not found");
}

Out Mapper(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  return ChoiceFor("mapper", args, [&](const json::value& v) -> base::Result<bool> {
    RENKEI_TRY(auto value, Text(v));
    return value == text;
  });
}

Out NMapper(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(double n, Number(s));
  // The manual: numbers are meant to be integers; others are rounded to the closest one.
  return ChoiceFor("nMapper", args, [&](const json::value& v) -> base::Result<bool> {
    RENKEI_TRY(double value, Number(v));
    return std::round(value) == std::round(n);
  });
}

Out ThMapper(const json::value& s, Args args, const TransformEnv&) {
  RENKEI_TRY(double n, Number(s));
  RENKEI_TRY(auto thresholds, Numbers(args[0]));
  RENKEI_TRY(const auto* choices, Array(args[1]));
  if (choices->size() != thresholds.size() + 1) {
    return EvalError("thMapper: choices must be one more than values");
  }
  // Choice i+1 for values[i] <= n < values[i+1]; choice 0 below the first threshold.
  std::size_t index = 0;
  while (index < thresholds.size() && n >= thresholds[index]) ++index;
  return (*choices)[index];
}

// ---- objects and arrays

Out Values(const json::value& s, Args, const TransformEnv&) {
  if (!s.is_object()) return EvalError("an object is expected");
  json::array out;
  for (const auto& [key, value] : s.get_object()) out.push_back(value);
  return json::value(std::move(out));
}

Out Keys(const json::value& s, Args, const TransformEnv&) {
  if (!s.is_object()) return EvalError("an object is expected");
  json::array out;
  for (const auto& [key, value] : s.get_object()) out.push_back(Str(key));
  return json::value(std::move(out));
}

Out ArrSum(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto numbers, NonEmptyNumbers(s));
  return FromNumber(std::accumulate(numbers.begin(), numbers.end(), 0.0));
}

Out ArrAvg(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto numbers, NonEmptyNumbers(s));
  return FromNumber(std::accumulate(numbers.begin(), numbers.end(), 0.0) /
                    static_cast<double>(numbers.size()));
}

Out ArrMax(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto numbers, NonEmptyNumbers(s));
  return FromNumber(*std::max_element(numbers.begin(), numbers.end()));
}

Out ArrMin(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto numbers, NonEmptyNumbers(s));
  return FromNumber(*std::min_element(numbers.begin(), numbers.end()));
}

Out ArrMed(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto numbers, NonEmptyNumbers(s));
  std::sort(numbers.begin(), numbers.end());
  const std::size_t mid = numbers.size() / 2;
  if (numbers.size() % 2 == 1) return FromNumber(numbers[mid]);
  return FromNumber((numbers[mid - 1] + numbers[mid]) / 2);
}

Out ArrSort(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto numbers, Numbers(s));
  std::sort(numbers.begin(), numbers.end());
  json::array out;
  for (double d : numbers) {
    RENKEI_TRY(auto n, FromNumber(d));
    out.push_back(std::move(n));
  }
  return json::value(std::move(out));
}

Out ArrReverse(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(const auto* array, Array(s));
  json::array out(array->rbegin(), array->rend());
  return json::value(std::move(out));
}

// ---- time: seconds since the Unix epoch

Out Now(const json::value& s, Args, const TransformEnv& env) {
  RENKEI_TRY(double offset, Number(s));
  return FromNumber(std::floor(static_cast<double>(env.now.millis) / 1000.0) + offset);
}

Out ToIsoString(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(double seconds, Number(s));
  // Years 0001..9999, what the format can write.
  if (!(seconds >= -62135596800.0 && seconds < 253402300800.0)) {
    return EvalError("toIsoString out of range");
  }
  // Rounded to the millisecond first, so that 29.9996 s carries into the next second
  // instead of printing 29 s with its fraction dropped.
  const auto total_millis = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  const std::int64_t whole =
      total_millis >= 0 ? total_millis / 1000 : -((-total_millis + 999) / 1000);
  const auto millis = static_cast<int>(total_millis - whole * 1000);
  const auto t = static_cast<std::time_t>(whole);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return EvalError("toIsoString out of range");
  std::array<char, 64> buffer{};
  std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buffer.data());
  if (millis > 0) {
    out += '.';
    out += static_cast<char>('0' + millis / 100);
    out += static_cast<char>('0' + millis / 10 % 10);
    out += static_cast<char>('0' + millis % 10);
  }
  return Str(out + "+00:00");
}

Out GetTime(const json::value& s, Args, const TransformEnv&) {
  RENKEI_TRY(auto text, Text(s));
  const auto t = base::ParseIso8601(text);
  if (!t) return EvalError("not an ISO 8601 date");
  return FromNumber(static_cast<double>(t->millis) / 1000.0);
}

// The manual's "Available Transformations", in its order.
constexpr std::array<TransformSpec, 40> kTransforms = {{
    {"uppercase", 0, Uppercase},
    {"lowercase", 0, Lowercase},
    {"split", 1, Split},
    {"indexOf", 1, IndexOf},
    {"len", 0, Len},
    {"trim", 0, Trim},
    {"substring", 2, Substring},
    {"includes", 1, Includes},
    {"isNaN", 0, IsNaN},
    {"parseInt", 0, ParseInt},
    {"parseFloat", 0, ParseFloat},
    {"typeOf", 0, TypeOf},
    {"toString", 0, ToString},
    {"toJson", 0, ToJson},
    {"floor", 0, Math<Floor>},
    {"ceil", 0, Math<Ceil>},
    {"round", 0, Math<Round>},
    {"toFixed", 1, ToFixed},
    {"log", 0, Math<Log>},
    {"log10", 0, Math<Log10>},
    {"log2", 0, Math<Log2>},
    {"sqrt", 0, Math<Sqrt>},
    {"replaceStr", 2, ReplaceStr},
    {"replaceRegex", 2, ReplaceRegex},
    {"matchRegex", 1, MatchRegex},
    {"mapper", 2, Mapper},
    {"nMapper", 2, NMapper},
    {"thMapper", 2, ThMapper},
    {"values", 0, Values},
    {"keys", 0, Keys},
    {"arrSum", 0, ArrSum},
    {"arrAvg", 0, ArrAvg},
    {"arrMax", 0, ArrMax},
    {"arrMin", 0, ArrMin},
    {"arrMed", 0, ArrMed},
    {"arrSort", 0, ArrSort},
    {"arrReverse", 0, ArrReverse},
    {"now", 0, Now},
    {"toIsoString", 0, ToIsoString},
    {"getTime", 0, GetTime},
}};

}  // namespace

base::Result<json::value> ApplyTransform(std::string_view name, const json::value& subject,
                                         std::span<const json::value> args,
                                         const TransformEnv& env) {
  for (const auto& spec : kTransforms) {
    if (spec.name != name) continue;
    if (args.size() != spec.arity) {
      return EvalError("transform " + std::string(name) + " takes " + std::to_string(spec.arity) +
                       " arguments");
    }
    RENKEI_TRY(auto out, spec.fn(subject, args, env));
    RENKEI_TRY_VOID(CheckSize(out));
    return out;
  }
  return EvalError("unknown transform " + std::string(name));
}

std::vector<std::string_view> TransformNames() {
  std::vector<std::string_view> names;
  for (const auto& spec : kTransforms) names.push_back(spec.name);
  return names;
}

}  // namespace renkei::notify::expression
