#ifndef PIPELINE_TESTS_INTEGRATION_DAEMON_H_
#define PIPELINE_TESTS_INTEGRATION_DAEMON_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <string>

#include "pipeline/docker.h"

namespace pipeline::testing {

/// True when CI=true: then a missing daemon fails the test instead of skipping it.
inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

/// Skips the calling test when no daemon answers on the default socket; fails it under CI.
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
      if (::pipeline::testing::InCi()) FAIL() << "CI=true and no Docker daemon: " << why_; \
      GTEST_SKIP() << "no Docker daemon: " << why_;                                        \
    }                                                                                      \
  } while (false)

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_DAEMON_H_
