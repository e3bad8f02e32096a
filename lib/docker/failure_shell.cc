#include "docker/failure_shell.h"

#include <poll.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "docker/http_transport.h"
#include "docker/request_json.h"
#include "docker/text_encoding.h"

namespace pipeline::docker {
namespace {

constexpr int kPollMillis = 200;  // how often a resize or a cancel is noticed

std::string ContainerPath(const std::string& id, const std::string& rest) {
  return "/containers/" + UrlEncode(id) + rest;
}

std::string IdOf(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("Id");
}

/// The contents of a small regular file in container `id`, or "" when it is not there: the
/// first member of the tar the archive endpoint answers with.
std::string ReadSmallFile(HttpTransport& http, const std::string& id, const std::string& path) {
  HttpResponse response =
      http.Request("GET", ContainerPath(id, "/archive?path=") + UrlEncode(path));
  if (response.status != 200 || response.body.size() < 512) return "";
  size_t size = std::strtoul(response.body.substr(124, 12).c_str(), nullptr, 8);
  if (response.body.size() < 512 + size) return "";
  return response.body.substr(512, size);
}

void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the terminal went away: nothing more to show
    text.remove_prefix(static_cast<size_t>(n));
  }
}

/// The create body of the shell: `spec`, with the mounts the failed container really has (the
/// backend may have mapped the spec's workspace mount to an overlay when it created it).
std::string ShellCreateBody(HttpTransport& http, const std::string& failed_id,
                            const ContainerSpec& spec) {
  Poco::JSON::Parser parser;
  auto body = parser.parse(ContainerCreateBody(spec)).extract<Poco::JSON::Object::Ptr>();
  HttpResponse inspected = Expect(http.Request("GET", ContainerPath(failed_id, "/json")), 200,
                                  "inspect the failed container");
  Poco::JSON::Parser inspect_parser;
  auto failed = inspect_parser.parse(inspected.body).extract<Poco::JSON::Object::Ptr>();
  auto failed_host = failed->getObject("HostConfig");
  auto host = body->getObject("HostConfig");
  if (failed_host && host) {
    for (const char* key : {"Binds", "Mounts"}) {
      if (failed_host->has(key)) {
        host->set(key, failed_host->get(key));
      } else {
        host->remove(key);
      }
    }
  }
  std::ostringstream out;
  body->stringify(out);
  return out.str();
}

/// Removes the shell's container and image on every path; both carry the run's labels, so the
/// run's final sweep would find them too if this process died first.
class ShellObjects {
 public:
  explicit ShellObjects(HttpTransport& http) : http_(http) {}
  ~ShellObjects() {
    try {
      if (!container_.empty()) http_.Request("DELETE", ContainerPath(container_, "?force=1&v=1"));
      if (!image_.empty()) http_.Request("DELETE", "/images/" + UrlEncode(image_) + "?force=1");
    } catch (const Error&) {
      // the sweep at the end of the run removes them by label
    }
  }
  std::string image_;
  std::string container_;

 private:
  HttpTransport& http_;
};

/// Copies the terminal to the shell and the shell (masked) to the terminal until the shell ends.
void CopyBothWays(HttpTransport& http, const std::string& id, HijackedConnection& connection,
                  const FailedContainer& failed, const ShellTerminal& terminal,
                  const std::function<bool()>& cancelled) {
  if (connection.buffered.size() > 0) {
    WriteAll(terminal.out_fd, failed.mask(std::string_view(connection.buffered.begin(),
                                                           connection.buffered.size())));
  }
  std::pair<int, int> size{0, 0};
  bool stdin_open = true;
  char buffer[16 * 1024];
  while (true) {
    if (terminal.size) {
      std::pair<int, int> now = terminal.size();
      if (now != size && now.first > 0) {
        size = now;
        http.Request("POST", ContainerPath(id, "/resize?h=" + std::to_string(now.first) +
                                                   "&w=" + std::to_string(now.second)));
      }
    }
    if (cancelled && cancelled()) break;
    pollfd fds[2] = {{connection.socket.impl()->sockfd(), POLLIN, 0},
                     {terminal.in_fd, static_cast<short>(stdin_open ? POLLIN : 0), 0}};
    int ready = ::poll(fds, stdin_open ? 2 : 1, kPollMillis);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (fds[0].revents != 0) {
      int n = 0;
      try {
        n = connection.socket.receiveBytes(buffer, sizeof(buffer));
      } catch (const Poco::Exception&) {
        n = 0;
      }
      if (n <= 0) break;  // the shell exited
      WriteAll(terminal.out_fd, failed.mask(std::string_view(buffer, static_cast<size_t>(n))));
    }
    if (stdin_open && fds[1].revents != 0) {
      ssize_t n = ::read(terminal.in_fd, buffer, sizeof(buffer));
      if (n > 0) {
        connection.socket.sendBytes(buffer, static_cast<int>(n));
      } else if (n == 0 || errno != EINTR) {
        stdin_open = false;
        connection.socket.shutdownSend();
      }
    }
  }
}

/// What the user sees before the prompt, with \r\n: the terminal is already raw.
std::string Banner(const FailedContainer& failed, const std::string& command) {
  std::string text = "\r\ndocker-pipeline: job '" + failed.job_name + "' failed with exit code " +
                     std::to_string(failed.exit_code);
  text += command.empty() ? ".\r\n" : " at:\r\n  + " + command + "\r\n";
  text +=
      "A shell in its container as the failing command left it (working directory, exported "
      "variables, files). Type 'exit' (or Ctrl-D) to end it; everything is removed then.\r\n\r\n";
  return failed.mask(text);
}

}  // namespace

std::vector<std::string> FailureShellCommand() {
  std::string dir = kFailureStateDir;
  return {"/bin/sh", "-c",
          "if [ -r " + dir + "/env ]; then . " + dir +
              "/env 2>/dev/null; fi; "
              "if [ -r " +
              dir + "/pwd ]; then cd \"$(cat " + dir +
              "/pwd)\" 2>/dev/null; fi; "
              "if command -v bash >/dev/null 2>&1; then exec bash -i; fi; exec sh -i"};
}

std::string FailingCommand(const std::vector<std::string>& commands, const std::string& saved) {
  char* end = nullptr;
  unsigned long index = std::strtoul(saved.c_str(), &end, 10);
  if (end == saved.c_str() || index >= commands.size()) return "";
  return commands[index];
}

int RunFailureShell(const Endpoint& endpoint, const FailedContainer& failed,
                    const ShellTerminal& terminal, const std::function<bool()>& cancelled) {
  HttpTransport http(endpoint);
  std::string saved =
      ReadSmallFile(http, failed.container_id, std::string(kFailureStateDir) + "/n");
  std::map<std::string, std::string> labels = failed.spec.labels;
  labels[kLabelShell] = failed.job_name;
  ShellObjects objects(http);
  Poco::JSON::Object::Ptr config = new Poco::JSON::Object;
  Poco::JSON::Object::Ptr label_object = new Poco::JSON::Object;
  for (const auto& [key, value] : labels) label_object->set(key, value);
  config->set("Labels", label_object);
  std::ostringstream config_json;
  config->stringify(config_json);
  // Committed, not restarted: a restart would run the job's script again, and the image keeps
  // every file the script changed outside the workspace (the workspace is a mount and stays).
  objects.image_ =
      IdOf(Expect(http.Request("POST", "/commit?container=" + UrlEncode(failed.container_id),
                               config_json.str()),
                  201, "keep the state of job '" + failed.job_name + "'")
               .body);
  ContainerSpec spec = failed.spec;
  spec.name = spec.name.empty() ? "" : spec.name + "-shell";
  spec.image = objects.image_;
  std::vector<std::string> command = FailureShellCommand();
  spec.entrypoint = {command.front()};
  spec.cmd.assign(command.begin() + 1, command.end());
  spec.labels = labels;
  spec.tty = true;
  std::string create = "/containers/create";
  if (!spec.name.empty()) create += "?name=" + UrlEncode(spec.name);
  objects.container_ =
      IdOf(Expect(http.Request("POST", create, ShellCreateBody(http, failed.container_id, spec)),
                  201, "create the shell of job '" + failed.job_name + "'")
               .body);
  HijackedConnection connection =
      http.Hijack(ContainerPath(objects.container_, "/attach?stream=1&stdin=1&stdout=1&stderr=1"),
                  "attach to the shell of job '" + failed.job_name + "'");
  WriteAll(terminal.out_fd, Banner(failed, FailingCommand(failed.commands, saved)));
  HttpResponse started = http.Request("POST", ContainerPath(objects.container_, "/start"));
  if (started.status != 204 && started.status != 304) {
    throw DockerError("start the shell of job '" + failed.job_name + "': " + ErrorMessage(started));
  }
  CopyBothWays(http, objects.container_, connection, failed, terminal, cancelled);
  connection.socket.close();
  http.Request("POST", ContainerPath(objects.container_, "/kill"));
  HttpResponse waited = http.Request("POST", ContainerPath(objects.container_, "/wait"));
  try {
    Poco::JSON::Parser parser;
    return parser.parse(waited.body)
        .extract<Poco::JSON::Object::Ptr>()
        ->getValue<int>("StatusCode");
  } catch (const Poco::Exception&) {
    return -1;
  }
}

}  // namespace pipeline::docker
