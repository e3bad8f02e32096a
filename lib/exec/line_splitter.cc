#include "exec/line_splitter.h"

namespace pipeline::exec {

void LineSplitter::Emit(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  handler_(line);
}

void LineSplitter::Feed(std::string_view chunk) {
  while (!chunk.empty()) {
    size_t newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(chunk);
      while (partial_.size() >= max_line_) {
        Emit(std::string_view(partial_).substr(0, max_line_));
        partial_.erase(0, max_line_);
      }
      return;
    }
    if (partial_.empty()) {
      Emit(chunk.substr(0, newline));
    } else {
      partial_.append(chunk.substr(0, newline));
      Emit(partial_);
      partial_.clear();
    }
    chunk.remove_prefix(newline + 1);
  }
}

void LineSplitter::Flush() {
  if (partial_.empty()) return;
  Emit(partial_);
  partial_.clear();
}

}  // namespace pipeline::exec
