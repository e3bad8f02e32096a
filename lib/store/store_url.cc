#include "store/store_url.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "pipeline/store.h"

namespace pipeline::store {
namespace {

/// Poco splits the connection string at spaces and '=' without quoting, so neither may appear
/// inside a value.
void Add(const std::string& url, const std::string& key, const std::string& value,
         std::string& out) {
  if (value.empty()) return;
  if (value.find_first_of(" ='\\") != std::string::npos) {
    throw StoreError("history store URL: the " + key +
                     " may not contain spaces, quotes, '=' or '\\' (use PGPASSFILE for a "
                     "password like that)");
  }
  out += (out.empty() ? "" : " ") + key + "=" + value;
}

}  // namespace

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string PostgresConnectionString(const std::string& url) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& error) {
    throw StoreError("history store URL: not a valid URL: " + error.displayText());
  }
  std::string out;
  std::string user_info = uri.getUserInfo();
  size_t colon = user_info.find(':');
  std::string user, password;
  Poco::URI::decode(user_info.substr(0, colon), user);
  if (colon != std::string::npos) Poco::URI::decode(user_info.substr(colon + 1), password);
  Add(url, "user", user, out);
  Add(url, "password", password, out);
  Add(url, "host", uri.getHost(), out);
  if (uri.getPort() != 0) Add(url, "port", std::to_string(uri.getPort()), out);
  std::string database = uri.getPath();
  if (!database.empty() && database.front() == '/') database.erase(0, 1);
  Add(url, "dbname", database, out);
  bool timeout = false;
  for (const auto& [key, value] : uri.getQueryParameters()) {
    Add(url, key, value, out);
    timeout = timeout || key == "connect_timeout";
  }
  // A server that does not answer fails the command in seconds, not at the TCP timeout.
  if (!timeout) Add(url, "connect_timeout", "10", out);
  return out;
}

}  // namespace pipeline::store
