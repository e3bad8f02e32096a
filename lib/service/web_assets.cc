#include "service/web_assets.h"

#include <cstring>

namespace pipeline::service {

const char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string WebContentType(const std::string& name) {
  static const struct {
    const char* extension;
    const char* type;
  } kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
  };
  for (const auto& known : kTypes) {
    size_t length = std::strlen(known.extension);
    if (name.size() > length && name.compare(name.size() - length, length, known.extension) == 0) {
      return known.type;
    }
  }
  return "application/octet-stream";
}

std::optional<HttpResponse> ServeWebFile(const std::string& name, const HttpRequest& request) {
  // Names are compared whole against the table: no path is ever built from a request.
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& file = kEmbeddedFiles[i];
    if (name != file.name) continue;
    HttpResponse response;
    std::string etag = std::string("\"") + file.sha256 + "\"";
    response.content_type = WebContentType(name);
    response.headers = {{"ETag", etag},
                        {"Cache-Control", "no-cache"},
                        {"Content-Security-Policy", kContentSecurityPolicy},
                        {"Referrer-Policy", "no-referrer"},
                        {"X-Frame-Options", "DENY"}};
    auto match = request.headers.find("if-none-match");
    if (match != request.headers.end() && match->second == etag) {
      response.status = 304;
      return response;
    }
    response.body.assign(reinterpret_cast<const char*>(file.data), file.size);
    return response;
  }
  return std::nullopt;
}

}  // namespace pipeline::service
