// The pure pieces of Bitbucket pipes the runtime will use: the image a ref runs as, and list
// variables spread into NAME_0.., NAME_COUNT.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/bitbucket_pipes.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(BitbucketPipesTest, AtlassianPipesRunFromBitbucketpipelines) {
  EXPECT_EQ(PipeImage("atlassian/aws-s3-deploy:1.1.0"), "bitbucketpipelines/aws-s3-deploy:1.1.0");
  EXPECT_EQ(PipeImage("atlassian/slack-notify:2"), "bitbucketpipelines/slack-notify:2");
}

TEST(BitbucketPipesTest, OtherOwnersRunTheirOwnImage) {
  EXPECT_EQ(PipeImage("sonarsource/sonarcloud-scan:2.0.0"), "sonarsource/sonarcloud-scan:2.0.0");
  EXPECT_EQ(PipeImage("snyk/snyk-scan:1.0.1"), "snyk/snyk-scan:1.0.1");
}

TEST(BitbucketPipesTest, DockerRefsAreTheImageAfterTheScheme) {
  EXPECT_EQ(PipeImage("docker://alpine:3.19"), "alpine:3.19");
  EXPECT_EQ(PipeImage("docker://registry.example.com:5000/team/pipe:1"),
            "registry.example.com:5000/team/pipe:1");
}

TEST(BitbucketPipesTest, AnAtlassianNameInsideAnotherOwnerIsLeftAlone) {
  EXPECT_EQ(PipeImage("someone/atlassian/x:1"), "someone/atlassian/x:1");
}

TEST(BitbucketPipesTest, ListVariablesAreNumberedAndCounted) {
  EXPECT_THAT(PipeListVariable("EXTRA_ARGS", {"--a", "--b c"}),
              ElementsAre(Pair("EXTRA_ARGS_0", "--a"), Pair("EXTRA_ARGS_1", "--b c"),
                          Pair("EXTRA_ARGS_COUNT", "2")));
}

TEST(BitbucketPipesTest, AnEmptyListHasACountOfZero) {
  EXPECT_THAT(PipeListVariable("FILES", {}), ElementsAre(Pair("FILES_COUNT", "0")));
}

}  // namespace
}  // namespace pipeline::parse
