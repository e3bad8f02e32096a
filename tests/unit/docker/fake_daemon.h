// A stand-in for the Docker daemon on 127.0.0.1: it answers each connection with whatever raw
// bytes the test's handler returns, so the client's status mapping, paths, bodies and hijacked
// streams can be checked without a daemon.
#ifndef PIPELINE_TESTS_UNIT_DOCKER_FAKE_DAEMON_H_
#define PIPELINE_TESTS_UNIT_DOCKER_FAKE_DAEMON_H_

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pipeline::docker {

/// One request as the fake daemon saw it.
struct FakeRequest {
  std::string method;
  std::string uri;   ///< path and query, as sent
  std::string head;  ///< the request line and headers
  std::string body;
};

/// A raw HTTP/1.1 answer that closes the connection.
inline std::string Reply(int status, const std::string& body = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " Fake\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

/// `{"message":"..."}` as the daemon sends with an error status.
inline std::string ErrorReply(int status, const std::string& message) {
  return Reply(status, "{\"message\":\"" + message + "\"}");
}

class FakeDaemon {
 public:
  using Handler = std::function<std::string(const FakeRequest&)>;

  explicit FakeDaemon(Handler handler)
      : handler_(std::move(handler)),
        server_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        acceptor_([this] { Accept(); }) {}

  ~FakeDaemon() {
    stop_ = true;
    acceptor_.join();
    for (std::thread& connection : connections_) connection.join();
  }

  /// "tcp://127.0.0.1:PORT"
  std::string host() const { return "tcp://127.0.0.1:" + std::to_string(server_.address().port()); }

  std::vector<FakeRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

  /// The URI of the only request with `method`; empty when there is none.
  std::string UriOf(const std::string& method) {
    for (const FakeRequest& request : requests()) {
      if (request.method == method) return request.uri;
    }
    return "";
  }

 private:
  void Accept() {
    while (!stop_) {
      if (!server_.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::StreamSocket socket = server_.acceptConnection();
      // A thread per connection, so a blocking wait does not hold up the next call (as with
      // the real daemon).
      connections_.emplace_back([this, socket]() mutable { Serve(socket); });
    }
  }

  void Serve(Poco::Net::StreamSocket socket) {
    std::string data;
    char buffer[4096];
    size_t end = std::string::npos;
    while ((end = data.find("\r\n\r\n")) == std::string::npos) {
      int n = socket.receiveBytes(buffer, sizeof(buffer));
      if (n <= 0) return;
      data.append(buffer, static_cast<size_t>(n));
    }
    FakeRequest request;
    request.head = data.substr(0, end);
    request.body = data.substr(end + 4);
    request.method = request.head.substr(0, request.head.find(' '));
    size_t uri_start = request.method.size() + 1;
    request.uri = request.head.substr(uri_start, request.head.find(' ', uri_start) - uri_start);
    size_t length = 0;
    size_t header = request.head.find("Content-Length: ");
    if (header != std::string::npos) length = std::stoul(request.head.substr(header + 16));
    while (request.body.size() < length) {
      int n = socket.receiveBytes(buffer, sizeof(buffer));
      if (n <= 0) break;
      request.body.append(buffer, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
    }
    std::string answer = handler_(request);
    for (size_t sent = 0; sent < answer.size();) {
      int n = socket.sendBytes(answer.data() + sent, static_cast<int>(answer.size() - sent));
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    socket.shutdownSend();
  }

  Handler handler_;
  Poco::Net::ServerSocket server_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<FakeRequest> requests_;
  std::vector<std::thread> connections_;  ///< touched by the acceptor thread only, then joined
  std::thread acceptor_;                  ///< last: it starts once the members above exist
};

}  // namespace pipeline::docker

#endif  // PIPELINE_TESTS_UNIT_DOCKER_FAKE_DAEMON_H_
