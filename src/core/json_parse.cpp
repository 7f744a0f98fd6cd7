#include "core/json_parse.hpp"

#include <charconv>
#include <string>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

namespace renkei::core {
namespace {

namespace json = boost::json;
using boost::system::error_code;

// The events of json::basic_parser turned into a value on a json::value_stack, as Boost's
// own parser does, except that doubles come from their text.
class PreciseHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  PreciseHandler() { stack_.reset(); }
  json::value Release() { return stack_.release(); }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t size, error_code&) {
    stack_.push_object(size);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t size, error_code&) {
    stack_.push_array(size);
    return true;
  }
  bool on_key_part(json::string_view part, std::size_t, error_code&) {
    stack_.push_chars(part);
    return true;
  }
  bool on_key(json::string_view last, std::size_t, error_code&) {
    stack_.push_key(last);
    return true;
  }
  bool on_string_part(json::string_view part, std::size_t, error_code&) {
    stack_.push_chars(part);
    return true;
  }
  bool on_string(json::string_view last, std::size_t, error_code&) {
    stack_.push_string(last);
    return true;
  }
  // A number split over two writes arrives in parts; one write of a whole text gives it in
  // one piece, but the parts are kept so the text is whole either way.
  bool on_number_part(json::string_view part, error_code&) {
    number_.append(part.data(), part.size());
    return true;
  }
  bool on_int64(std::int64_t value, json::string_view, error_code&) {
    number_.clear();
    stack_.push_int64(value);
    return true;
  }
  bool on_uint64(std::uint64_t value, json::string_view, error_code&) {
    number_.clear();
    stack_.push_uint64(value);
    return true;
  }
  bool on_double(double approximate, json::string_view last, error_code&) {
    std::string_view text(last.data(), last.size());
    if (!number_.empty()) {
      number_.append(last.data(), last.size());
      text = number_;
    }
    double exact = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), exact);
    // Boost has checked the syntax; out of range (1e999) keeps Boost's answer.
    stack_.push_double(error == std::errc() && end == text.data() + text.size() ? exact
                                                                                : approximate);
    number_.clear();
    return true;
  }
  bool on_bool(bool value, error_code&) {
    stack_.push_bool(value);
    return true;
  }
  bool on_null(error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  json::value_stack stack_;
  std::string number_;
};

}  // namespace

json::value ParseJson(std::string_view text, error_code& ec, const json::parse_options& options) {
  json::basic_parser<PreciseHandler> parser(options);
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) return nullptr;
  if (used < text.size()) {
    ec = json::error::extra_data;
    return nullptr;
  }
  return parser.handler().Release();
}

}  // namespace renkei::core
