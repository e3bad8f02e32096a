#include "service/run_executor.h"

#include <cstdlib>
#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "pipeline/load.h"
#include "pipeline/report.h"

namespace pipeline::service {
namespace {

/// Counts jobs and log bytes for /metrics as the run goes.
class MetricsObserver : public RunObserver {
 public:
  MetricsObserver(Metrics& metrics, std::string repo) : metrics_(metrics), repo_(std::move(repo)) {}
  void OnJobStarted(const JobResult&) override { metrics_.JobStarted(); }
  void OnJobOutput(const JobResult&, StreamKind, std::string_view line) override {
    metrics_.LogBytes(line.size() + 1);
  }
  void OnJobFinished(const JobResult& job) override {
    if (job.started == Clock::time_point{}) return;
    metrics_.JobFinished(job.seconds());
    metrics_.JobUsed(repo_, job.name, job.usage);
  }

 private:
  Metrics& metrics_;
  std::string repo_;
};

std::string GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? "" : value;
}

}  // namespace

std::string EncodeRequest(const RunRequest& request) {
  Poco::JSON::Object object;
  object.set("pipeline", request.pipeline);
  Poco::JSON::Object variables;
  for (const auto& [name, value] : request.variables) variables.set(name, value);
  object.set("variables", variables);
  if (!request.reuse_passed_of.empty()) object.set("reuse_passed_of", request.reuse_passed_of);
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out);
  return out.str();
}

RunRequest DecodeRequest(const std::string& json) {
  RunRequest request;
  if (json.empty()) return request;
  try {
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr object = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    request.pipeline = object->optValue<std::string>("pipeline", "");
    request.reuse_passed_of = object->optValue<std::string>("reuse_passed_of", "");
    Poco::JSON::Object::Ptr variables = object->getObject("variables");
    if (variables) {
      for (const std::string& name : variables->getNames()) {
        request.variables.emplace_back(name, variables->getValue<std::string>(name));
      }
    }
  } catch (const Poco::Exception& error) {
    throw UsageError("a queued run's request cannot be read: " + error.displayText());
  }
  return request;
}

EngineExecutor::EngineExecutor(std::map<std::string, std::string> repos,
                               std::shared_ptr<store::RunStore> store,
                               docker::EndpointOptions endpoint, RunOptions defaults,
                               Metrics& metrics, std::shared_ptr<spdlog::logger> log)
    : repos_(std::move(repos)),
      store_(std::move(store)),
      endpoint_(std::move(endpoint)),
      defaults_(std::move(defaults)),
      metrics_(metrics),
      log_(std::move(log)) {}

Outcome EngineExecutor::EndWithoutRunning(const store::RunRecord& run, const std::string& status,
                                          const std::string& reason, bool infrastructure) {
  store::RunRecord ended = run;
  ended.status = status;
  ended.reason = reason;
  ended.ended_at = store::ToMillis(Clock::now());
  store_->UpdateRun(ended);
  return Outcome{status, reason, infrastructure};
}

Outcome EngineExecutor::Execute(const store::RunRecord& run, CancelToken& cancel) {
  auto repo = repos_.find(run.repo);
  if (repo == repos_.end()) {
    return EndWithoutRunning(run, store::kFailed,
                             "repository '" + run.repo + "' is no longer registered", false);
  }
  LoadedCommit loaded;
  RunRequest request;
  try {
    request = DecodeRequest(run.request);
    loaded = LoadCommit({repo->second, run.repo, run.ref, run.commit, request.pipeline});
  } catch (const Error& error) {
    bool infrastructure = error.code() == ExitCode::kEnvironmentError;
    return EndWithoutRunning(run, store::kFailed, error.what(), infrastructure);
  }
  if (!loaded.pipeline.nothing_to_run.empty()) {
    return EndWithoutRunning(run, store::kSuccess,
                             "nothing to run: " + loaded.pipeline.nothing_to_run, false);
  }
  RunOptions options = defaults_;
  options.run_id = run.id;
  options.cli_env = request.variables;
  if (!request.reuse_passed_of.empty()) {
    for (const store::JobRecord& job : store_->ListJobs(request.reuse_passed_of)) {
      if (job.status == store::kSuccess) options.reuse_passed[job.name] = request.reuse_passed_of;
    }
  }

  ObserverList observers;
  observers.Add(std::make_shared<MetricsObserver>(metrics_, run.repo));
  std::shared_ptr<RunObserver> recorder = store::MakeHistoryRecorder(store_, run.id, log_);
  observers.Add(recorder);
  std::shared_ptr<RunObserver> reported =
      WithNotPlannedJobs(loaded.plan, loaded.pipeline, observers);
  try {
    std::unique_ptr<docker::EngineApi> engine =
        docker::MakeEngineClient(docker::ResolveEndpoint(endpoint_, GetEnv));
    RunContext context{*engine, cancel, *reported, log_};
    RunResult result = RunPlan(loaded.plan, loaded.source, options, context);
    Outcome outcome;
    outcome.status = store::RunStatusOf(result);
    outcome.infrastructure = result.exit_code() == ExitCode::kEnvironmentError;
    outcome.reason = result.environment_error;
    return outcome;
  } catch (const Error& error) {
    // As `run` does (cmd/run_history.cc): the recorder ends the row with the error.
    RunResult ended;
    ended.run_id = run.id;
    ended.interrupted = error.code() == ExitCode::kInterrupted || cancel.cancelled();
    ended.environment_error = error.what();
    ended.finished = Clock::now();
    recorder->OnRunFinished(ended);
    Outcome outcome;
    outcome.status = store::RunStatusOf(ended);
    outcome.reason = error.what();
    outcome.infrastructure = error.code() == ExitCode::kEnvironmentError && !cancel.cancelled();
    return outcome;
  }
}

}  // namespace pipeline::service
