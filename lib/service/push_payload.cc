#include "service/push_payload.h"

#include <strings.h>

#include <utility>
#include <vector>

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

namespace pipeline::service {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

/// HMACEngine wants the block and digest sizes as members, which Poco's SHA2Engine lacks.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

const std::string* FindHeader(const Headers& headers, const char* name) {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name) == 0) return &value;
  }
  return nullptr;
}

std::string Sha256Hex(const std::string& text) {
  Sha256Engine engine;
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

/// GitLab sends the secret itself: compared as digests, so neither its length nor where it
/// differs shows in the time taken.
void CheckToken(const Headers& headers, const std::string& secret) {
  const std::string* token = FindHeader(headers, "X-Gitlab-Token");
  if (token == nullptr) {
    throw WebhookAuthError("the webhook has no X-Gitlab-Token header, but a secret is configured");
  }
  if (!ConstantTimeEquals(Sha256Hex(*token), Sha256Hex(secret))) {
    throw WebhookAuthError("the webhook's X-Gitlab-Token is not the configured secret");
  }
}

/// GitHub and Bitbucket sign the raw body: "sha256=" and the hex HMAC.
void CheckSignature(const Headers& headers, const char* header, const std::string& body,
                    const std::string& secret) {
  const std::string* signature = FindHeader(headers, header);
  if (signature == nullptr) {
    throw WebhookAuthError(std::string("the webhook has no ") + header +
                           " header, but a secret is configured");
  }
  const std::string prefix = "sha256=";
  std::string given = signature->rfind(prefix, 0) == 0 ? signature->substr(prefix.size()) : "";
  for (char& c : given) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (!ConstantTimeEquals(given, HmacSha256Hex(secret, body))) {
    throw WebhookAuthError(std::string("the webhook's ") + header +
                           " does not match the body signed with the configured secret");
  }
}

Object::Ptr ParseObject(const std::string& body, const std::string& sender) {
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception& error) {
    throw WebhookPayloadError("the " + sender +
                              " webhook's body is not JSON: " + error.displayText());
  }
  if (parsed.type() != typeid(Object::Ptr)) {
    throw WebhookPayloadError("the " + sender + " webhook's body is not a JSON object");
  }
  return parsed.extract<Object::Ptr>();
}

/// Reads payload fields, naming the field ("push.changes[0].new.name") when one is wrong.
class Fields {
 public:
  explicit Fields(std::string sender) : sender_(std::move(sender)) {}

  Object::Ptr ObjectAt(const Object::Ptr& parent, const std::string& key,
                       const std::string& path) const {
    if (!parent->has(key) || parent->isNull(key)) return nullptr;
    Object::Ptr child = parent->getObject(key);
    if (child.isNull()) Wrong(path + key, "an object");
    return child;
  }

  std::string Text(const Object::Ptr& parent, const std::string& key, const std::string& path,
                   bool required = true) const {
    if (!parent->has(key) || parent->isNull(key)) {
      if (required) Wrong(path + key, "a string, and it is missing");
      return "";
    }
    Poco::Dynamic::Var value = parent->get(key);
    if (!value.isString()) Wrong(path + key, "a string");
    return value.convert<std::string>();
  }

  std::string Commit(const Object::Ptr& parent, const std::string& key,
                     const std::string& path) const {
    std::string commit = Text(parent, key, path);
    bool hex = !commit.empty() && commit.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex || (commit.size() != 40 && commit.size() != 64)) {
      Wrong(path + key, "a commit id (40 or 64 lower-case hex digits)");
    }
    return commit;
  }

  std::string Ref(const Object::Ptr& parent, const std::string& key,
                  const std::string& path) const {
    std::string ref = Text(parent, key, path);
    if (ref.rfind("refs/", 0) != 0 || !ValidRefName(ref)) Wrong(path + key, "a ref (refs/...)");
    return ref;
  }

  /// No control characters, no "..", no leading '-': a name git and a shell take as a name.
  static bool ValidRefName(const std::string& name) {
    if (name.empty() || name[0] == '-' || name.find("..") != std::string::npos) return false;
    for (unsigned char c : name) {
      if (c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  [[noreturn]] void Wrong(const std::string& field, const std::string& what) const {
    throw WebhookPayloadError("the " + sender_ + " push payload's '" + field + "' should be " +
                              what);
  }

 private:
  std::string sender_;
};

bool Deleted(const std::string& commit) {
  return commit.find_first_not_of('0') == std::string::npos;
}

/// The repository's name at `object.key`; empty when the sender left either out.
std::string Repository(const Fields& fields, const Object::Ptr& root, const std::string& object,
                       const std::string& key) {
  Object::Ptr holder = fields.ObjectAt(root, object, "");
  return holder ? fields.Text(holder, key, object + ".", false) : "";
}

/// Where a sender that pushes one ref per event (GitLab, GitHub) keeps what we read.
struct OneRefSender {
  const char* kind;  ///< PushPayload::sender
  const char* name;  ///< in messages
  /// (object, key) places of the repository's name, the first one present wins.
  std::vector<std::pair<const char*, const char*>> repository_at;
  bool deleted_flag;  ///< a top-level "deleted": true also means the ref was deleted (GitHub)
};

const OneRefSender kGitLab{
    "gitlab", "GitLab", {{"project", "path_with_namespace"}, {"repository", "name"}}, false};
const OneRefSender kGitHub{"github", "GitHub", {{"repository", "full_name"}}, true};

PushPayload OneRefPush(const std::string& body, const OneRefSender& sender) {
  PushPayload payload{sender.kind, {}, ""};
  Fields fields(sender.name);
  Object::Ptr root = ParseObject(body, sender.name);
  PushEvent push;
  push.ref = fields.Ref(root, "ref", "");
  push.before = fields.Commit(root, "before", "");
  push.after = fields.Commit(root, "after", "");
  for (const auto& [object, key] : sender.repository_at) {
    if (push.repository.empty()) push.repository = Repository(fields, root, object, key);
  }
  bool deleted = sender.deleted_flag && root->has("deleted") && root->get("deleted").isBoolean() &&
                 root->getValue<bool>("deleted");
  if (deleted || Deleted(push.after)) {
    payload.ignored = push.ref + " was deleted";
  } else {
    payload.pushes.push_back(push);
  }
  return payload;
}

PushPayload BitbucketPush(const std::string& body) {
  PushPayload payload{"bitbucket", {}, ""};
  Fields fields("Bitbucket");
  Object::Ptr root = ParseObject(body, "Bitbucket");
  std::string repository = Repository(fields, root, "repository", "full_name");
  Object::Ptr push = fields.ObjectAt(root, "push", "");
  if (!push) fields.Wrong("push", "an object, and it is missing");
  Array::Ptr changes = push->has("changes") ? push->getArray("changes") : nullptr;
  if (changes.isNull()) fields.Wrong("push.changes", "an array");
  for (size_t i = 0; i < changes->size(); ++i) {
    std::string path = "push.changes[" + std::to_string(i) + "].";
    Object::Ptr change = changes->getObject(static_cast<unsigned>(i));
    if (change.isNull()) fields.Wrong(path.substr(0, path.size() - 1), "an object");
    Object::Ptr after = fields.ObjectAt(change, "new", path);
    Object::Ptr before = fields.ObjectAt(change, "old", path);
    if (!after) {
      std::string name = before ? fields.Text(before, "name", path + "old.", false) : "";
      payload.ignored += (payload.ignored.empty() ? "" : "; ") + name + " was deleted";
      continue;
    }
    std::string type = fields.Text(after, "type", path + "new.");
    std::string name = fields.Text(after, "name", path + "new.");
    if (type != "branch" && type != "tag") fields.Wrong(path + "new.type", "'branch' or 'tag'");
    PushEvent event;
    event.ref = (type == "tag" ? "refs/tags/" : "refs/heads/") + name;
    if (!Fields::ValidRefName(event.ref)) fields.Wrong(path + "new.name", "a branch or tag name");
    Object::Ptr target = fields.ObjectAt(after, "target", path + "new.");
    if (!target) fields.Wrong(path + "new.target", "an object, and it is missing");
    event.after = fields.Commit(target, "hash", path + "new.target.");
    if (before) {
      if (Object::Ptr old_target = fields.ObjectAt(before, "target", path + "old.")) {
        event.before = fields.Commit(old_target, "hash", path + "old.target.");
      }
    }
    event.repository = repository;
    payload.pushes.push_back(event);
  }
  if (payload.pushes.empty() && payload.ignored.empty())
    payload.ignored = "the push changed no ref";
  return payload;
}

}  // namespace

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char differences = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    differences |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return differences == 0;
}

std::string HmacSha256Hex(const std::string& secret, const std::string& body) {
  Poco::HMACEngine<Sha256Engine> hmac(secret);
  hmac.update(body);
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

PushPayload ParsePushPayload(const Headers& headers, const std::string& body,
                             const std::string& secret) {
  if (const std::string* event = FindHeader(headers, "X-Gitlab-Event")) {
    if (!secret.empty()) CheckToken(headers, secret);
    if (*event != "Push Hook" && *event != "Tag Push Hook") {
      return {"gitlab", {}, "a GitLab '" + *event + "' event is not a push"};
    }
    return OneRefPush(body, kGitLab);
  }
  if (const std::string* event = FindHeader(headers, "X-GitHub-Event")) {
    if (!secret.empty()) CheckSignature(headers, "X-Hub-Signature-256", body, secret);
    if (*event != "push") return {"github", {}, "a GitHub '" + *event + "' event is not a push"};
    return OneRefPush(body, kGitHub);
  }
  if (const std::string* event = FindHeader(headers, "X-Event-Key")) {
    if (!secret.empty()) CheckSignature(headers, "X-Hub-Signature", body, secret);
    if (*event != "repo:push") {
      return {"bitbucket", {}, "a Bitbucket '" + *event + "' event is not a push"};
    }
    return BitbucketPush(body);
  }
  throw WebhookPayloadError(
      "not a GitLab, GitHub or Bitbucket webhook: no X-Gitlab-Event, X-GitHub-Event or "
      "X-Event-Key header");
}

}  // namespace pipeline::service
