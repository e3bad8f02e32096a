#include "options.h"

#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace pipeline::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

/// The UsageError message ParseOptions throws for `args`, or "" when it does not throw.
std::string UsageErrorOf(const std::vector<std::string>& args) {
  try {
    ParseOptions(args);
  } catch (const UsageError& error) {
    EXPECT_EQ(error.code(), ExitCode::kConfigError);
    return error.what();
  }
  return "";
}

// ---- Commands ----

TEST(ParseOptionsTest, NoArgumentsMeansRun) {
  Options options = ParseOptions({});
  EXPECT_EQ(options.command, "run");
  EXPECT_FALSE(options.help);
  EXPECT_EQ(options.directory, ".");
  EXPECT_TRUE(options.file.empty());
  EXPECT_EQ(options.pull, PullPolicy::kMissing);
  EXPECT_EQ(options.log_format, LogFormat::kText);
  EXPECT_FALSE(options.max_parallel.has_value());
}

TEST(ParseOptionsTest, PluginNameAloneMeansRun) {
  EXPECT_EQ(ParseOptions({"pipeline"}).command, "run");
}

TEST(ParseOptionsTest, EveryCommand) {
  for (const char* command : {"run", "validate", "plan", "list", "prune", "version"}) {
    EXPECT_EQ(ParseOptions({command}).command, command);
    EXPECT_EQ(ParseOptions({"pipeline", command}).command, command);
  }
}

TEST(ParseOptionsTest, RunFlagsWithoutACommandUnderThePluginName) {
  Options options = ParseOptions({"pipeline", "-f", "ci.yml", "-j", "2"});
  EXPECT_EQ(options.command, "run");
  EXPECT_EQ(options.file, "ci.yml");
  EXPECT_EQ(options.max_parallel, 2u);
}

TEST(ParseOptionsTest, RunFlagsWithoutACommandStandalone) {
  Options options = ParseOptions({"-f", "ci.yml", "-v"});
  EXPECT_EQ(options.command, "run");
  EXPECT_EQ(options.file, "ci.yml");
  EXPECT_TRUE(options.verbose);
}

TEST(ParseOptionsTest, PluginMetadataCommand) {
  EXPECT_EQ(ParseOptions({"docker-cli-plugin-metadata"}).command, "metadata");
  EXPECT_EQ(ParseOptions({"pipeline", "docker-cli-plugin-metadata"}).command, "metadata");
}

TEST(ParseOptionsTest, PluginMetadataIgnoresWhatFollows) {
  EXPECT_EQ(ParseOptions({"docker-cli-plugin-metadata", "--bogus"}).command, "metadata");
}

TEST(ParseOptionsTest, UnknownCommandIsAUsageError) {
  std::string message = UsageErrorOf({"deploy"});
  EXPECT_THAT(message, HasSubstr("unknown command 'deploy'"));
  EXPECT_THAT(message, HasSubstr("run, validate, plan"));
  EXPECT_THAT(UsageErrorOf({"pipeline", "rnu"}), HasSubstr("'rnu'"));
}

TEST(ParseOptionsTest, StrayArgumentIsAUsageError) {
  EXPECT_THAT(UsageErrorOf({"run", "extra"}), HasSubstr("unexpected argument 'extra' for 'run'"));
}

// ---- Docker's global flags before `pipeline` ----

TEST(ParseOptionsTest, DockerLogLevelIsSkipped) {
  Options options = ParseOptions({"--log-level", "warn", "pipeline", "run"});
  EXPECT_EQ(options.command, "run");
  EXPECT_TRUE(options.endpoint.host.empty());
  EXPECT_EQ(ParseOptions({"-l", "debug", "pipeline", "plan"}).command, "plan");
  EXPECT_EQ(ParseOptions({"--log-level=error", "pipeline", "plan"}).command, "plan");
}

TEST(ParseOptionsTest, DockerHostSetsTheEndpoint) {
  EXPECT_EQ(ParseOptions({"-H", "unix:///x", "pipeline", "run"}).endpoint.host, "unix:///x");
  EXPECT_EQ(ParseOptions({"--host", "tcp://h:2375", "pipeline"}).endpoint.host, "tcp://h:2375");
  EXPECT_EQ(ParseOptions({"--host=tcp://h:2376", "pipeline"}).endpoint.host, "tcp://h:2376");
}

TEST(ParseOptionsTest, DockerContextAndConfig) {
  Options options = ParseOptions({"--context", "foo", "--config", "/cfg", "pipeline", "validate"});
  EXPECT_EQ(options.endpoint.context, "foo");
  EXPECT_EQ(options.endpoint.config_dir, "/cfg");
  EXPECT_EQ(options.command, "validate");
  EXPECT_EQ(ParseOptions({"-c", "bar", "pipeline"}).endpoint.context, "bar");
}

TEST(ParseOptionsTest, DockerBoolAndTlsFlagsAreSkipped) {
  Options options =
      ParseOptions({"-D", "--tls", "--tlsverify", "--tlscacert", "/ca.pem", "--tlscert",
                    "/cert.pem", "--tlskey", "/key.pem", "--debug", "pipeline", "plan"});
  EXPECT_EQ(options.command, "plan");
  EXPECT_TRUE(options.endpoint.tls);
  EXPECT_TRUE(options.endpoint.tls_verify);
  EXPECT_EQ(options.endpoint.tls_ca, "/ca.pem");
  EXPECT_EQ(options.endpoint.tls_cert, "/cert.pem");
  EXPECT_EQ(options.endpoint.tls_key, "/key.pem");
}

TEST(ParseOptionsTest, DockerValueFlagWithoutValue) {
  EXPECT_THAT(UsageErrorOf({"-H"}), HasSubstr("option '-H' needs a value"));
}

TEST(ParseOptionsTest, UnknownGlobalFlagIsAUsageError) {
  EXPECT_THAT(UsageErrorOf({"--frobnicate", "pipeline"}),
              HasSubstr("unknown option '--frobnicate'"));
}

// ---- Help and version ----

TEST(ParseOptionsTest, HelpForms) {
  EXPECT_EQ(ParseOptions({"--help"}).command, "help");
  EXPECT_EQ(ParseOptions({"-h"}).command, "help");
  EXPECT_EQ(ParseOptions({"help"}).command, "help");
  EXPECT_EQ(ParseOptions({"pipeline", "help"}).command, "help");

  Options run_help = ParseOptions({"pipeline", "run", "--help"});
  EXPECT_EQ(run_help.command, "run");
  EXPECT_TRUE(run_help.help);

  Options help_plan = ParseOptions({"help", "plan"});
  EXPECT_EQ(help_plan.command, "plan");
  EXPECT_TRUE(help_plan.help);

  EXPECT_THAT(UsageErrorOf({"help", "bogus"}), HasSubstr("unknown command 'bogus'"));
  EXPECT_THAT(UsageErrorOf({"help", "valdiate"}), HasSubstr("did you mean 'validate'?"));

  // What `docker help pipeline` runs the plugin with.
  EXPECT_EQ(ParseOptions({"help", "pipeline"}).command, "help");
}

TEST(ParseOptionsTest, HelpAfterOtherFlags) {
  Options options = ParseOptions({"validate", "-f", "x.yml", "-h"});
  EXPECT_EQ(options.command, "validate");
  EXPECT_TRUE(options.help);
}

TEST(ParseOptionsTest, HookWithHelpNeedsNoAction) {
  Options options = ParseOptions({"hook", "--help"});
  EXPECT_EQ(options.command, "hook");
  EXPECT_TRUE(options.help);
}

TEST(ParseOptionsTest, PluginHelpWithoutCommandIsTheOverview) {
  Options options = ParseOptions({"pipeline", "--help"});
  EXPECT_EQ(options.command, "help");
}

TEST(ParseOptionsTest, VersionForms) {
  EXPECT_EQ(ParseOptions({"--version"}).command, "version");
  EXPECT_EQ(ParseOptions({"version"}).command, "version");
  EXPECT_EQ(ParseOptions({"pipeline", "version"}).command, "version");
  EXPECT_EQ(ParseOptions({"pipeline", "--version"}).command, "version");
}

// ---- Run flags ----

TEST(ParseOptionsTest, EveryRunFlag) {
  Options options = ParseOptions({"run",
                                  "-f",
                                  "ci.yml",
                                  "-C",
                                  "/repo",
                                  "--commit",
                                  "HEAD~1",
                                  "--ref",
                                  "refs/heads/main",
                                  "--pipeline",
                                  "custom",
                                  "--tag",
                                  "v1.0",
                                  "--var",
                                  "A=1",
                                  "--manual",
                                  "--job",
                                  "unit",
                                  "--job",
                                  "lint",
                                  "-e",
                                  "X=1",
                                  "--env",
                                  "HOME",
                                  "--secret",
                                  "TOKEN",
                                  "--secrets-file",
                                  ".secrets",
                                  "-j",
                                  "3",
                                  "--memory",
                                  "512m",
                                  "--cpus",
                                  "1.5",
                                  "--pids",
                                  "200",
                                  "--timeout",
                                  "10m",
                                  "--job-timeout",
                                  "90",
                                  "--pull",
                                  "never",
                                  "--log-format",
                                  "json",
                                  "--junit",
                                  "out.xml",
                                  "--junit-dir",
                                  "reports",
                                  "--report-json",
                                  "run.json",
                                  "-v",
                                  "-q",
                                  "--no-color"});
  EXPECT_EQ(options.command, "run");
  EXPECT_EQ(options.file, "ci.yml");
  EXPECT_EQ(options.directory, "/repo");
  EXPECT_EQ(options.commit, "HEAD~1");
  EXPECT_EQ(options.ref, "refs/heads/main");
  EXPECT_EQ(options.pipeline, "custom");
  EXPECT_EQ(options.tag, "v1.0");
  EXPECT_THAT(options.var_args, ElementsAre("A=1"));
  EXPECT_TRUE(options.run_manual);
  EXPECT_THAT(options.only_jobs, ElementsAre("unit", "lint"));
  EXPECT_THAT(options.env_args, ElementsAre("X=1", "HOME"));
  EXPECT_THAT(options.secret_names, ElementsAre("TOKEN"));
  EXPECT_THAT(options.secrets_files, ElementsAre(".secrets"));
  EXPECT_EQ(options.max_parallel, 3u);
  EXPECT_EQ(options.overrides.memory_bytes, int64_t{512} << 20);
  EXPECT_EQ(options.overrides.cpus, 1.5);
  EXPECT_EQ(options.overrides.pids, 200);
  EXPECT_EQ(options.pipeline_timeout, std::chrono::minutes(10));
  EXPECT_EQ(options.job_timeout, std::chrono::seconds(90));
  EXPECT_EQ(options.pull, PullPolicy::kNever);
  EXPECT_EQ(options.log_format, LogFormat::kJson);
  EXPECT_EQ(options.junit_path, "out.xml");
  EXPECT_EQ(options.junit_dir, "reports");
  EXPECT_EQ(options.report_json_path, "run.json");
  EXPECT_TRUE(options.verbose);
  EXPECT_TRUE(options.quiet);
  EXPECT_TRUE(options.no_color);
}

TEST(ParseOptionsTest, LongFlagsTakeEqualsForm) {
  Options options = ParseOptions({"run", "--file=ci.yml", "--directory=/repo", "--jobs=2",
                                  "--memory=1g", "--cpus=0.5", "--pids=64", "--timeout=1h 30m",
                                  "--job-timeout=30s", "--pull=always", "--log-format=text",
                                  "--env=A=B=C", "--job=unit", "--junit=j.xml"});
  EXPECT_EQ(options.file, "ci.yml");
  EXPECT_EQ(options.directory, "/repo");
  EXPECT_EQ(options.max_parallel, 2u);
  EXPECT_EQ(options.overrides.memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(options.overrides.cpus, 0.5);
  EXPECT_EQ(options.overrides.pids, 64);
  EXPECT_EQ(options.pipeline_timeout, std::chrono::seconds(5400));
  EXPECT_EQ(options.job_timeout, std::chrono::seconds(30));
  EXPECT_EQ(options.pull, PullPolicy::kAlways);
  EXPECT_EQ(options.log_format, LogFormat::kText);
  EXPECT_THAT(options.env_args, ElementsAre("A=B=C"));  // split at the first '=' only
  EXPECT_THAT(options.only_jobs, ElementsAre("unit"));
  EXPECT_EQ(options.junit_path, "j.xml");
}

TEST(ParseOptionsTest, EqualsFormWithAnEmptyValue) {
  EXPECT_EQ(ParseOptions({"run", "--file="}).file, "");
}

TEST(ParseOptionsTest, PullPolicies) {
  EXPECT_EQ(ParseOptions({"run", "--pull", "missing"}).pull, PullPolicy::kMissing);
  EXPECT_EQ(ParseOptions({"pipeline", "--pull", "never"}).pull, PullPolicy::kNever);
  EXPECT_EQ(ParseOptions({"pipeline", "--pull", "always"}).pull, PullPolicy::kAlways);
}

TEST(ParseOptionsTest, FlagsApplyToOtherCommands) {
  Options options = ParseOptions({"plan", "-f", "x.yml", "--job", "a"});
  EXPECT_EQ(options.command, "plan");
  EXPECT_EQ(options.file, "x.yml");
  EXPECT_THAT(options.only_jobs, ElementsAre("a"));
}

TEST(ParseOptionsTest, PruneAll) {
  EXPECT_TRUE(ParseOptions({"prune", "--all"}).prune_all);
  EXPECT_FALSE(ParseOptions({"prune"}).prune_all);
  EXPECT_THAT(UsageErrorOf({"run", "--all"}), HasSubstr("unknown option '--all' for 'run'"));
}

TEST(ParseOptionsTest, HookActions) {
  EXPECT_EQ(ParseOptions({"hook", "install"}).hook_action, "install");
  EXPECT_EQ(ParseOptions({"pipeline", "hook", "uninstall", "-C", "/r"}).hook_action, "uninstall");
  EXPECT_THAT(UsageErrorOf({"hook"}), HasSubstr("'hook' wants an action"));
  EXPECT_THAT(UsageErrorOf({"hook", "reinstall"}), HasSubstr("unknown hook action 'reinstall'"));
}

// ---- Errors ----

TEST(ParseOptionsTest, UnknownOptionNamesItAndTheCommand) {
  std::string message = UsageErrorOf({"run", "--frobnicate"});
  EXPECT_THAT(message, HasSubstr("unknown option '--frobnicate' for 'run'"));
  EXPECT_THAT(message, HasSubstr("docker pipeline run --help"));
  EXPECT_THAT(UsageErrorOf({"pipeline", "validate", "-x"}), HasSubstr("'-x' for 'validate'"));
}

TEST(ParseOptionsTest, MissingValue) {
  for (const char* flag : {"-f", "--file", "-C", "--commit", "--ref", "--job", "-e", "-j",
                           "--memory", "--cpus", "--pids", "--timeout", "--job-timeout", "--pull",
                           "--log-format", "--junit", "--report-json", "--var", "--secret"}) {
    EXPECT_THAT(UsageErrorOf({"run", flag}),
                HasSubstr("option '" + std::string(flag) + "' needs a value"))
        << flag;
  }
}

TEST(ParseOptionsTest, BoolFlagWithAValue) {
  EXPECT_THAT(UsageErrorOf({"run", "--verbose=yes"}),
              HasSubstr("option '--verbose' takes no value"));
  EXPECT_THAT(UsageErrorOf({"run", "--no-color=1"}), HasSubstr("'--no-color' takes no value"));
}

TEST(ParseOptionsTest, UserIsAUidWithAnOptionalGid) {
  EXPECT_EQ(ParseOptions({"run", "--user", "1000"}).user, "1000");
  EXPECT_EQ(ParseOptions({"run", "--user=1000:100"}).user, "1000:100");
  for (const char* value : {"", "root", "1000:", ":100", "-1", "1000:staff", "1:2:3"}) {
    EXPECT_THAT(UsageErrorOf({"run", "--user", value}),
                HasSubstr("option '--user' wants UID or UID:GID as numbers"))
        << value;
  }
}

TEST(ParseOptionsTest, BadJobs) {
  for (const char* value : {"0", "-1", "two", "2.5", "", "3x"}) {
    EXPECT_THAT(UsageErrorOf({"run", "--jobs", value}),
                HasSubstr("option '--jobs' wants a positive whole number, not '" +
                          std::string(value) + "'"))
        << value;
  }
  EXPECT_THAT(UsageErrorOf({"run", "--pids", "0"}), HasSubstr("'--pids'"));
}

TEST(ParseOptionsTest, BadMemory) {
  for (const char* value : {"lots", "5m", "0", "-1g", "12q", ""}) {
    EXPECT_THAT(UsageErrorOf({"run", "--memory", value}),
                HasSubstr("option '--memory' wants a size of at least 6m"))
        << value;
  }
  EXPECT_EQ(ParseOptions({"run", "--memory", "6m"}).overrides.memory_bytes, int64_t{6} << 20);
}

TEST(ParseOptionsTest, BadCpus) {
  for (const char* value : {"0", "-1", "many", "1.5x", "", "1e999"}) {
    EXPECT_THAT(UsageErrorOf({"run", "--cpus", value}),
                HasSubstr("option '--cpus' wants a positive number like 1.5, not '" +
                          std::string(value) + "'"))
        << value;
  }
}

TEST(ParseOptionsTest, CpusMustBeFinite) {
  for (const char* value : {"nan", "NaN", "inf", "infinity"}) {
    EXPECT_THAT(UsageErrorOf({"run", "--cpus", value}), HasSubstr("option '--cpus'")) << value;
  }
}

TEST(ParseOptionsTest, BadTimeouts) {
  for (const char* value : {"soon", "0", "10 parsecs", "1h 30", ""}) {
    EXPECT_THAT(UsageErrorOf({"run", "--timeout", value}),
                HasSubstr("option '--timeout' wants a duration"))
        << value;
  }
  EXPECT_THAT(UsageErrorOf({"run", "--job-timeout", "x"}), HasSubstr("option '--job-timeout'"));
}

TEST(ParseOptionsTest, BadPullAndLogFormat) {
  EXPECT_THAT(UsageErrorOf({"run", "--pull", "sometimes"}),
              HasSubstr("option '--pull' wants never, missing or always, not 'sometimes'"));
  EXPECT_THAT(UsageErrorOf({"run", "--log-format", "xml"}),
              HasSubstr("option '--log-format' wants text or json, not 'xml'"));
}

TEST(ParseOptionsTest, BadVar) {
  EXPECT_THAT(UsageErrorOf({"run", "--var", "NOVALUE"}),
              HasSubstr("option '--var' wants NAME=VALUE"));
  EXPECT_THAT(UsageErrorOf({"run", "--var", "=x"}), HasSubstr("option '--var' wants NAME=VALUE"));
  EXPECT_THAT(ParseOptions({"run", "--var", "EMPTY="}).var_args, ElementsAre("EMPTY="));
}

// ---- ResolveEnvArgs ----

class ResolveEnvArgsTest : public ::testing::Test {
 protected:
  docker::EnvLookup Lookup() const {
    return [this](const std::string& name) {
      auto it = env_.find(name);
      return it == env_.end() ? std::string() : it->second;
    };
  }
  std::map<std::string, std::string> env_ = {{"HOME", "/home/me"}, {"TOKEN", "abc"}};
};

TEST_F(ResolveEnvArgsTest, NameEqualsValue) {
  EXPECT_THAT(ResolveEnvArgs({"A=1", "B=x=y", "EMPTY="}, Lookup()),
              ElementsAre(Pair("A", "1"), Pair("B", "x=y"), Pair("EMPTY", "")));
}

TEST_F(ResolveEnvArgsTest, NameAloneComesFromTheEnvironment) {
  EXPECT_THAT(ResolveEnvArgs({"HOME", "TOKEN"}, Lookup()),
              ElementsAre(Pair("HOME", "/home/me"), Pair("TOKEN", "abc")));
}

TEST_F(ResolveEnvArgsTest, UnsetNameIsSkipped) {
  EXPECT_THAT(ResolveEnvArgs({"UNSET"}, Lookup()), IsEmpty());
  EXPECT_THAT(ResolveEnvArgs({"UNSET", "A=1"}, Lookup()), ElementsAre(Pair("A", "1")));
}

TEST_F(ResolveEnvArgsTest, OrderIsKept) {
  EXPECT_THAT(ResolveEnvArgs({"Z=1", "HOME", "A=2"}, Lookup()),
              ElementsAre(Pair("Z", "1"), Pair("HOME", "/home/me"), Pair("A", "2")));
}

TEST_F(ResolveEnvArgsTest, EmptyNameIsAUsageError) {
  EXPECT_THROW(ResolveEnvArgs({"=x"}, Lookup()), UsageError);
  EXPECT_THROW(ResolveEnvArgs({""}, Lookup()), UsageError);
  try {
    ResolveEnvArgs({"=x"}, Lookup());
  } catch (const UsageError& error) {
    EXPECT_THAT(error.what(), HasSubstr("'=x'"));
  }
}

}  // namespace
}  // namespace pipeline::cli

namespace pipeline::cli {
namespace {

TEST(ParseOptionsTest, PullRequestFlags) {
  Options options = ParseOptions({"run", "--pr-id", "42", "--pr-destination", "main"});
  EXPECT_EQ(options.pr_id, "42");
  EXPECT_EQ(options.pr_destination, "main");
  EXPECT_THAT(UsageErrorOf({"run", "--pr-id", "x"}), HasSubstr("positive whole number"));
  EXPECT_THAT(UsageErrorOf({"run", "--pr-destination", "main"}), HasSubstr("needs '--pr-id N'"));
  EXPECT_THAT(UsageErrorOf({"run", "--pr-id", "1", "--tag", "v1"}), HasSubstr("not a tag"));
}

}  // namespace
}  // namespace pipeline::cli
