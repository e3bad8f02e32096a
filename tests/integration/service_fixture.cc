#include "integration/service_fixture.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

namespace pipeline::testing {

HttpAnswer Http(const std::string& address, const std::string& method, const std::string& path,
                const std::string& body, const std::string& token,
                const std::map<std::string, std::string>& headers) {
  HttpAnswer answer;
  try {
    Poco::Net::HTTPClientSession session{Poco::Net::SocketAddress(address)};
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST") {
      request.setContentType("application/json");
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    answer.status = response.getStatus();
    for (const auto& [name, value] : response) answer.headers[name] = value;
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    answer.body = text.str();
  } catch (const Poco::Exception& error) {
    answer.body = error.displayText();
  }
  return answer;
}

std::string RawExchange(const std::string& address, const std::string& raw, int limit_seconds) {
  std::string received;
  try {
    Poco::Net::StreamSocket socket{Poco::Net::SocketAddress(address)};
    socket.setReceiveTimeout(Poco::Timespan(limit_seconds, 0));
    socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
    char buffer[8192];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
    }
  } catch (const Poco::Exception&) {
    // A timeout or reset ends the exchange; what arrived is the answer.
  }
  return received;
}

std::string JsonField(const std::string& json, const std::string& key) {
  std::string needle = "\"" + key + "\":";
  size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  if (json[at] == '"') {
    size_t end = json.find('"', at + 1);
    return json.substr(at + 1, end - at - 1);
  }
  size_t end = json.find_first_of(",}]", at);
  return json.substr(at, end - at);
}

std::vector<std::string> JobIds(const std::string& json) {
  std::vector<std::string> ids;
  size_t at = json.find("\"jobs\":[");
  while (at != std::string::npos) {
    at = json.find("{\"id\":", at);
    if (at == std::string::npos) break;
    at += 6;
    ids.push_back(json.substr(at, json.find(',', at) - at));
  }
  return ids;
}

void ServiceTest::SetUp() {
  CliTest::SetUp();
  if (IsSkipped()) return;
  char dir_template[] = "/tmp/service-test.XXXXXX";
  state_ = mkdtemp(dir_template);
}

void ServiceTest::TearDown() {
  CliTest::TearDown();
  repo_.reset();
  if (!state_.empty()) std::system(("rm -rf '" + state_ + "'").c_str());
}

ProcessResult ServiceTest::WithService(
    const std::vector<std::string>& extra,
    const std::function<void(const std::string& address, int pid)>& body) {
  std::string address_file = state_ + "/address";
  std::remove(address_file.c_str());
  RunSpec spec;
  spec.args = {"serve",
               "--listen",
               "127.0.0.1:0",
               "--address-file",
               address_file,
               "--repo",
               "app=" + (served_.empty() ? repo_->path() : served_)};
  spec.args.insert(spec.args.end(), extra.begin(), extra.end());
  spec.env = {{"XDG_STATE_HOME", state_},
              {"DOCKER_PIPELINE_STORE", ""},
              {"DOCKER_PIPELINE_TOKEN", kToken},
              {"NO_COLOR", "1"}};
  spec.cwd = state_;
  spec.limit = std::chrono::seconds(400);
  spec.during = [&](int pid, const std::function<std::string()>& output) {
    std::string address;
    for (int i = 0; i < 300 && address.empty(); ++i) {
      std::ifstream(address_file) >> address;
      if (address.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (address.empty()) {
      ADD_FAILURE() << "the service did not start listening: " << output();
      kill(pid, SIGKILL);
      return;
    }
    body(address, pid);
    kill(pid, SIGTERM);
  };
  return RunProcess(spec);
}

std::string ServiceTest::Trigger(const std::string& address, const std::string& body) {
  HttpAnswer answer = Http(address, "POST", "/api/v1/repos/app/pipelines/run", body, kToken);
  EXPECT_EQ(answer.status, 201) << answer.body;
  std::string id = JsonField(answer.body, "id");
  if (!id.empty()) RecordRun(id);
  return id;
}

std::string ServiceTest::WaitForRun(const std::string& address, const std::string& id,
                                    const std::string& status, int limit_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_seconds);
  std::string json;
  while (std::chrono::steady_clock::now() < deadline) {
    json = Http(address, "GET", "/api/v1/pipelines/runs/" + id, "", kToken).body;
    std::string now = JsonField(json, "status");
    bool ended = now != "queued" && now != "running" && !now.empty();
    if (status.empty() ? ended : now == status) return json;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "run " << id << " did not reach " << (status.empty() ? "its end" : status)
                << ": " << json;
  return json;
}

}  // namespace pipeline::testing
