// Push webhooks of GitLab, GitHub and Bitbucket Cloud: payloads shaped like the documented ones
// (trimmed to the fields a sender always sends plus a few we ignore), written for these tests.
#include "service/push_payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::service {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kBefore = "95790bf891e76fee5e1747ab589903a6a1f80f22";
const std::string kAfter = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
const std::string kZeros = "0000000000000000000000000000000000000000";

std::string GitLabBody(const std::string& ref, const std::string& after) {
  return R"({"object_kind": "push", "event_name": "push", "before": ")" + kBefore +
         R"(", "after": ")" + after + R"(", "ref": ")" + ref + R"(", "checkout_sha": ")" + after +
         R"(", "user_name": "Jo", "project_id": 15,
  "project": {"id": 15, "name": "Diaspora", "path_with_namespace": "mike/diaspora",
              "default_branch": "main"},
  "repository": {"name": "Diaspora", "homepage": "http://example.com/mike/diaspora"},
  "commits": [{"id": ")" +
         after + R"(", "message": "fix"}], "total_commits_count": 1})";
}

std::string GitHubBody(const std::string& after, bool deleted = false) {
  return R"({"ref": "refs/heads/main", "before": ")" + kBefore + R"(", "after": ")" + after +
         R"(", "created": false, "deleted": )" + (deleted ? "true" : "false") +
         R"(, "forced": false, "base_ref": null,
  "repository": {"id": 1296269, "name": "Hello-World", "full_name": "octocat/Hello-World",
                 "private": false},
  "pusher": {"name": "octocat"}, "head_commit": {"id": ")" +
         after + R"("}})";
}

std::string BitbucketBody() {
  return R"({"actor": {"display_name": "Jo"},
  "repository": {"type": "repository", "name": "app", "full_name": "team/app",
                 "uuid": "{0f0e0d0c-0b0a-0908-0706-050403020100}"},
  "push": {"changes": [
    {"new": {"type": "branch", "name": "feature/x", "target": {"type": "commit", "hash": ")" +
         kAfter + R"("}},
     "old": {"type": "branch", "name": "feature/x", "target": {"type": "commit", "hash": ")" +
         kBefore + R"("}},
     "created": false, "forced": false, "closed": false},
    {"new": null,
     "old": {"type": "branch", "name": "gone", "target": {"type": "commit", "hash": ")" +
         kBefore + R"("}},
     "created": false, "forced": false, "closed": true},
    {"new": {"type": "tag", "name": "v1.2", "target": {"type": "commit", "hash": ")" +
         kAfter +
         R"("}},
     "old": null, "created": true, "forced": false, "closed": false}]}})";
}

TEST(HmacSha256Test, MatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(PushPayloadTest, GitLabPushWithItsToken) {
  Headers headers = {{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", "s3cret-token"}};
  PushPayload payload =
      ParsePushPayload(headers, GitLabBody("refs/heads/main", kAfter), "s3cret-token");
  EXPECT_EQ(payload.sender, "gitlab");
  ASSERT_EQ(payload.pushes.size(), 1u);
  EXPECT_EQ(payload.pushes[0].ref, "refs/heads/main");
  EXPECT_EQ(payload.pushes[0].after, kAfter);
  EXPECT_EQ(payload.pushes[0].before, kBefore);
  EXPECT_EQ(payload.pushes[0].repository, "mike/diaspora");
}

TEST(PushPayloadTest, HeaderNamesAreCaseInsensitive) {
  Headers headers = {{"x-gitlab-event", "Tag Push Hook"}, {"x-gitlab-token", "s3cret-token"}};
  PushPayload payload =
      ParsePushPayload(headers, GitLabBody("refs/tags/v1.0.0", kAfter), "s3cret-token");
  ASSERT_EQ(payload.pushes.size(), 1u);
  EXPECT_EQ(payload.pushes[0].ref, "refs/tags/v1.0.0");
}

TEST(PushPayloadTest, GitLabWrongOrMissingTokenIsRefused) {
  std::string body = GitLabBody("refs/heads/main", kAfter);
  try {
    ParsePushPayload({{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", "guess-guess"}}, body,
                     "s3cret-token");
    FAIL() << "a wrong token was accepted";
  } catch (const WebhookAuthError& error) {
    EXPECT_THAT(error.what(), HasSubstr("X-Gitlab-Token"));
    EXPECT_THAT(error.what(), Not(HasSubstr("s3cret-token")));
    EXPECT_THAT(error.what(), Not(HasSubstr("guess-guess")));
  }
  EXPECT_THROW(ParsePushPayload({{"X-Gitlab-Event", "Push Hook"}}, body, "s3cret-token"),
               WebhookAuthError);
  // A token whose first bytes match is still wrong.
  EXPECT_THROW(ParsePushPayload({{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", "s3cret"}},
                                body, "s3cret-token"),
               WebhookAuthError);
}

TEST(PushPayloadTest, DeletedRefRunsNothing) {
  PushPayload gitlab =
      ParsePushPayload({{"X-Gitlab-Event", "Push Hook"}}, GitLabBody("refs/heads/old", kZeros), "");
  EXPECT_TRUE(gitlab.pushes.empty());
  EXPECT_THAT(gitlab.ignored, HasSubstr("refs/heads/old was deleted"));
  PushPayload github = ParsePushPayload({{"X-GitHub-Event", "push"}}, GitHubBody(kZeros, true), "");
  EXPECT_TRUE(github.pushes.empty());
}

TEST(PushPayloadTest, GitHubPushSignedWithTheSecret) {
  std::string body = GitHubBody(kAfter);
  Headers headers = {{"X-GitHub-Event", "push"},
                     {"X-Hub-Signature-256", "sha256=" + HmacSha256Hex("hook-secret", body)}};
  PushPayload payload = ParsePushPayload(headers, body, "hook-secret");
  EXPECT_EQ(payload.sender, "github");
  ASSERT_EQ(payload.pushes.size(), 1u);
  EXPECT_EQ(payload.pushes[0].ref, "refs/heads/main");
  EXPECT_EQ(payload.pushes[0].after, kAfter);
  EXPECT_EQ(payload.pushes[0].repository, "octocat/Hello-World");
}

TEST(PushPayloadTest, GitHubSignatureOfAnotherSecretOrBodyIsRefused) {
  std::string body = GitHubBody(kAfter);
  std::string other = "sha256=" + HmacSha256Hex("not-the-secret", body);
  EXPECT_THROW(ParsePushPayload({{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", other}}, body,
                                "hook-secret"),
               WebhookAuthError);
  // The signature of the body as sent, over a body changed on the way.
  std::string signed_body = "sha256=" + HmacSha256Hex("hook-secret", body);
  std::string tampered = GitHubBody("1111111111111111111111111111111111111111");
  EXPECT_THROW(ParsePushPayload({{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", signed_body}},
                                tampered, "hook-secret"),
               WebhookAuthError);
  // SHA-1's X-Hub-Signature is not taken in place of the SHA-256 one.
  EXPECT_THROW(ParsePushPayload({{"X-GitHub-Event", "push"}, {"X-Hub-Signature", signed_body}},
                                body, "hook-secret"),
               WebhookAuthError);
}

TEST(PushPayloadTest, GitHubPingIsNotAPush) {
  std::string body = R"({"zen": "Design for failure.", "hook_id": 1})";
  Headers headers = {{"X-GitHub-Event", "ping"},
                     {"X-Hub-Signature-256", "sha256=" + HmacSha256Hex("hook-secret", body)}};
  PushPayload payload = ParsePushPayload(headers, body, "hook-secret");
  EXPECT_TRUE(payload.pushes.empty());
  EXPECT_THAT(payload.ignored, HasSubstr("'ping'"));
}

TEST(PushPayloadTest, BitbucketChangesBecomeOnePushEach) {
  std::string body = BitbucketBody();
  Headers headers = {{"X-Event-Key", "repo:push"},
                     {"X-Hub-Signature", "sha256=" + HmacSha256Hex("bb-secret", body)}};
  PushPayload payload = ParsePushPayload(headers, body, "bb-secret");
  EXPECT_EQ(payload.sender, "bitbucket");
  ASSERT_EQ(payload.pushes.size(), 2u);  // the deleted branch is left out
  EXPECT_EQ(payload.pushes[0].ref, "refs/heads/feature/x");
  EXPECT_EQ(payload.pushes[0].after, kAfter);
  EXPECT_EQ(payload.pushes[0].before, kBefore);
  EXPECT_EQ(payload.pushes[0].repository, "team/app");
  EXPECT_EQ(payload.pushes[1].ref, "refs/tags/v1.2");
  EXPECT_EQ(payload.pushes[1].before, "");
  EXPECT_THAT(payload.ignored, HasSubstr("gone was deleted"));
}

TEST(PushPayloadTest, BitbucketWithoutSignatureIsRefusedWhenASecretIsSet) {
  EXPECT_THROW(ParsePushPayload({{"X-Event-Key", "repo:push"}}, BitbucketBody(), "bb-secret"),
               WebhookAuthError);
  // Without a configured secret it is read (the service authenticates it otherwise).
  EXPECT_EQ(ParsePushPayload({{"X-Event-Key", "repo:push"}}, BitbucketBody(), "").pushes.size(),
            2u);
}

TEST(PushPayloadTest, AuthenticationComesBeforeParsing) {
  // A body that is not JSON, with a wrong token: refused as unauthenticated, not as malformed.
  EXPECT_THROW(ParsePushPayload({{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", "nope"}},
                                "{not json", "s3cret-token"),
               WebhookAuthError);
}

TEST(PushPayloadTest, MalformedPayloadsSayWhatIsWrong) {
  auto message = [](const Headers& headers, const std::string& body) -> std::string {
    try {
      ParsePushPayload(headers, body, "");
    } catch (const WebhookPayloadError& error) {
      return error.what();
    }
    return "accepted";
  };
  Headers gitlab = {{"X-Gitlab-Event", "Push Hook"}};
  EXPECT_THAT(message(gitlab, "{not json"), HasSubstr("GitLab webhook's body is not JSON"));
  EXPECT_THAT(message(gitlab, "[1, 2]"), HasSubstr("not a JSON object"));
  EXPECT_THAT(message(gitlab, R"({"ref": "refs/heads/main", "before": ")" + kBefore + "\"}"),
              HasSubstr("'after' should be a string, and it is missing"));
  EXPECT_THAT(message(gitlab, GitLabBody("refs/heads/main", "HEAD~1")),
              HasSubstr("'after' should be a commit id"));
  EXPECT_THAT(message(gitlab, GitLabBody("main", kAfter)), HasSubstr("'ref' should be a ref"));
  EXPECT_THAT(message(gitlab, GitLabBody("refs/heads/a\\nb", kAfter)),
              HasSubstr("'ref' should be a ref"));
  EXPECT_THAT(message({{"X-GitHub-Event", "push"}}, R"({"ref": 7})"),
              HasSubstr("GitHub push payload's 'ref' should be a string"));
  EXPECT_THAT(message({{"X-Event-Key", "repo:push"}}, R"({"push": {"changes": [{"new": {}}]}})"),
              HasSubstr("'push.changes[0].new.type' should be a string"));
  EXPECT_THAT(message({{"X-Event-Key", "repo:push"}}, R"({"repository": {}})"),
              HasSubstr("'push' should be an object"));
  EXPECT_THAT(message({{"Content-Type", "application/json"}}, "{}"),
              HasSubstr("no X-Gitlab-Event, X-GitHub-Event or X-Event-Key header"));
}

}  // namespace
}  // namespace pipeline::service
