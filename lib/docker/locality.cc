// Is the daemon on this machine? Bind mounts of our workspace only work if it is; otherwise
// the remote backend ships the workspace (docs/scale.md).
#include "docker/locality.h"

#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>

#include "docker/http_transport.h"
#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// "tcp://[::1]:2376/x" -> "::1"; "tcp://box:2376" -> "box".
std::string TcpHostName(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.rfind(':'));
}

std::string ThisHostName() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace

bool SameHostName(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::string x = Lower(a), y = Lower(b);
  if (x == y) return true;
  bool x_short = x.find('.') == std::string::npos, y_short = y.find('.') == std::string::npos;
  if (!x_short && !y_short) return false;
  return x.substr(0, x.find('.')) == y.substr(0, y.find('.'));
}

Locality DetectLocality(const Endpoint& endpoint, const std::string& this_host) {
  const std::string& host = endpoint.host;
  if (host.rfind("unix://", 0) == 0 || (!host.empty() && host.front() == '/')) {
    return {true, "a unix socket on this machine"};
  }
  if (host.rfind("ssh://", 0) == 0) return {false, "reached through ssh"};
  std::string name = Lower(TcpHostName(host));
  if (name == "localhost" || name == "::1" || name.rfind("127.", 0) == 0) {
    return {true, "a loopback address"};
  }
  std::string daemon_name;
  try {
    HttpTransport transport(endpoint);
    HttpResponse info = transport.Request("GET", "/info");
    if (info.status == 200) {
      Poco::JSON::Parser parser;
      auto object = parser.parse(info.body).extract<Poco::JSON::Object::Ptr>();
      if (object && object->has("Name")) daemon_name = object->getValue<std::string>("Name");
    }
  } catch (const Poco::Exception&) {
  }
  std::string ours = this_host.empty() ? ThisHostName() : this_host;
  if (SameHostName(daemon_name, ours)) {
    return {true, "the daemon's name '" + daemon_name + "' is this machine's"};
  }
  return {false, "the daemon's name '" + daemon_name + "' is not this machine's ('" + ours + "')"};
}

}  // namespace pipeline::docker
