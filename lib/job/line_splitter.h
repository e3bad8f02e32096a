#ifndef PIPELINE_JOB_LINE_SPLITTER_H_
#define PIPELINE_JOB_LINE_SPLITTER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace pipeline::exec {

/// Turns output chunks of one stream into whole lines. A line longer than `max_line` is cut into
/// pieces of that size so a program printing without newlines cannot grow memory without bound.
class LineSplitter {
 public:
  using LineHandler = std::function<void(std::string_view)>;

  explicit LineSplitter(LineHandler handler, size_t max_line = 64 * 1024)
      : handler_(std::move(handler)), max_line_(max_line) {}

  /// Emits every line completed by `chunk` (without "\n", and without a "\r" before it).
  void Feed(std::string_view chunk);
  /// Emits what is left as a last line, if anything.
  void Flush();

 private:
  void Emit(std::string_view line);

  LineHandler handler_;
  size_t max_line_;
  std::string partial_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_LINE_SPLITTER_H_
