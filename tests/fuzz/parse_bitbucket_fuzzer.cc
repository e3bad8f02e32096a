// The Bitbucket (bitbucket-pipelines.yml) reader on arbitrary text. The first line of the input,
// when it starts with "#!", names the pipeline to pick ("#!branches/main", "#!custom/deploy"), so
// selection is fuzzed as well as the default pipeline.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pipeline::PipelineChoice choice;
  choice.branch = "main";
  if (text.rfind("#!", 0) == 0) {
    // The line stays in the text: YAML reads it as a comment.
    choice.pipeline = text.substr(2, text.find('\n') - 2);
  }
  try {
    pipeline::ParsePipeline(text, "bitbucket-pipelines.yml", choice);
  } catch (const pipeline::Error&) {
  }
  return 0;
}
