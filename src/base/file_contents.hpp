// The whole contents of a file in one string, read with one allocation of the file's size:
// open-data files are tens of megabytes, and the stream idiom (`ostringstream << rdbuf()`)
// grows its buffer by copies and copies it once more on the way out, which for a 45 MB
// import was 90 ms spent before the first row (bench/opendata_import.py).
#pragma once

#include <optional>
#include <string>

namespace renkei::base {

// std::nullopt when the file cannot be opened or read (a directory, no permission, gone).
// A file that grows while it is read is read to its end.
std::optional<std::string> ReadFileContents(const std::string& path);

}  // namespace renkei::base
