#include "storage/cache_transfer.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "pipeline/caches.h"
#include "unit/fakes/fake_engine.h"

namespace pipeline::exec {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

/// A cache volume's labels as a save `age` ago left them.
std::map<std::string, std::string> SavedLabels(std::chrono::system_clock::duration age) {
  int64_t created = std::chrono::duration_cast<std::chrono::seconds>(
                        (std::chrono::system_clock::now() - age).time_since_epoch())
                        .count();
  return {{docker::kLabelTool, docker::kToolName},
          {docker::kLabelCache, "node"},
          {kLabelCacheRepository, "0123456789ab"},
          {kLabelCacheCreated, std::to_string(created)}};
}

const std::map<std::string, std::string> kCacheLabels = SavedLabels(std::chrono::hours(1));

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
                         {{"vol-node", std::move(target), "node", "0123456789ab"}});
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

// Usage (docs/usage.md): a miss then a save, and a hit with nothing saved, each with the tar
// bytes moved (a tar of one empty file is at least a header and two end blocks).
TEST_F(CacheTransferTest, EachCacheRecordsAHitOrAMissAndTheBytesItMoved) {
  CacheTransfer miss = Transfer();
  miss.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/left-pad")));
  engine_.StartContainer(build_);
  miss.Save(build_);
  ASSERT_EQ(miss.uses().size(), 1u);
  EXPECT_EQ(miss.uses()[0].name, "node");
  EXPECT_FALSE(miss.uses()[0].hit);
  EXPECT_TRUE(miss.uses()[0].pulled);
  EXPECT_EQ(miss.uses()[0].restored_bytes, 0);
  EXPECT_GE(miss.uses()[0].saved_bytes, 512);

  CacheTransfer hit = Transfer();
  hit.Restore(CreateBuild());
  engine_.StartContainer(build_);
  hit.Save(build_);
  EXPECT_TRUE(hit.uses()[0].hit);
  EXPECT_GE(hit.uses()[0].restored_bytes, 512);
  EXPECT_EQ(hit.uses()[0].saved_bytes, 0);
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

TEST_F(CacheTransferTest, ASaveIsLabelledWithItsRepositoryAndTime) {
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/left-pad")));
  engine_.StartContainer(build_);
  transfer.Save(build_);
  std::vector<docker::ObjectRef> volumes = engine_.ListVolumes(docker::kLabelCache);
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_EQ(volumes[0].labels.at(kLabelCacheRepository), "0123456789ab");
  EXPECT_FALSE(CacheExpired(volumes[0].labels, std::chrono::system_clock::now()));
  EXPECT_TRUE(CacheExpired(volumes[0].labels, std::chrono::system_clock::now() + kCacheLifetime));
}

// Bitbucket Cloud keeps a cache for a week; then the next step that uses it builds it again.
TEST_F(CacheTransferTest, ACacheOlderThanAWeekIsNotRestoredAndIsReplaced) {
  engine_.AddVolume("vol-node", SavedLabels(std::chrono::hours(7 * 24 + 1)),
                    {"data", "data/stale", "complete"});
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/fresh")));
  EXPECT_THAT(engine_.container_paths(build_), Not(Contains("/build/node_modules/stale")));
  EXPECT_THAT(transfer.restored(), IsEmpty());

  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_EQ(engine_.CountCalls("RemoveVolume"), 1u);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/fresh"}));
  std::vector<docker::ObjectRef> volumes = engine_.ListVolumes(docker::kLabelCache);
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_FALSE(CacheExpired(volumes[0].labels, std::chrono::system_clock::now()));
}

TEST_F(CacheTransferTest, ACacheSixDaysOldIsStillRestored) {
  engine_.AddVolume("vol-node", SavedLabels(std::chrono::hours(6 * 24)),
                    {"data", "data/kept", "complete"});
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild());
  EXPECT_THAT(transfer.restored(), ElementsAre("node"));
}

TEST_F(CacheTransferTest, ACacheWithNoSaveTimeCountsAsExpired) {
  engine_.AddVolume("vol-node",
                    {{docker::kLabelTool, docker::kToolName}, {docker::kLabelCache, "node"}},
                    {"data", "data/unknown", "complete"});
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild());
  EXPECT_THAT(transfer.restored(), IsEmpty());
}

/// A GitLab cache "deps" of node_modules with `edit`ed rules, in volume vol-node.
CacheVolume GitLabCache(const std::function<void(CacheSpec&)>& edit = nullptr) {
  CacheVolume volume{"vol-node", "/build/node_modules", "deps", "0123456789ab"};
  volume.spec.gitlab = true;
  volume.spec.name = "deps";
  volume.spec.path = "node_modules";
  if (edit) edit(volume.spec);
  return volume;
}

class GitLabCacheTransferTest : public CacheTransferTest {
 protected:
  CacheTransfer Transfer(CacheVolume cache) {
    return CacheTransfer(*backend_, tracker_, log_, "node:20", labels_, {std::move(cache)});
  }
};

// GitLab's caches are not write-once: every save of a pull-push cache replaces it.
TEST_F(GitLabCacheTransferTest, PullPushRestoresAndReplaces) {
  engine_.AddVolume("vol-node", kCacheLabels, {"data", "data/old", "complete"});
  CacheTransfer transfer = Transfer(GitLabCache());
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/new")));
  EXPECT_THAT(transfer.restored(), ElementsAre("deps"));
  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_EQ(engine_.CountCalls("RemoveVolume"), 1u);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/old", "data/new"}));
}

TEST_F(GitLabCacheTransferTest, PolicyPullNeverSavesAndPushNeverRestores) {
  engine_.AddVolume("vol-node", kCacheLabels, {"data", "data/old", "complete"});
  CacheTransfer pull = Transfer(GitLabCache([](CacheSpec& spec) { spec.push = false; }));
  pull.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/new")));
  EXPECT_THAT(pull.restored(), ElementsAre("deps"));
  engine_.StartContainer(build_);
  pull.Save(build_);
  EXPECT_EQ(engine_.CountCalls("RemoveVolume"), 0u);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/old"}));

  CacheTransfer push = Transfer(GitLabCache([](CacheSpec& spec) { spec.pull = false; }));
  push.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/pushed")));
  EXPECT_THAT(push.restored(), IsEmpty());
  EXPECT_FALSE(push.uses()[0].pulled);  // not a miss: it never asks
  EXPECT_THAT(engine_.container_paths(build_), Not(Contains("/build/node_modules/old")));
  engine_.StartContainer(build_);
  push.Save(build_);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/pushed"}));
}

TEST_F(GitLabCacheTransferTest, AFallbackKeyFillsAKeyThatHasNoCacheYet) {
  engine_.AddVolume("vol-main", kCacheLabels, {"data", "data/from-main", "complete"});
  CacheVolume cache = GitLabCache();
  cache.fallback_volumes = {"vol-absent", "vol-main"};
  CacheTransfer transfer = Transfer(cache);
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/new")));
  EXPECT_THAT(engine_.container_paths(build_), Contains("/build/node_modules/from-main"));
  engine_.StartContainer(build_);
  transfer.Save(build_);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/from-main", "data/new"}));
  EXPECT_EQ(engine_.volume_paths()["vol-main"],
            (std::set<std::string>{"complete", "data", "data/from-main"}));
}

TEST_F(GitLabCacheTransferTest, WhenSaysAfterWhichOutcomeItIsSaved) {
  CacheTransfer on_failure =
      Transfer(GitLabCache([](CacheSpec& spec) { spec.when = CacheSpec::SaveWhen::kOnFailure; }));
  on_failure.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/a")));
  engine_.StartContainer(build_);
  on_failure.Save(build_, /*passed=*/true);
  EXPECT_THAT(engine_.volume_paths(), Not(Contains(::testing::Key("vol-node"))));
  on_failure.Save(build_, /*passed=*/false);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/a"}));

  CacheTransfer on_success = Transfer(GitLabCache());
  on_success.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/b")));
  engine_.StartContainer(build_);
  on_success.Save(build_, /*passed=*/false);
  EXPECT_EQ(Volume(), (std::set<std::string>{"complete", "data", "data/a"})) << "not saved";
}

// Bitbucket's caches are saved only after a passed step.
TEST_F(CacheTransferTest, ABitbucketCacheIsNotSavedAfterAFailure) {
  CacheTransfer transfer = Transfer();
  transfer.Restore(CreateBuild(fakes::ContainerScript().Writes("/build/node_modules/x")));
  engine_.StartContainer(build_);
  transfer.Save(build_, /*passed=*/false);
  EXPECT_THAT(engine_.volume_paths(), Not(Contains(::testing::Key("vol-node"))));
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
