#include "stepdocker/http_head.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::stepdocker {
namespace {

using ::testing::HasSubstr;

TEST(HttpHeadTest, TheHeadEndsAtTheFirstBlankLine) {
  EXPECT_FALSE(FindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), 27u);
}

TEST(HttpHeadTest, ParsesARequestAndKeepsHeaderOrderAndSpelling) {
  HttpHead head = ParseHead(
      "POST /v1.41/containers/create?name=a HTTP/1.1\r\nHost: docker\r\n"
      "content-length:  12 \r\nUser-Agent: Docker-Client/28.2.2 (linux)\r\n");
  EXPECT_EQ(head.first, "POST");
  EXPECT_EQ(head.second, "/v1.41/containers/create?name=a");
  EXPECT_EQ(head.third, "HTTP/1.1");
  EXPECT_EQ(head.Get("Content-Length"), "12");
  EXPECT_EQ(head.Get("user-agent"), "Docker-Client/28.2.2 (linux)");
  EXPECT_FALSE(head.Get("Connection"));
  head.Set("Connection", "close");
  head.Set("Content-Length", "30");
  EXPECT_EQ(head.Serialize(),
            "POST /v1.41/containers/create?name=a HTTP/1.1\r\nHost: docker\r\n"
            "User-Agent: Docker-Client/28.2.2 (linux)\r\nConnection: close\r\n"
            "Content-Length: 30\r\n\r\n");
}

TEST(HttpHeadTest, ParsesAResponseWithAReasonOfSeveralWords) {
  HttpHead head = ParseHead("HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\nConnection: Upgrade");
  EXPECT_EQ(head.first, "HTTP/1.1");
  EXPECT_EQ(head.second, "101");
  EXPECT_EQ(head.third, "UPGRADED");
  head = ParseHead("HTTP/1.1 404 Not Found\r\n");
  EXPECT_EQ(head.third, "Not Found");
  head.Remove("connection");
  EXPECT_EQ(head.Serialize(), "HTTP/1.1 404 Not Found\r\n\r\n");
}

TEST(HttpHeadTest, MalformedHeadsThrow) {
  EXPECT_THROW(ParseHead("GARBAGE\r\n"), HttpSyntaxError);
  EXPECT_THROW(ParseHead("GET / HTTP/1.1\r\nno colon here\r\n"), HttpSyntaxError);
  EXPECT_THROW(ParseHead("GET / HTTP/1.1\r\n: empty name\r\n"), HttpSyntaxError);
  // Where another parser could see a header this one does not: a bare LF inside a line, a
  // space before the colon, a folded line.
  EXPECT_THROW(ParseHead("GET / HTTP/1.1\r\nX: a\nContent-Length: 5\r\n"), HttpSyntaxError);
  EXPECT_THROW(ParseHead("GET / HTTP/1.1\r\nContent-Length : 5\r\n"), HttpSyntaxError);
  EXPECT_THROW(ParseHead("GET / HTTP/1.1\r\nX: a\r\n folded\r\n"), HttpSyntaxError);
  EXPECT_THROW(ParseHead("GET /\x01 HTTP/1.1\r\n"), HttpSyntaxError);
}

TEST(HttpHeadTest, ChunkedIsTheLastTransferCoding) {
  EXPECT_TRUE(IsChunked(ParseHead("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n")));
  EXPECT_TRUE(IsChunked(ParseHead("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n")));
  EXPECT_FALSE(IsChunked(ParseHead("POST / HTTP/1.1\r\nContent-Length: 3\r\n")));
}

TEST(TargetTest, SplitsAndJoinsAtTheQuestionMark) {
  Target target = SplitTarget("/v1.41/containers/json?all=1&filters=%7B%7D");
  EXPECT_EQ(target.path, "/v1.41/containers/json");
  EXPECT_EQ(target.query, "all=1&filters=%7B%7D");
  EXPECT_EQ(JoinTarget(target), "/v1.41/containers/json?all=1&filters=%7B%7D");
  EXPECT_EQ(JoinTarget(SplitTarget("/_ping")), "/_ping");
}

TEST(TargetTest, QueryParametersAreDecodedAndReplaced) {
  std::string query = "all=1&filters=%7B%22label%22%3A%5B%5D%7D&x";
  EXPECT_EQ(QueryParam(query, "filters"), "{\"label\":[]}");
  EXPECT_EQ(QueryParam(query, "all"), "1");
  EXPECT_EQ(QueryParam(query, "x"), "");
  EXPECT_FALSE(QueryParam(query, "labels"));
  std::string changed = WithQueryParam(query, "filters", "{\"a\":1}");
  EXPECT_EQ(QueryParam(changed, "filters"), "{\"a\":1}");
  EXPECT_EQ(QueryParam(changed, "all"), "1");
  EXPECT_EQ(QueryParam(changed, "x"), "");
  EXPECT_EQ(WithQueryParam("", "labels", "{}"), "labels=%7B%7D");
  // Every copy of the parameter goes, so the daemon cannot read one the rules did not write.
  EXPECT_EQ(WithQueryParam("filters=a&all=1&filters=b", "filters", "c"), "all=1&filters=c");
  // As the daemon reads them: '+' is a space, the first of two wins.
  EXPECT_EQ(QueryParam("name=a+b%2Bc&name=d", "name"), "a b+c");
  EXPECT_EQ(PercentDecode("a+b%2Fc"), "a+b/c");
}

TEST(TargetTest, ABadEscapeIsASyntaxErrorNotReadTwoWays) {
  EXPECT_THROW(QueryParam("filters=%zz", "filters"), HttpSyntaxError);
  EXPECT_THROW(WithQueryParam("all=1&x=%4", "filters", "{}"), HttpSyntaxError);
  EXPECT_THROW(PercentDecode("abc%g1"), HttpSyntaxError);
}

}  // namespace
}  // namespace pipeline::stepdocker
