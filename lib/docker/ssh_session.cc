// ssh:// daemons the way the docker CLI reaches them (cli/connhelper): ssh runs
// `docker system dial-stdio` on the far side, which joins its stdin and stdout to the daemon.
#include "docker/ssh_session.h"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "pipeline/errors.h"

extern char** environ;

namespace pipeline::docker {
namespace {

/// Waits for an ssh child without blocking anyone: a connection may outlive its session (a
/// hijacked attach keeps the socket), and ssh exits once that socket closes.
void ReapLater(pid_t pid) {
  std::thread([pid] {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }).detach();
}

/// Our end of the socket pair. Writes never raise SIGPIPE: an ssh that exited early (a refused
/// key) must give an error naming what it said, not kill us.
class PairSocketImpl : public Poco::Net::StreamSocketImpl {
 public:
  explicit PairSocketImpl(int fd) : Poco::Net::StreamSocketImpl(fd) {}
  int sendBytes(const void* buffer, int length, int flags) override {
    return Poco::Net::StreamSocketImpl::sendBytes(buffer, length, flags | MSG_NOSIGNAL);
  }
};

class SshSession : public Poco::Net::HTTPClientSession {
 public:
  SshSession(std::vector<std::string> command, Poco::Timespan timeout)
      : Poco::Net::HTTPClientSession("localhost", 80),
        command_(std::move(command)),
        timeout_(timeout) {}

  ~SshSession() override {
    try {
      // Close our end first, so ssh sees EOF and ends, then reap it elsewhere.
      if (connected()) close();
    } catch (...) {
    }
    for (pid_t pid : children_) ReapLater(pid);
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
  }

  std::string Diagnostics() const {
    if (stderr_fd_ < 0) return "";
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    off_t offset = 0;
    while ((got = pread(stderr_fd_, buffer, sizeof buffer, offset)) > 0 && text.size() < 8192) {
      text.append(buffer, static_cast<size_t>(got));
      offset += got;
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  }

 protected:
  void connect(const Poco::Net::SocketAddress&) override {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      throw DockerError(std::string("cannot create a socket pair for ssh: ") + strerror(errno));
    }
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
    stderr_fd_ = memfd_create("docker-pipeline-ssh-stderr", MFD_CLOEXEC);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pair[1], 0);
    posix_spawn_file_actions_adddup2(&actions, pair[1], 1);
    if (stderr_fd_ >= 0) posix_spawn_file_actions_adddup2(&actions, stderr_fd_, 2);
    std::vector<char*> argv;
    for (std::string& word : command_) argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int failed = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pair[1]);
    if (failed != 0) {
      ::close(pair[0]);
      throw DockerError("cannot run " + command_[0] + ": " + strerror(failed));
    }
    children_.push_back(pid);
    Poco::Net::StreamSocket socket(new PairSocketImpl(pair[0]));
    socket.setReceiveTimeout(timeout_);
    socket.setSendTimeout(Poco::Timespan(120, 0));
    attachSocket(socket);
  }

 private:
  std::vector<std::string> command_;
  Poco::Timespan timeout_;
  std::vector<pid_t> children_;
  int stderr_fd_ = -1;
};

}  // namespace

std::vector<std::string> SshCommand(const std::string& url) {
  std::string rest = url.rfind("ssh://", 0) == 0 ? url.substr(6) : url;
  std::string socket;
  size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    socket = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  std::string user;
  size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string port;
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']') == std::string::npos) {
    port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || rest.front() == '-') {
    throw EnvironmentError("Docker host '" + url + "': no host name (ssh://[user@]host[:port])");
  }
  std::vector<std::string> command = {"ssh", "-o", "ConnectTimeout=30"};
  if (!user.empty()) command.insert(command.end(), {"-l", user});
  if (!port.empty()) command.insert(command.end(), {"-p", port});
  command.insert(command.end(), {"--", rest, "docker"});
  if (!socket.empty()) command.insert(command.end(), {"--host", "unix://" + socket});
  command.insert(command.end(), {"system", "dial-stdio"});
  return command;
}

SessionFactory SshSessionFactory(const std::string& url) {
  std::vector<std::string> command = SshCommand(url);
  return [command](int timeout_seconds) {
    return std::unique_ptr<Poco::Net::HTTPClientSession>(
        std::make_unique<SshSession>(command, Poco::Timespan(timeout_seconds, 0)));
  };
}

std::string SshDiagnostics(Poco::Net::HTTPClientSession& session) {
  auto* ssh = dynamic_cast<SshSession*>(&session);
  return ssh == nullptr ? "" : ssh->Diagnostics();
}

}  // namespace pipeline::docker
