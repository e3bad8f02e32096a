#ifndef PIPELINE_TESTS_INTEGRATION_DAEMON_H_
#define PIPELINE_TESTS_INTEGRATION_DAEMON_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <string>

#include "pipeline/docker.h"

namespace pipeline::testing {

/// True when a missing daemon must fail the test instead of skipping it: under tests/run.sh
/// (which sets PIPELINE_TEST_STRICT=1) or CI=true, unless the developer asked to skip with
/// PIPELINE_ALLOW_NO_DAEMON=1 (tests/run.sh --allow-no-daemon).
inline bool InCi() {
  auto is = [](const char* name, const char* value) {
    const char* set = std::getenv(name);
    return set != nullptr && std::string(set) == value;
  };
  if (is("PIPELINE_ALLOW_NO_DAEMON", "1")) return false;
  return is("CI", "true") || is("PIPELINE_TEST_STRICT", "1");
}

/// Skips the calling test when no daemon answers on the default socket; fails it when InCi().
/// A macro because GTEST_SKIP and FAIL return from the function they are written in: call it
/// first in a test body or in a fixture's SetUp (then the body does not run, TearDown does).
#define RequireDaemon()                                                                    \
  do {                                                                                     \
    std::string why_;                                                                      \
    try {                                                                                  \
      ::pipeline::docker::MakeEngineClient(::pipeline::docker::Endpoint{})->Ping();        \
    } catch (const std::exception& error_) {                                               \
      why_ = error_.what();                                                                \
    }                                                                                      \
    if (!why_.empty()) {                                                                   \
      if (::pipeline::testing::InCi())                                                     \
        FAIL() << "no Docker daemon (PIPELINE_ALLOW_NO_DAEMON=1 skips instead): " << why_; \
      GTEST_SKIP() << "no Docker daemon: " << why_;                                        \
    }                                                                                      \
  } while (false)

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_DAEMON_H_
