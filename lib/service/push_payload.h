#ifndef PIPELINE_SERVICE_PUSH_PAYLOAD_H_
#define PIPELINE_SERVICE_PUSH_PAYLOAD_H_

#include <map>
#include <string>
#include <vector>

#include "pipeline/errors.h"

namespace pipeline::service {

/// The request is not a push webhook we can read (unknown sender, bad JSON, a field missing or
/// of the wrong type): the service answers 400 with the message.
class WebhookPayloadError : public UsageError {
 public:
  explicit WebhookPayloadError(const std::string& message) : UsageError(message) {}
};

/// The request does not carry the configured secret (token or signature missing or wrong): the
/// service answers 401. The message never contains the secret nor what was sent in its place.
class WebhookAuthError : public UsageError {
 public:
  explicit WebhookAuthError(const std::string& message) : UsageError(message) {}
};

/// One ref a push moved, to be run.
struct PushEvent {
  std::string ref;         ///< "refs/heads/main" or "refs/tags/v1.0"
  std::string after;       ///< the commit the ref points to now: the one to run
  std::string before;      ///< where it pointed before; all zeros or "" when the ref is new
  std::string repository;  ///< the sender's name of it: "group/project", "owner/name"
};

/// What a webhook request asks for.
struct PushPayload {
  std::string sender;             ///< "gitlab", "github" or "bitbucket"
  std::vector<PushEvent> pushes;  ///< in the payload's order; a deleted ref is left out
  std::string ignored;            ///< when `pushes` is empty: why nothing is to run
};

/// HTTP header names to values; names are matched case-insensitively.
using Headers = std::map<std::string, std::string>;

/// Reads a push webhook of GitLab (X-Gitlab-Event: Push Hook or Tag Push Hook; the secret is the
/// X-Gitlab-Token header), GitHub (X-GitHub-Event: push; X-Hub-Signature-256 is the HMAC-SHA256
/// of the raw body) or Bitbucket Cloud (X-Event-Key: repo:push; X-Hub-Signature is the
/// HMAC-SHA256 of the raw body). The secret is checked, in constant time, before the body is
/// parsed. With an empty `secret` nothing is checked: the caller authenticates another way.
/// Other events of those senders (GitHub's ping, a merge request) give no pushes and a reason.
/// Throws WebhookAuthError or WebhookPayloadError. Pure: no I/O.
PushPayload ParsePushPayload(const Headers& headers, const std::string& body,
                             const std::string& secret);

/// True when `a` and `b` are equal, taking the same time wherever they differ (a length
/// difference is not hidden; callers compare digests of a fixed length).
bool ConstantTimeEquals(const std::string& a, const std::string& b);

/// Lower-case hex HMAC-SHA256 of `body` keyed with `secret`.
std::string HmacSha256Hex(const std::string& secret, const std::string& body);

}  // namespace pipeline::service

#endif  // PIPELINE_SERVICE_PUSH_PAYLOAD_H_
