// The native (.pipeline.yml / .gitlab-ci.yml) reader on arbitrary text. A ParseError is the
// expected answer to bad input; any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    pipeline::ParsePipeline(text, ".pipeline.yml");
  } catch (const pipeline::Error&) {
  }
  return 0;
}
