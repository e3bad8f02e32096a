#include "storage/cache_transfer.h"

#include <memory>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "unit/fakes/fake_engine.h"

namespace pipeline::exec {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

const std::map<std::string, std::string> kCacheLabels = {{docker::kLabelTool, docker::kToolName},
                                                         {docker::kLabelCache, "node"}};

class CacheTransferTest : public ::testing::Test {
 protected:
  CacheTransferTest() { engine_.AddImage("node:20"); }

  /// The build container of job "npm", created as RunJob creates it (not started yet).
  std::string CreateBuild(fakes::ContainerScript script = {}) {
    engine_.ScriptJob("npm", std::move(script));
    docker::ContainerSpec spec;
    spec.image = "node:20";
    spec.working_dir = "/build";
    spec.labels = labels_;
    build_ = engine_.CreateContainer(spec);
    return build_;
  }

  CacheTransfer Transfer(std::string target = "/build/node_modules") {
    return CacheTransfer(*backend_, tracker_, log_, "node:20", labels_,
                         {{"vol-node", std::move(target), "node"}});
  }

  std::set<std::string> Volume() { return engine_.volume_paths()["vol-node"]; }

  fakes::FakeEngine engine_;
  std::unique_ptr<Backend> backend_ = MakeLocalEngineBackend(engine_);
  ObjectTracker tracker_;
  std::ostringstream log_text_;
  spdlog::logger log_{"test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_)};
  std::map<std::string, std::string> labels_ = {{docker::kLabelRun, "r1"},
                                                {docker::kLabelJob, "npm"}};
  std::string build_;
};

TEST_F(CacheTransferTest, AnAbsentCacheIsSavedAfterTheStepWithItsMarkerLast) {
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/left-pad")));
  EXPECT_THAT(engine_.container_paths(build_), Contains("/build/node_modules"));
  EXPECT_THAT(engine_.volume_paths(), Not(Contains(::testing::Key("vol-node"))));
  EXPECT_THAT(transfer.restored(), IsEmpty());

  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/left-pad"}));
  std::vector<fakes::EngineCall> calls = engine_.calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[calls.size() - 2].op, "PutArchive");  // the marker, after the data
  EXPECT_EQ(calls.back().op, "Remove");                 // then the carrier goes
  // Carriers are removed; only the build container is left.
  EXPECT_EQ(engine_.live_ids(), std::set<std::string>{build_});
}

TEST_F(CacheTransferTest, ACarrierIsANeverStartedContainerOfTheStepsImageWithTheRunsLabels) {
  engine_.AddVolume("vol-node", kCacheLabels, {"data", "data/a", "complete"});
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild());
  std::vector<docker::ContainerSpec> specs = engine_.specs();
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[1].image, "node:20");
  EXPECT_EQ(specs[1].labels.at(docker::kLabelRun), "r1");
  EXPECT_EQ(specs[1].labels.at(kLabelCacheCarrier), "node");
  ASSERT_EQ(specs[1].mounts.size(), 1u);
  EXPECT_EQ(specs[1].mounts[0].source, "vol-node");
  EXPECT_EQ(engine_.CountCalls("Start"), 0u);
}

TEST_F(CacheTransferTest, ACompleteCacheIsRestoredAndNeverOverwritten) {
  engine_.AddVolume("vol-node", kCacheLabels, {"data", "data/old", "complete"});
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/new")));
  EXPECT_THAT(engine_.container_paths(build_), Contains("/build/node_modules/old"));
  EXPECT_THAT(transfer.restored(), ElementsAre("node"));

  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/old"}));
}

TEST_F(CacheTransferTest, AnInterruptedSaveIsNotRestoredAndIsReplaced) {
  engine_.AddVolume("vol-node", kCacheLabels, {"data", "data/half"});
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/whole")));
  EXPECT_THAT(engine_.container_paths(build_), Not(Contains("/build/node_modules/half")));
  EXPECT_THAT(transfer.restored(), IsEmpty());

  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_EQ(engine_.CountCalls("RemoveVolume"), 1u);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/whole"}));
}

TEST_F(CacheTransferTest, AnEmptyDirectoryIsNotSaved) {
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild());
  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_THAT(engine_.volume_paths(), Not(Contains(::testing::Key("vol-node"))));
  EXPECT_EQ(engine_.CountCalls("CreateVolume"), 0u);
}

// That a failed step saves nothing is RunJob's rule (it calls Save only for a passed step):
// tests/integration/bitbucket_conformance_test.cc SavedOnlyAfterSuccessAndNeverOverwritten.

TEST_F(CacheTransferTest, MissingParentDirectoriesAreMadeInOneCopy) {
  CacheTransfer transfer = Transfer("/root/.cache/pip");
  transfer.Restore(CreateBuild());
  EXPECT_THAT(engine_.container_paths(build_), Contains("/root/.cache/pip"));
  EXPECT_THAT(engine_.container_paths(build_), Contains("/root"));
  EXPECT_EQ(engine_.CountCalls("PutArchive"), 1u);
}

TEST_F(CacheTransferTest, ADaemonFailureIsAWarningNotAFailure) {
  engine_.AddVolume("vol-node", kCacheLabels, {"data", "complete"});
  CacheTransfer transfer = Transfer();
  CreateBuild();
  engine_.RemoveContainer(build_);  // every call on it now fails
  EXPECT_NO_THROW(transfer.Restore(build_));
  // Said, and the kept cache left as it was.
  EXPECT_THAT(log_text_.str(), ::testing::HasSubstr("cache 'node' not restored"));
  EXPECT_EQ(Volume(), (std::set<std::string>{"data", "complete"}));
}

TEST_F(CacheTransferTest, ADaemonFailureWhileSavingIsAWarningNotAFailure) {
  CacheTransfer transfer = Transfer();
  CreateBuild();
  transfer.Restore(build_);         // none kept yet, so this cache is to be saved
  engine_.RemoveContainer(build_);  // every call on it now fails
  EXPECT_NO_THROW(transfer.Save(build_));
  EXPECT_THAT(log_text_.str(), ::testing::HasSubstr("cache 'node' not saved"));
}

}  // namespace
}  // namespace pipeline::exec
