#include "commands.h"

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

/// The value of a top-level string field of a flat JSON object, or "<missing>".
std::string Field(const std::string& json, const std::string& name) {
  std::string key = "\"" + name + "\":\"";
  size_t start = json.find(key);
  if (start == std::string::npos) return "<missing>";
  start += key.size();
  size_t end = json.find('"', start);
  return end == std::string::npos ? "<missing>" : json.substr(start, end - start);
}

TEST(PluginMetadataTest, IsOneFlatJsonObject) {
  std::string json = PluginMetadata();
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(json.find('\\'), std::string::npos);  // nothing escaped, so quotes pair up plainly
  EXPECT_EQ(std::count(json.begin(), json.end(), '"') % 2, 0);
  // "key":"value" pairs separated by commas, nothing else.
  EXPECT_THAT(json, MatchesRegex("\\{(\"[A-Za-z]+\":\"[^\"]*\",)*\"[A-Za-z]+\":\"[^\"]*\"\\}"));
}

TEST(PluginMetadataTest, HasWhatTheDockerCliRequires) {
  std::string json = PluginMetadata();
  EXPECT_EQ(Field(json, "SchemaVersion"), "0.1.0");
  // The docker CLI refuses a plugin without a vendor ("plugin metadata does not define a vendor").
  EXPECT_NE(Field(json, "Vendor"), "<missing>");
  EXPECT_FALSE(Field(json, "Vendor").empty());
  EXPECT_EQ(Field(json, "Version"), PIPELINE_VERSION);
  EXPECT_FALSE(Field(json, "ShortDescription").empty());
  EXPECT_THAT(Field(json, "URL"), HasSubstr("https://"));
}

}  // namespace
}  // namespace pipeline::cli
