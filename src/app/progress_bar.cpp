#include "app/progress_bar.hpp"

#include <algorithm>
#include <ostream>

namespace renkei::app {

void ProgressBar::Update(std::string_view phase, std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  const int percent = static_cast<int>(std::min<std::size_t>(done, total) * 100 / total);
  if (phase == phase_ && percent == percent_) return;
  phase_ = std::string(phase);
  percent_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  out_ << "\r" << phase << " [" << std::string(static_cast<std::size_t>(filled), '#')
       << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << percent << "% "
       << done << "/" << total << "\x1b[K" << std::flush;  // ESC[K: clear the rest of the line
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  out_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace renkei::app
