#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>

#include "pipeline/workspace.h"
#include "unit/workspace/temp_repo.h"
#include "workspace/overlay_layers.h"

namespace pipeline::workspace {
namespace {

using ::testing::ElementsAre;
using testing::IsSymlink;
using testing::Listing;
using testing::Quote;
using testing::ReadFile;
using testing::Shell;
using testing::TempRepoTest;

class OverlayLayersTest : public TempRepoTest {
 protected:
  void Put(const std::string& path, const std::string& content) {
    Shell("mkdir -p \"$(dirname " + Quote(path) + ")\"");
    testing::WriteFile(path, content);
  }
  std::string upper() const { return base_ + "/upper"; }
  std::string lower() const { return base_ + "/lower"; }
  std::string merged() const { return base_ + "/merged"; }
};

TEST_F(OverlayLayersTest, UpperFilesWinAndLowerOnesShow) {
  Put(lower() + "/same.txt", "lower");
  Put(lower() + "/only-lower/a.txt", "a");
  Put(upper() + "/same.txt", "upper");
  Put(upper() + "/only-lower/b.txt", "b");
  Put(upper() + "/new.txt", "new");
  ASSERT_EQ(symlink("target", (lower() + "/link").c_str()), 0);
  MergeLayers({upper(), lower()}, merged());
  EXPECT_THAT(Listing(merged()),
              ElementsAre("link", "new.txt", "only-lower/a.txt", "only-lower/b.txt", "same.txt"));
  EXPECT_EQ(ReadFile(merged() + "/same.txt"), "upper");
  EXPECT_TRUE(IsSymlink(merged() + "/link"));
}

TEST_F(OverlayLayersTest, LaterLowerLayersAreHiddenByEarlierOnes) {
  std::string artifacts = base_ + "/artifacts";
  Put(lower() + "/report.txt", "snapshot");
  Put(artifacts + "/report.txt", "artifact");
  MergeLayers({upper(), artifacts, lower(), base_ + "/missing"}, merged());
  EXPECT_EQ(ReadFile(merged() + "/report.txt"), "artifact");
}

TEST_F(OverlayLayersTest, AFileHidesADirectoryBelow) {
  Put(lower() + "/d/inner.txt", "x");
  Put(upper() + "/d", "a file now");
  MergeLayers({upper(), lower()}, merged());
  EXPECT_THAT(Listing(merged()), ElementsAre("d"));
}

TEST_F(OverlayLayersTest, WhiteoutsAndOpaqueDirectoriesHideTheLowerLayer) {
  Put(lower() + "/deleted.txt", "x");
  Put(lower() + "/replaced/old.txt", "x");
  Put(lower() + "/kept.txt", "x");
  Shell("mkdir -p " + Quote(upper() + "/replaced"));
  Put(upper() + "/replaced/new.txt", "y");
  if (mknod((upper() + "/deleted.txt").c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0 ||
      setxattr((upper() + "/replaced").c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
    GTEST_SKIP() << "whiteouts and trusted xattrs need root";
  }
  MergeLayers({upper(), lower()}, merged());
  EXPECT_THAT(Listing(merged()), ElementsAre("kept.txt", "replaced/new.txt"));
}

}  // namespace
}  // namespace pipeline::workspace
