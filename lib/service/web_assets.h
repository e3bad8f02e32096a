#ifndef PIPELINE_SERVICE_WEB_ASSETS_H_
#define PIPELINE_SERVICE_WEB_ASSETS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "service/api.h"

namespace pipeline::service {

/// One file of web/, compiled in (web/embed.cmake writes the table at build time).
struct EmbeddedFile {
  const char* name;  ///< "index.html", "app.js": web/'s file names, no directories
  const unsigned char* data;
  size_t size;
  const char* sha256;  ///< of the content, hex: the ETag
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

/// The Content-Security-Policy of every page answer: scripts, styles and connections from this
/// origin only, no inline script or style, no frames, no plugins.
extern const char kContentSecurityPolicy[];

/// The Content-Type of a file of web/ by its extension; "application/octet-stream" otherwise.
std::string WebContentType(const std::string& name);

/// The dashboard: `/` is web/index.html, `/assets/NAME` web/NAME; anything else (no such file,
/// a directory, a dot or escape trick, which routes.cc already refuses) is nullopt. Answers carry
/// the content type, the CSP, an ETag, `Cache-Control: no-cache` (revalidate: a new binary's page
/// is picked up at once) and 304 when `If-None-Match` names the ETag.
std::optional<HttpResponse> ServeWebFile(const std::string& name, const HttpRequest& request);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_WEB_ASSETS_H_
