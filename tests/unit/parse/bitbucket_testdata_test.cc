// Realistic bitbucket-pipelines.yml files from tests/testdata/pipelines/bitbucket/, the shapes
// real repositories use, each read whole: what runs, where, with what.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "parse/bitbucket_reader.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr int64_t kMb = int64_t{1} << 20;

/// Reads testdata/pipelines/bitbucket/`name` with the Bitbucket reader (the file name alone
/// would make it a native file).
Pipeline Load(const std::string& name, const PipelineChoice& choice = {}) {
  std::string path = std::string(PIPELINE_TESTDATA_DIR) + "/pipelines/bitbucket/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  YamlFile file(path);
  return ReadBitbucketPipeline(file.Load(text.str()), file, choice);
}

PipelineChoice Branch(const std::string& branch) { return {"", branch, "", {}}; }

std::vector<std::string> Names(const Pipeline& pipeline) {
  std::vector<std::string> names;
  for (const Job& job : pipeline.jobs) names.push_back(job.name);
  return names;
}

TEST(BitbucketTestdataTest, NodeWithCachesAndArtifacts) {
  Pipeline pipeline = Load("node.yml", Branch("feature/x"));
  EXPECT_EQ(pipeline.selected, "default");
  EXPECT_THAT(pipeline.available, ElementsAre("default", "branches/main"));
  EXPECT_THAT(Names(pipeline), ElementsAre("Install and build", "Unit tests", "Lint"));
  EXPECT_THAT(pipeline.warnings, IsEmpty());
  const Job& build = pipeline.jobs[0];
  EXPECT_EQ(build.image, "node:20");
  EXPECT_THAT(build.caches, ElementsAre(Field(&CacheSpec::path, "node_modules"),
                                        Field(&CacheSpec::path, "~/.npm")));
  EXPECT_THAT(build.artifacts, ElementsAre("dist/**"));
  EXPECT_EQ(pipeline.jobs[1].parallel_count, 2u);
  EXPECT_THAT(*pipeline.jobs[2].needs, ElementsAre("Install and build"));

  pipeline = Load("node.yml", Branch("main"));
  EXPECT_EQ(pipeline.selected, "branches/main");
  EXPECT_THAT(Names(pipeline), ElementsAre("Install and build", "Publish"));
  EXPECT_TRUE(pipeline.jobs[1].download_artifacts);
  EXPECT_THAT(*pipeline.jobs[1].needs, ElementsAre("Install and build"));
}

TEST(BitbucketTestdataTest, PythonWithAPostgresService) {
  Pipeline pipeline = Load("python-postgres.yml", Branch("main"));
  ASSERT_EQ(pipeline.jobs.size(), 1u);
  const Job& job = pipeline.jobs[0];
  EXPECT_EQ(job.image, "python:3.12");
  ASSERT_EQ(job.services.size(), 1u);
  EXPECT_EQ(job.services[0].image, "postgres:16");
  EXPECT_THAT(job.services[0].variables,
              ElementsAre(Pair("POSTGRES_DB", "pipelines"), Pair("POSTGRES_USER", "test_user"),
                          Pair("POSTGRES_PASSWORD", "test_user_password")));
  EXPECT_EQ(job.resources.memory_bytes, (4096 - 1536) * kMb);
  EXPECT_THAT(job.script, ElementsAre("pip install -r requirements.txt", "python manage.py test"));
  EXPECT_THAT(job.after_script, ElementsAre("echo \"tests ended with $BITBUCKET_EXIT_CODE\""));
  EXPECT_THAT(job.caches, ElementsAre(Field(&CacheSpec::path, "~/.cache/pip")));
}

TEST(BitbucketTestdataTest, Maven) {
  Pipeline pipeline = Load("maven.yml", Branch("develop"));
  EXPECT_THAT(pipeline.available, ElementsAre("default", "pull-requests/**"));
  ASSERT_EQ(pipeline.jobs.size(), 2u);
  EXPECT_EQ(pipeline.jobs[0].timeout, std::chrono::minutes(45));
  EXPECT_EQ(pipeline.jobs[1].timeout, std::chrono::minutes(60));
  EXPECT_EQ(pipeline.jobs[1].resources.memory_bytes, 8192 * kMb);
  EXPECT_THAT(pipeline.jobs[0].artifacts,
              ElementsAre("target/*.jar", "target/surefire-reports/**"));
  EXPECT_THAT(pipeline.jobs[0].caches, ElementsAre(Field(&CacheSpec::path, "~/.m2/repository")));

  pipeline = Load("maven.yml", {"pull-requests/**", "", "", {}});
  EXPECT_THAT(Names(pipeline), ElementsAre("Verify"));
}

TEST(BitbucketTestdataTest, PhpWithComposerAndMysql) {
  Pipeline pipeline = Load("php-composer.yml");
  const Job& job = pipeline.jobs.at(0);
  EXPECT_EQ(job.image, "php:8.3-cli");
  ASSERT_EQ(job.caches.size(), 2u);
  EXPECT_EQ(job.caches[0].path, "~/.composer/cache");
  EXPECT_EQ(job.caches[1].path, "vendor");
  EXPECT_THAT(job.caches[1].key_files, ElementsAre("composer.lock"));
  EXPECT_EQ(job.services.at(0).image, "mysql:8.0");
  EXPECT_EQ(job.resources.memory_bytes, 3072 * kMb);
  EXPECT_EQ(job.script.size(), 4u);
}

TEST(BitbucketTestdataTest, DockerBuildWithTheDockerServiceAndAPipe) {
  Pipeline pipeline = Load("docker-build.yml", Branch("main"));
  EXPECT_THAT(Names(pipeline), ElementsAre("Build image", "Push image"));
  const Job& build = pipeline.jobs[0];
  EXPECT_EQ(build.image, "atlassian/default-image:4");
  ASSERT_EQ(build.services.size(), 1u);
  EXPECT_EQ(build.services[0].name, "docker");
  EXPECT_EQ(build.services[0].image, "");
  EXPECT_EQ(build.resources.memory_bytes, 2048 * kMb);
  EXPECT_THAT(pipeline.jobs[1].script, ElementsAre("docker load -i image.tar"));
  ASSERT_EQ(pipeline.jobs[1].pipes.size(), 1u);
  EXPECT_EQ(pipeline.jobs[1].pipes[0].image, "bitbucketpipelines/aws-ecr-push-image:2.4.2");
  std::string file = std::string(PIPELINE_TESTDATA_DIR) + "/pipelines/bitbucket/docker-build.yml";
  EXPECT_THAT(pipeline.warnings,
              ElementsAre(HasSubstr(":17: the 'docker' cache (image layers) is not honoured")));

  pipeline = Load("docker-build.yml", {"", "", "v2.0.0", {}});
  EXPECT_EQ(pipeline.selected, "tags/v*");
  EXPECT_THAT(Names(pipeline), ElementsAre("Build release image"));
  // A branch nothing matches: this file has no default pipeline.
  pipeline = Load("docker-build.yml", Branch("develop"));
  EXPECT_THAT(pipeline.jobs, IsEmpty());
  EXPECT_THAT(pipeline.nothing_to_run, HasSubstr("no pipeline runs for branch 'develop'"));
}

TEST(BitbucketTestdataTest, DeploymentsWithAManualProduction) {
  Pipeline pipeline = Load("deployments.yml", Branch("main"));
  EXPECT_THAT(Names(pipeline), ElementsAre("Test", "Deploy to staging", "Deploy to production"));
  const Job& staging = pipeline.jobs[1];
  const Job& production = pipeline.jobs[2];
  EXPECT_EQ(staging.deployment, "staging");
  EXPECT_FALSE(staging.manual);
  EXPECT_THAT(staging.script,
              ElementsAre("./scripts/deploy.sh \"$BITBUCKET_DEPLOYMENT_ENVIRONMENT\""));
  EXPECT_EQ(production.deployment, "production");
  EXPECT_TRUE(production.manual);
  EXPECT_TRUE(production.manual_blocks);
  EXPECT_THAT(*production.needs, ElementsAre("Deploy to staging"));

  pipeline = Load("deployments.yml", {"custom/rollback", "main", "", {{"RELEASE", "41"}}});
  EXPECT_THAT(pipeline.variables,
              ElementsAre(Pair("ENVIRONMENT", "staging"), Pair("RELEASE", "41")));
  EXPECT_THAT(pipeline.stages, ElementsAre("Roll back"));
  EXPECT_THAT(Names(pipeline), ElementsAre("Roll back", "Check"));
  EXPECT_FALSE(pipeline.jobs[0].manual);  // the cloud refuses a manual first step
  EXPECT_EQ(pipeline.jobs[1].deployment, "production");
}

}  // namespace
}  // namespace pipeline::parse
