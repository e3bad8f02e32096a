// The service as a user reaches it: the real binary serving on loopback, driven over HTTP.
#ifndef PIPELINE_TESTS_INTEGRATION_SERVICE_FIXTURE_H_
#define PIPELINE_TESTS_INTEGRATION_SERVICE_FIXTURE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "integration/cli_fixture.h"

namespace pipeline::testing {

struct HttpAnswer {
  int status = 0;  ///< 0: no answer (connection failed)
  std::string body;
  std::map<std::string, std::string> headers;
};

/// One request on a fresh connection; `token` empty: no Authorization header.
HttpAnswer Http(const std::string& address, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& token = "",
                const std::map<std::string, std::string>& headers = {});

/// Writes `raw` on one connection and reads until the server closes it or `limit` passes.
std::string RawExchange(const std::string& address, const std::string& raw, int limit_seconds = 10);

/// The string value of "key" in a flat JSON text ("" when absent).
std::string JsonField(const std::string& json, const std::string& key);
/// Every "id": number in `json`'s "jobs" array, in order.
std::vector<std::string> JobIds(const std::string& json);

class ServiceTest : public CliTest {
 protected:
  static constexpr const char* kToken = "service-test-token-0123456789";

  void SetUp() override;
  void TearDown() override;

  /// Runs the service on loopback with `extra` flags and calls `body` with its address and pid
  /// once it listens; then stops it with SIGTERM unless `body` killed it. Returns how it ended.
  ProcessResult WithService(const std::vector<std::string>& extra,
                            const std::function<void(const std::string& address, int pid)>& body);

  /// POST .../pipelines/run; returns the run id ("" on failure, with a test failure).
  std::string Trigger(const std::string& address, const std::string& body);
  /// Polls the run until its status is `status` (or any end when empty); returns its JSON.
  std::string WaitForRun(const std::string& address, const std::string& id,
                         const std::string& status = "", int limit_seconds = 120);

  std::string state_;
  std::unique_ptr<TempRepo> repo_;
  std::string served_;  ///< registered as `app` instead of repo_ when set (a bare repository)
};

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_SERVICE_FIXTURE_H_
