#include "runs_command.h"

#include <ctime>

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "model/format_bytes.h"
#include "pipeline/errors.h"
#include "pipeline/report.h"
#include "pipeline/store.h"
#include "rerun.h"
#include "run_history.h"
#include "usage_command.h"

namespace pipeline::cli {
namespace {

struct RunsArgs {
  std::string action;
  std::vector<std::string> words;  ///< RUN [JOB]
  store::RunFilter filter;
  bool json = false;
  bool follow = false;
  bool with_usage = false;  ///< --usage (usage_command.h)
  usage::CostModel cost;
};

RunsArgs ArgsOf(const Options& options) {
  RunsArgs args;
  args.action = options.runs_action;
  if (!options.runs_run.empty()) args.words.push_back(options.runs_run);
  if (!options.runs_job.empty()) args.words.push_back(options.runs_job);
  args.filter = {options.runs_repo, options.runs_status, options.runs_limit};
  args.json = options.runs_json;
  args.follow = options.runs_follow;
  args.with_usage = options.runs_usage;
  if (args.with_usage) args.cost = CostModelOf(options);
  return args;
}

std::string FormatTime(store::Millis millis) {
  if (millis == 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

std::string FormatDuration(store::Millis from, store::Millis to) {
  if (from == 0 || to == 0 || to < from) return "-";
  double seconds = static_cast<double>(to - from) / 1000;
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof(text), "%.1fs", seconds);
  } else {
    long whole = static_cast<long>(seconds);
    std::snprintf(text, sizeof(text), "%ldm %02lds", whole / 60, whole % 60);
  }
  return text;
}

std::string FormatMemory(int64_t bytes) { return bytes > 0 ? FormatMeasuredBytes(bytes) : "-"; }

/// `{"key": value, ...}` in the order given, of values already written as JSON.
std::string JsonObject(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string text = "{";
  for (const auto& [key, value] : fields) {
    text += (text.size() > 1 ? ", \"" : "\"") + std::string(key) + "\": " + value;
  }
  return text + "}";
}

std::string RunJson(const store::RunRecord& run) {
  using report::JsonString;
  using std::to_string;
  return JsonObject({{"id", JsonString(run.id)},
                     {"status", JsonString(run.status)},
                     {"repo", JsonString(run.repo)},
                     {"pipeline", JsonString(run.pipeline)},
                     {"ref", JsonString(run.ref)},
                     {"commit", JsonString(run.commit)},
                     {"trigger", JsonString(run.trigger)},
                     {"priority", to_string(run.priority)},
                     {"reason", JsonString(run.reason)},
                     {"queued_at", to_string(run.queued_at)},
                     {"started_at", to_string(run.started_at)},
                     {"ended_at", to_string(run.ended_at)}});
}

std::string JobJson(const store::JobRecord& job) {
  using report::JsonString;
  using std::to_string;
  char cpu[32];
  std::snprintf(cpu, sizeof(cpu), "%.3f", job.cpu_seconds);
  return JsonObject({{"id", to_string(job.id)},
                     {"name", JsonString(job.name)},
                     {"stage", JsonString(job.stage)},
                     {"status", JsonString(job.status)},
                     {"exit_code", to_string(job.exit_code)},
                     {"reason", JsonString(job.reason)},
                     {"attempts", to_string(job.attempt)},
                     {"started_at", to_string(job.started_at)},
                     {"ended_at", to_string(job.ended_at)},
                     {"peak_memory_bytes", to_string(job.peak_memory_bytes)},
                     {"cpu_seconds", cpu},
                     {"log_bytes", to_string(job.log_bytes)}});
}

bool Finished(const store::RunRecord& run) {
  return run.status != store::kQueued && run.status != store::kRunning;
}

store::RunRecord ResolveRun(store::RunStore& history, const RunsArgs& args) {
  const std::string& wanted = args.words.front();
  std::optional<store::RunRecord> run;
  if (wanted == "last") {
    store::RunFilter newest{args.filter.repo, "", 1};
    std::vector<store::RunRecord> runs = history.ListRuns(newest);
    if (!runs.empty()) run = runs.front();
  } else {
    run = history.FindRun(wanted);
  }
  if (!run) {
    throw UsageError("no run '" + wanted + "' in the history (see 'docker pipeline runs')");
  }
  return *run;
}

int ListRuns(store::RunStore& history, const RunsArgs& args) {
  std::vector<store::RunRecord> runs = history.ListRuns(args.filter);
  if (args.with_usage) {
    ListRunsWithUsage(history, runs, args.json, args.cost);
    return 0;
  }
  if (args.json) {
    std::printf("[");
    for (size_t i = 0; i < runs.size(); ++i) {
      std::printf("%s\n  %s", i == 0 ? "" : ",", RunJson(runs[i]).c_str());
    }
    std::printf("%s]\n", runs.empty() ? "" : "\n");
    return 0;
  }
  if (runs.empty()) {
    std::printf("no runs recorded%s\n",
                args.filter.repo.empty() && args.filter.status.empty() ? " yet" : " that match");
    return 0;
  }
  std::printf("%-24s %-10s %-16s %-16s %-12s %-8s %-19s %s\n", "RUN", "STATUS", "REPO", "REF",
              "COMMIT", "TRIGGER", "STARTED", "TIME");
  for (const store::RunRecord& run : runs) {
    std::printf("%-24s %-10s %-16s %-16s %-12s %-8s %-19s %s\n", run.id.c_str(), run.status.c_str(),
                run.repo.c_str(), run.ref.empty() ? "-" : run.ref.c_str(),
                run.commit.empty() ? "-" : run.commit.substr(0, 12).c_str(), run.trigger.c_str(),
                FormatTime(run.started_at).c_str(),
                FormatDuration(run.started_at, run.ended_at).c_str());
  }
  return 0;
}

int ShowRun(store::RunStore& history, const RunsArgs& args) {
  store::RunRecord run = ResolveRun(history, args);
  std::vector<store::JobRecord> jobs = history.ListJobs(run.id);
  if (args.json) {
    std::string text = RunJson(run);
    text.pop_back();
    text += ", \"jobs\": [";
    for (size_t i = 0; i < jobs.size(); ++i) text += (i ? ", " : "") + JobJson(jobs[i]);
    text += "]";
    if (args.with_usage) {
      std::printf("%s, \"usage\": ", text.c_str());
      PrintRunUsage(history, run, true, args.cost);
      std::printf("}\n");
      return 0;
    }
    std::printf("%s}\n", text.c_str());
    return 0;
  }
  std::printf("run       %s\n", run.id.c_str());
  std::printf("status    %s%s%s\n", run.status.c_str(), run.reason.empty() ? "" : ": ",
              run.reason.c_str());
  std::printf("repo      %s\n", run.repo.c_str());
  std::printf("ref       %s\n", run.ref.empty() ? "-" : run.ref.c_str());
  std::printf("commit    %s\n", run.commit.empty() ? "-" : run.commit.c_str());
  std::printf("pipeline  %s\n", run.pipeline.c_str());
  std::printf("trigger   %s\n", run.trigger.c_str());
  std::printf("started   %s\n", FormatTime(run.started_at).c_str());
  std::printf("ended     %s (%s)\n", FormatTime(run.ended_at).c_str(),
              FormatDuration(run.started_at, run.ended_at).c_str());
  if (jobs.empty()) return 0;
  std::printf("\n%-24s %-12s %-10s %5s %8s %-19s %9s %12s %8s\n", "JOB", "STAGE", "STATUS", "EXIT",
              "ATTEMPTS", "STARTED", "TIME", "PEAK MEMORY", "CPU");
  for (const store::JobRecord& job : jobs) {
    char cpu[32] = "-";
    if (job.cpu_seconds > 0) std::snprintf(cpu, sizeof(cpu), "%.2fs", job.cpu_seconds);
    std::string exit = job.exit_code < 0 ? "-" : std::to_string(job.exit_code);
    std::printf("%-24s %-12s %-10s %5s %8d %-19s %9s %12s %8s\n", job.name.c_str(),
                job.stage.empty() ? "-" : job.stage.c_str(), job.status.c_str(), exit.c_str(),
                job.attempt, FormatTime(job.started_at).c_str(),
                FormatDuration(job.started_at, job.ended_at).c_str(),
                FormatMemory(job.peak_memory_bytes).c_str(), cpu);
    if (!job.reason.empty() && job.status != store::kSuccess) {
      std::printf("%-24s %s\n", "", job.reason.c_str());
    }
  }
  if (args.with_usage) PrintRunUsage(history, run, false, args.cost);
  return 0;
}

/// Prints what is new in each job's log since `offsets`; true when anything was.
bool PrintNewOutput(store::RunStore& history, const std::vector<store::JobRecord>& jobs,
                    bool prefix, std::map<int64_t, int64_t>& offsets) {
  bool printed = false;
  for (const store::JobRecord& job : jobs) {
    for (;;) {
      int64_t& offset = offsets[job.id];
      std::vector<store::LogChunk> chunks = history.ReadLogs(job.id, offset, 1 << 20);
      if (chunks.empty()) break;
      for (const store::LogChunk& chunk : chunks) {
        if (!prefix) {
          std::fwrite(chunk.text.data(), 1, chunk.text.size(), stdout);
        } else {
          size_t start = 0;
          while (start < chunk.text.size()) {
            size_t end = chunk.text.find('\n', start);
            if (end == std::string::npos) end = chunk.text.size() - 1;
            std::printf("%s | ", job.name.c_str());
            std::fwrite(chunk.text.data() + start, 1, end - start + 1, stdout);
            start = end + 1;
          }
        }
        offset = chunk.offset + static_cast<int64_t>(chunk.text.size());
      }
      printed = true;
    }
  }
  std::fflush(stdout);
  return printed;
}

int RunLogs(store::RunStore& history, const RunsArgs& args) {
  store::RunRecord run = ResolveRun(history, args);
  std::string only = args.words.size() > 1 ? args.words[1] : "";
  std::map<int64_t, int64_t> offsets;
  for (;;) {
    // The status first: a run seen finished has every line committed (the same transaction).
    std::optional<store::RunRecord> now = history.GetRun(run.id);
    bool finished = !now || Finished(*now);
    std::vector<store::JobRecord> jobs = history.ListJobs(run.id);
    if (!only.empty()) {
      std::vector<store::JobRecord> matching;
      for (const store::JobRecord& job : jobs) {
        if (job.name == only) matching.push_back(job);
      }
      if (matching.empty() && (finished || !args.follow)) {
        std::string names;
        for (const store::JobRecord& job : jobs) names += (names.empty() ? "" : ", ") + job.name;
        throw UsageError("run " + run.id + " has no job '" + only + "'" +
                         (names.empty() ? "" : " (its jobs: " + names + ")"));
      }
      jobs = matching;
    }
    PrintNewOutput(history, jobs, only.empty(), offsets);
    if (!args.follow || finished) return 0;
    // A runner killed mid-run never finishes its row: notice it here rather than wait forever.
    if (!store::RunOwnerIsAlive(now->owner)) {
      history.AbortDeadRuns(store::RunOwnerIsAlive);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

int RunsCommand(const Options& options, const Logging& logging) {
  RunsArgs args = ArgsOf(options);
  const Options& store_options = options;
  store::Retention retention = RetentionOf(store_options);
  bool prune = args.action == "prune";
  // Every command prunes as it opens; `prune` does it itself, to say how many went.
  std::unique_ptr<store::RunStore> history = store::OpenHistory(
      store_options.store_url, prune ? store::Retention{0, 0} : retention, *logging.log);
  if (args.action == "show") return ShowRun(*history, args);
  if (args.action == "logs") return RunLogs(*history, args);
  if (args.action == "rerun") return Rerun(*history, ResolveRun(*history, args), options, logging);
  if (prune) {
    size_t removed = history->Prune(retention);
    std::printf(
        "removed %zu run%s (keeping the newest %zu finished runs of the last %d days; "
        "0 means no limit)\n",
        removed, removed == 1 ? "" : "s", retention.keep_runs, retention.keep_days);
    return 0;
  }
  return ListRuns(*history, args);
}

}  // namespace pipeline::cli
