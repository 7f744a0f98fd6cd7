// ProgressBar: one self-overwriting line on a terminal (`\r`), for imports of large files.
// Drawn only when enabled (the CLI enables it when stderr is a terminal, isatty(3), and the
// file is large), so redirected output and logs get nothing. Redraws at most once per
// percent per phase. Single-threaded: Update is called on the importing thread.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace renkei::app {

// Files from this size on get a progress bar on a terminal (docs/opendata-mapping.md).
inline constexpr std::size_t kProgressBarMinBytes = 1024 * 1024;

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(std::string_view phase, std::size_t done, std::size_t total);
  // Ends the line (once) when something was drawn.
  void Finish();

 private:
  std::ostream& out_;
  bool enabled_;
  bool drawn_ = false;
  std::string phase_;
  int percent_ = -1;
};

}  // namespace renkei::app
