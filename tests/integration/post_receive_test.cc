// `hook install --server` in a bare repository: a real `git push` into it makes the post-receive
// hook ask the pipeline service to run each pushed ref. The service here is a recording fake on
// loopback (Poco's HTTP server), so the request itself is what is checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include "integration/cli_harness.h"
#include "pipeline/workspace.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Recorded {
  std::string method;
  std::string uri;
  std::string authorization;
  std::string content_type;
  std::string body;
};

/// Answers every request with `status` and records it.
class FakeService {
 public:
  FakeService() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket_, params);
    server_->start();
  }
  ~FakeService() { server_->stopAll(true); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()); }
  std::vector<Recorded> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  void set_status(int status) { status_ = status; }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(FakeService* service) : service_(service) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Recorded recorded{request.getMethod(), request.getURI(), request.get("Authorization", ""),
                        request.getContentType(), ""};
      Poco::StreamCopier::copyToString(request.stream(), recorded.body);
      int status = 0;
      {
        std::lock_guard<std::mutex> lock(service_->mutex_);
        service_->requests_.push_back(recorded);
        status = service_->status_;
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      response.setContentType("application/json");
      std::string answer = status == 201
                               ? R"({"id": "run-)" + std::to_string(service_->requests().size()) +
                                     R"(", "status": "queued"})"
                               : R"({"error": "unauthorized"})";
      response.sendBuffer(answer.data(), answer.size());
    }

   private:
    FakeService* service_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(FakeService* service) : service_(service) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(service_);
    }

   private:
    FakeService* service_;
  };

  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::mutex mutex_;
  std::vector<Recorded> requests_;
  int status_ = 201;
};

class PostReceiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/dp-served-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    scratch_ = dir;
    remote_ = scratch_ + "/app.git";
    ASSERT_EQ(RunGit(scratch_, {"init", "-q", "--bare", remote_}).exit_code, 0);
    token_file_ = scratch_ + "/token";
    std::ofstream(token_file_) << "t0ken-for-the-service\n";
  }
  void TearDown() override { workspace::RemoveTree(scratch_); }

  void Install() {
    ProcessResult install = RunCli(
        remote_, {"hook", "install", "--server", service_.url(), "--token-file", token_file_});
    ASSERT_EQ(install.exit_code, 0) << install.all();
    EXPECT_THAT(install.out, HasSubstr("post-receive"));
  }

  static std::string Body(const std::string& ref, const std::string& commit) {
    return R"({"commit":")" + commit + R"(","ref":")" + ref + R"("})";
  }

  FakeService service_;
  std::string scratch_;
  std::string remote_;
  std::string token_file_;
};

TEST_F(PostReceiveTest, EachPushedRefIsSentWithTheToken) {
  Install();
  // The token is read at push time, never written into the hook.
  std::string hook = ReadText(remote_ + "/hooks/post-receive");
  EXPECT_THAT(hook, Not(HasSubstr("t0ken-for-the-service")));

  TempRepo repo({{"README", "hello\n"}, {"notes.txt", "x\n"}});
  std::string main_commit = RunGit(repo.path(), {"rev-parse", "HEAD"}).out.substr(0, 40);
  ASSERT_EQ(RunGit(repo.path(), {"branch", "feature"}).exit_code, 0);
  ASSERT_EQ(RunGit(repo.path(), {"tag", "v1.0"}).exit_code, 0);
  ProcessResult push = RunGit(repo.path(), {"push", remote_, "main", "feature", "v1.0"});
  ASSERT_EQ(push.exit_code, 0) << push.all();
  EXPECT_THAT(push.err, HasSubstr("sent to " + service_.url()));

  std::vector<Recorded> requests = service_.requests();
  ASSERT_EQ(requests.size(), 3u) << push.all();
  std::vector<std::string> bodies;
  for (const Recorded& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.uri, "/api/v1/repos/app/pipelines/run");
    EXPECT_EQ(request.authorization, "Bearer t0ken-for-the-service");
    EXPECT_EQ(request.content_type, "application/json");
    bodies.push_back(request.body);
  }
  EXPECT_THAT(bodies, ::testing::UnorderedElementsAre(Body("refs/heads/main", main_commit),
                                                      Body("refs/heads/feature", main_commit),
                                                      Body("refs/tags/v1.0", main_commit)));

  // A new commit is sent as what the ref points to now; deleting a ref sends nothing.
  repo.Write("README", "again\n");
  std::string next = repo.Commit("next");
  ASSERT_EQ(RunGit(repo.path(), {"push", remote_, "main"}).exit_code, 0);
  ASSERT_EQ(RunGit(repo.path(), {"push", remote_, ":feature"}).exit_code, 0);
  requests = service_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[3].body, Body("refs/heads/main", next));
}

TEST_F(PostReceiveTest, ARefusingServiceWarnsButNeverFailsThePush) {
  Install();
  service_.set_status(401);
  TempRepo repo({{"README", "hello\n"}, {"notes.txt", "x\n"}});
  ProcessResult push = RunGit(repo.path(), {"push", remote_, "main"});
  EXPECT_EQ(push.exit_code, 0) << push.all();
  EXPECT_THAT(push.err, HasSubstr("refs/heads/main"));
  EXPECT_THAT(push.err, HasSubstr("was not run"));
  EXPECT_THAT(push.err, HasSubstr("HTTP 401"));
  EXPECT_THAT(push.err, Not(HasSubstr("t0ken-for-the-service")));
  EXPECT_EQ(service_.requests().size(), 1u);
}

TEST_F(PostReceiveTest, AForeignHookKeepsRunningAndUninstallPutsItBack) {
  std::string hook = remote_ + "/hooks/post-receive";
  std::string marker = scratch_ + "/theirs-ran";
  {
    std::ofstream out(hook);
    out << "#!/bin/sh\ncat > '" << marker << "'\n";
  }
  chmod(hook.c_str(), 0755);
  Install();
  TempRepo repo({{"README", "hello\n"}, {"notes.txt", "x\n"}});
  ASSERT_EQ(RunGit(repo.path(), {"push", remote_, "main"}).exit_code, 0);
  EXPECT_THAT(ReadText(marker), HasSubstr("refs/heads/main"));
  EXPECT_EQ(service_.requests().size(), 1u);

  ProcessResult uninstall = RunCli(remote_, {"hook", "uninstall"});
  ASSERT_EQ(uninstall.exit_code, 0) << uninstall.all();
  EXPECT_THAT(uninstall.out, HasSubstr("restored your previous hook"));
  EXPECT_THAT(ReadText(hook), HasSubstr("theirs-ran"));
}

}  // namespace
}  // namespace pipeline::testing
