// The two databases every store test runs against: a fresh SQLite file, and a fresh database on a
// real PostgreSQL server (install/test-postgres.sh; ctest starts one for the whole suite).
#ifndef PIPELINE_TESTS_UNIT_STORE_STORE_BACKENDS_H_
#define PIPELINE_TESTS_UNIT_STORE_STORE_BACKENDS_H_

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "pipeline/store.h"

namespace pipeline::store::testing {

inline std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

/// Runs `command` with sh; returns its stdout and sets `status` to its exit status.
inline std::string Sh(const std::string& command, int* status = nullptr) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  int result = pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(result) ? WEXITSTATUS(result) : -1;
  return output;
}

inline std::string FirstLineOf(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

/// The test server's URL (…/postgres), or "" when none can be had. In order: the URL in
/// DOCKER_PIPELINE_TEST_POSTGRES, the server ctest started (its state file named by
/// DOCKER_PIPELINE_TEST_POSTGRES_STATE), else one started for this process and stopped at exit.
inline std::string PostgresServerUrl() {
  static std::string url = [] {
    std::string given = Env("DOCKER_PIPELINE_TEST_POSTGRES");
    if (!given.empty()) return given;
    std::string state = Env("DOCKER_PIPELINE_TEST_POSTGRES_STATE");
    if (!state.empty() && !FirstLineOf(state).empty()) return FirstLineOf(state);
    static std::string own = "/tmp/docker-pipeline-pg-state." + std::to_string(getpid());
    int status = 0;
    Sh(std::string(PIPELINE_SOURCE_DIR) + "/install/test-postgres.sh start " + own +
           " >/dev/null 2>&1",
       &status);
    if (status != 0) return std::string();
    std::atexit(
        [] { Sh(std::string(PIPELINE_SOURCE_DIR) + "/install/test-postgres.sh stop " + own); });
    return FirstLineOf(own);
  }();
  return url;
}

/// A fresh, empty store of one kind per test: "sqlite" or "postgresql".
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      char dir_template[] = "/tmp/store-test.XXXXXX";
      dir_ = mkdtemp(dir_template);
      url_ = dir_ + "/state/history.db";  // a missing directory: Open creates it
    } else {
      std::string server = PostgresServerUrl();
      if (server.empty()) {
        if (Env("CI") == "true") FAIL() << "CI=true and no PostgreSQL server could be started";
        GTEST_SKIP() << "no PostgreSQL server could be started (install Debian's postgresql)";
      }
      static std::atomic<int> counter{0};
      std::string name = "store_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
      Sql(server, "CREATE DATABASE " + name);
      url_ = server.substr(0, server.rfind('/') + 1) + name;
    }
    store_ = RunStore::Open(url_);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) Sh("rm -rf '" + dir_ + "'");
  }

  /// Runs one SQL statement with the database's own command-line client; returns its output.
  static std::string Sql(const std::string& url, const std::string& sql) {
    bool sqlite = url.find("://") == std::string::npos;
    std::string command = sqlite ? "sqlite3 '" + url + "' \"" + sql + "\""
                                 : "psql -qAt '" + url + "' -c \"" + sql + "\"";
    int status = 0;
    std::string out = Sh(command + " 2>&1", &status);
    EXPECT_EQ(status, 0) << command << ": " << out;
    return out;
  }
  std::string Sql(const std::string& sql) { return Sql(url_, sql); }

  static std::shared_ptr<spdlog::logger> NullLog() {
    return std::make_shared<spdlog::logger>("test",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
  }

  RunRecord MakeRun(const std::string& id, Millis queued_at, const std::string& status = kSuccess,
                    const std::string& repo = "app") {
    RunRecord run;
    run.id = id;
    run.repo = repo;
    run.pipeline = ".pipeline.yml";
    run.ref = "main";
    run.commit = "0123456789abcdef0123456789abcdef01234567";
    run.status = status;
    run.queued_at = queued_at;
    run.started_at = queued_at + 5;
    run.owner = "host/1/1";
    return run;
  }

  std::string dir_;
  std::string url_;
  std::unique_ptr<RunStore> store_;
};

inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define PIPELINE_STORE_BACKENDS(fixture)                                                 \
  INSTANTIATE_TEST_SUITE_P(Backends, fixture, ::testing::Values("sqlite", "postgresql"), \
                           ::pipeline::store::testing::BackendName)

}  // namespace pipeline::store::testing

#endif  // PIPELINE_TESTS_UNIT_STORE_STORE_BACKENDS_H_
