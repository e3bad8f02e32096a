#ifndef PIPELINE_SERVICE_AUTH_H_
#define PIPELINE_SERVICE_AUTH_H_

#include <string>
#include <string_view>

namespace pipeline::service {

/// Compares in time that depends only on the lengths, so a caller cannot find the token byte by
/// byte from response times.
bool TokenEquals(std::string_view a, std::string_view b);

/// True when an Authorization header value carries `token` as "Bearer TOKEN".
bool BearerMatches(const std::string& header, const std::string& token);

/// True for 127.0.0.0/8, ::1 and "localhost": where the service may listen without a token.
bool IsLoopbackHost(const std::string& host);

/// Splits "ADDR:PORT" ("[::1]:8080" for IPv6); throws UsageError naming --listen.
void SplitListenAddress(const std::string& listen, std::string& host, int& port);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_AUTH_H_
