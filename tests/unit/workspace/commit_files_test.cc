#include <gtest/gtest.h>

#include <string>

#include "pipeline/errors.h"
#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"

namespace pipeline::workspace {
namespace {

using testing::Quote;
using testing::Shell;
using testing::TempRepoTest;

class CommitFilesTest : public TempRepoTest {};

TEST_F(CommitFilesTest, ReadsAFileAsItWasInTheCommit) {
  Write(".pipeline.yml", "at commit\n");
  Write("ci/nested.yml", "nested\n");
  CommitAll("one");
  Write(".pipeline.yml", "dirty\n");
  std::string head = ResolveCommit(repo_, "HEAD");
  EXPECT_EQ(ReadFileAtCommit(repo_, head, ".pipeline.yml"), "at commit\n");
  EXPECT_EQ(ReadFileAtCommit(repo_, head, "ci/nested.yml"), "nested\n");
}

TEST_F(CommitFilesTest, AMissingPathOrADirectoryIsNoFile) {
  Write("ci/nested.yml", "nested\n");
  CommitAll("one");
  std::string head = ResolveCommit(repo_, "HEAD");
  EXPECT_FALSE(ReadFileAtCommit(repo_, head, "missing.yml").has_value());
  EXPECT_FALSE(ReadFileAtCommit(repo_, head, "ci").has_value());
}

TEST_F(CommitFilesTest, HooksLiveInTheGitDirectoryUnlessCoreHooksPathSaysOtherwise) {
  EXPECT_EQ(HooksDirectory(repo_), repo_ + "/.git/hooks");
  Git("config core.hooksPath .githooks");
  EXPECT_EQ(HooksDirectory(repo_), repo_ + "/.githooks");
  Git("config core.hooksPath " + Quote(base_ + "/shared-hooks"));
  EXPECT_EQ(HooksDirectory(repo_), base_ + "/shared-hooks");
}

TEST_F(CommitFilesTest, ALinkedWorkTreeSharesTheMainRepositorysHooks) {
  Write("a.txt", "a\n");
  CommitAll("one");
  std::string linked = base_ + "/linked";
  Git("worktree add -q " + Quote(linked));
  EXPECT_EQ(HooksDirectory(linked), repo_ + "/.git/hooks");
}

}  // namespace
}  // namespace pipeline::workspace
