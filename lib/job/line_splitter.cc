#include "job/line_splitter.h"

namespace pipeline::exec {

void LineSplitter::Emit(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  handler_(line);
}

void LineSplitter::Feed(std::string_view chunk) {
  while (!chunk.empty()) {
    size_t newline = chunk.find('\n');
    partial_.append(chunk.substr(0, newline));
    // Cut only what is longer than a line may be: a line of exactly max_line_ bytes waits for its
    // newline, so the result never depends on how the daemon chunked the stream.
    while (partial_.size() > max_line_) {
      Emit(std::string_view(partial_).substr(0, max_line_));
      partial_.erase(0, max_line_);
    }
    if (newline == std::string_view::npos) return;
    Emit(partial_);
    partial_.clear();
    chunk.remove_prefix(newline + 1);
  }
}

void LineSplitter::Flush() {
  if (partial_.empty()) return;
  Emit(partial_);
  partial_.clear();
}

}  // namespace pipeline::exec
