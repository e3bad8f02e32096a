#ifndef PIPELINE_DOCKER_TEXT_ENCODING_H_
#define PIPELINE_DOCKER_TEXT_ENCODING_H_

#include <string>
#include <string_view>

namespace pipeline::docker {

/// Percent-encodes everything but unreserved characters (RFC 3986), with upper-case hex: what
/// the Engine API's paths and queries need, and how a secret looks inside a URL.
std::string UrlEncode(std::string_view text);

/// Standard base64 (RFC 4648, with padding, no line breaks), through Poco's encoder: how a
/// secret looks in an auth header or a config file.
std::string Base64Encode(std::string_view data);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_TEXT_ENCODING_H_
