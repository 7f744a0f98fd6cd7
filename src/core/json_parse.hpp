// JSON text in, with every number read as the double nearest to its decimal text.
//
// Boost.JSON 1.81 (Debian 12's) converts many numbers of more than 15 significant digits to
// a neighbouring double: of two million random doubles written in their shortest round-trip
// form, about 40% read back one unit in the last place off (-9.146229953197121 became
// -9.1462299531971194). Values that JavaScript clients send (21.299999999999997), results of
// `$inc`, and documents the store wrote itself would then change on their way through renkei.
// Boost 1.83 adds `parse_options::numbers = precise`; until Debian ships it, this parser runs
// Boost's own syntax checking (basic_parser) and builds the value itself, converting each
// number's text with std::from_chars (correctly rounded) instead of Boost's approximation.
#pragma once

#include <string_view>

#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

namespace renkei::core {

// Same contract as boost::json::parse(text, ec, {}, options): null and `ec` set on a syntax
// error (or on what `options` forbids), the document otherwise.
boost::json::value ParseJson(std::string_view text, boost::system::error_code& ec,
                             const boost::json::parse_options& options = {});

}  // namespace renkei::core
