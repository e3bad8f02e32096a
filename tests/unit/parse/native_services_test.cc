// GitLab's `services:` and `cache:` as the native reader reads them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parse/native_services.h"
#include "pipeline/errors.h"
#include "pipeline/parse.h"

namespace pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

Job OnlyJob(const std::string& yaml) {
  Pipeline pipeline = ParsePipeline(yaml, ".gitlab-ci.yml");
  EXPECT_EQ(pipeline.jobs.size(), 1u);
  return pipeline.jobs.empty() ? Job{} : pipeline.jobs[0];
}

std::string ErrorOf(const std::string& yaml) {
  try {
    ParsePipeline(yaml, ".gitlab-ci.yml");
  } catch (const ParseError& error) {
    return error.what();
  }
  return "";
}

// GitLab's documented rule: the tag goes, '/' becomes "__" and, as a second alias, '-'.
TEST(ServiceHostnamesTest, DerivedFromTheImageNameAsGitLabDoes) {
  EXPECT_THAT(parse::ServiceHostnames("postgres:15"), ElementsAre("postgres"));
  EXPECT_THAT(parse::ServiceHostnames("tutum/wordpress:latest"),
              ElementsAre("tutum__wordpress", "tutum-wordpress"));
  EXPECT_THAT(
      parse::ServiceHostnames("registry.example.com/group/redis@sha256:abc"),
      ElementsAre("registry.example.com__group__redis", "registry.example.com-group-redis"));
  EXPECT_THAT(parse::ServiceHostnames("localhost:5000/db"),
              ElementsAre("localhost:5000__db", "localhost:5000-db"));
}

TEST(NativeServicesTest, NamesMapsAliasesCommandsAndVariables) {
  Job job = OnlyJob(R"(variables: {PG: "16"}
test:
  script: [true]
  services:
    - postgres:$PG
    - name: tutum/wordpress:latest
      alias: blog, www
      entrypoint: [/bin/sh, -c]
      command: ["httpd -f"]
      variables: {MODE: test}
    - postgres:$PG
    - localhost:5000/cache/redis
)");
  ASSERT_EQ(job.services.size(), 4u);
  EXPECT_EQ(job.services[0].image, "postgres:16");
  EXPECT_THAT(job.services[0].aliases, ElementsAre("postgres"));
  EXPECT_EQ(job.services[0].name, "postgres");
  EXPECT_EQ(job.services[0].memory_bytes, 0);
  EXPECT_THAT(job.services[1].aliases,
              ElementsAre("tutum__wordpress", "tutum-wordpress", "blog", "www"));
  EXPECT_EQ(job.services[1].name, "blog");
  EXPECT_THAT(job.services[1].entrypoint, ElementsAre("/bin/sh", "-c"));
  EXPECT_THAT(job.services[1].command, ElementsAre("httpd -f"));
  EXPECT_THAT(job.services[1].variables, ElementsAre(Pair("MODE", "test")));
  EXPECT_EQ(job.services[2].name, "postgres-2");
  EXPECT_EQ(job.services[3].name, "localhost-5000-cache-redis");  // a container name's part
}

TEST(NativeServicesTest, DefaultServicesAreInheritedUnlessTheJobHasItsOwnOrOptsOut) {
  Pipeline pipeline = ParsePipeline(R"(default:
  services: [redis:7]
a: {script: [x]}
b: {script: [x], services: [mysql]}
c: {script: [x], inherit: {default: [image]}}
)",
                                    ".gitlab-ci.yml");
  ASSERT_EQ(pipeline.jobs.size(), 3u);
  EXPECT_EQ(pipeline.jobs[0].services.at(0).image, "redis:7");
  EXPECT_EQ(pipeline.jobs[1].services.at(0).image, "mysql");
  EXPECT_THAT(pipeline.jobs[2].services, IsEmpty());
}

TEST(NativeServicesTest, ServiceErrors) {
  EXPECT_THAT(ErrorOf("a:\n  script: x\n  services: redis\n"),
              HasSubstr(".gitlab-ci.yml:3:13: job 'a': 'services' must be a list of services"));
  EXPECT_THAT(ErrorOf("a:\n  script: x\n  services: [{alias: db}]\n"),
              HasSubstr("a service needs a 'name'"));
  EXPECT_THAT(ErrorOf("a:\n  script: x\n  services: [{name: db, aliass: x}]\n"),
              HasSubstr("did you mean 'alias'"));
}

TEST(NativeCacheTest, KeyPathsPolicyWhenAndFallbackKeys) {
  Job job = OnlyJob(R"(a:
  script: [x]
  cache:
    key: deps-$CI_COMMIT_REF_SLUG
    paths: [node_modules/, ./.npm]
    policy: pull
    when: always
    fallback_keys: [deps-main]
)");
  ASSERT_EQ(job.caches.size(), 2u);
  EXPECT_TRUE(job.caches[0].gitlab);
  EXPECT_EQ(job.caches[0].name, "deps-$CI_COMMIT_REF_SLUG");  // expanded by the run
  EXPECT_EQ(job.caches[0].path, "node_modules");
  EXPECT_EQ(job.caches[1].path, ".npm");
  EXPECT_TRUE(job.caches[0].pull);
  EXPECT_FALSE(job.caches[0].push);
  EXPECT_EQ(job.caches[0].when, CacheSpec::SaveWhen::kAlways);
  EXPECT_THAT(job.caches[0].fallback_keys, ElementsAre("deps-main"));
}

TEST(NativeCacheTest, KeyFilesAListOfCachesAndDefaults) {
  Pipeline pipeline = ParsePipeline(R"(default:
  cache: {paths: [vendor]}
a:
  script: [x]
  cache:
    - key: {files: [package-lock.json], prefix: npm}
      paths: [node_modules]
      policy: push
    - paths: [.cache]
b: {script: [x]}
)",
                                    ".gitlab-ci.yml");
  const Job& a = pipeline.jobs.at(0);
  ASSERT_EQ(a.caches.size(), 2u);
  EXPECT_EQ(a.caches[0].name, "npm");
  EXPECT_THAT(a.caches[0].key_files, ElementsAre("package-lock.json"));
  EXPECT_FALSE(a.caches[0].pull);
  EXPECT_TRUE(a.caches[0].push);
  EXPECT_EQ(a.caches[1].name, "default");
  const Job& b = pipeline.jobs.at(1);
  ASSERT_EQ(b.caches.size(), 1u);
  EXPECT_EQ(b.caches[0].path, "vendor");
  EXPECT_THAT(pipeline.warnings, IsEmpty());
}

TEST(NativeCacheTest, CacheErrorsAndWarnings) {
  EXPECT_THAT(ErrorOf("a:\n  script: x\n  cache: {paths: [x], policy: fetch}\n"),
              HasSubstr("'cache:policy' must be pull, push or pull-push, not 'fetch'"));
  EXPECT_THAT(ErrorOf("a:\n  script: x\n  cache: {paths: [x], when: never}\n"),
              HasSubstr("'cache:when' must be on_success, on_failure or always"));
  EXPECT_THAT(ErrorOf("a:\n  script: x\n  cache: {key: a/b, paths: [x]}\n"),
              HasSubstr("must not be empty, '.', '..' or hold a '/'"));
  Pipeline globbed =
      ParsePipeline("a:\n  script: x\n  cache: {paths: ['*.log', keep]}\n", ".gitlab-ci.yml");
  EXPECT_EQ(globbed.jobs.at(0).caches.size(), 1u);
  EXPECT_THAT(globbed.warnings, ElementsAre(HasSubstr("cache path '*.log' is a glob")));
}

}  // namespace
}  // namespace pipeline
