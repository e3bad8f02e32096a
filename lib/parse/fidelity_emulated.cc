// The table of behaviours a local run emulates, and of limits that differ from the cloud's.
#include "parse/fidelity_emulated.h"

#include <string>

#include "parse/bitbucket_definitions.h"

namespace pipeline::parse {
namespace {

using Kind = Difference::Kind;

std::string Where(const Job& job) {
  return job.location.file + (job.location.line > 0 ? ":" + std::to_string(job.location.line) : "");
}

std::string Megabytes(int64_t bytes) { return std::to_string(bytes >> 20) + " MB"; }

const char kChangesHow[] =
    "compared with what the push changes in the pre-push hook (the remote's commit, or its "
    "default branch for a new branch), with --since REF, else with HEAD's last commit plus "
    "uncommitted changes";

void Common(const Job& job, const std::string& cloud, std::vector<Difference>& out) {
  std::string where = Where(job);
  if (!job.caches.empty()) {
    out.push_back({Kind::kEmulated, where, "caches",
                   "caches are docker volumes kept on this machine ('docker pipeline cache' lists "
                   "them), not " +
                       cloud +
                       "'s shared cache: a cold or stale local cache can hide "
                       "a problem"});
  }
  if (!job.artifacts.empty()) {
    out.push_back({Kind::kEmulated, where, "artifacts",
                   "artifacts are copied to later jobs on this machine and kept 14 days under "
                   "~/.local/state/docker-pipeline/artifacts, at most 1 GB per job"});
  }
  if (job.manual) {
    out.push_back({Kind::kEmulated, where, "manual",
                   "a manual job runs only with --manual or --job NAME; " + cloud +
                       " waits for someone to start it"});
  }
  if (job.parallel_count > 0 || !job.parallel_of.empty()) {
    out.push_back(
        {Kind::kLimit, where, "parallel",
         "parallel jobs run at most -j N (default 4) at once; " + cloud + " starts them all"});
  }
  if (!job.deployment.empty()) {
    out.push_back({Kind::kEmulated, where, "deployment",
                   "deployment '" + job.deployment +
                       "': its variables come from "
                       "--variables-file " +
                       job.deployment +
                       "=FILE; no deployment is recorded and "
                       "no permission or concurrency check is made"});
  }
}

void Bitbucket(const Job& job, std::vector<Difference>& out) {
  std::string where = Where(job);
  if (job.resources.memory_bytes) {
    out.push_back({Kind::kLimit, where, "size",
                   "a step's container is limited to " + Megabytes(*job.resources.memory_bytes) +
                       " (its size's memory less its services'), as in the cloud; its CPUs are "
                       "not limited here, the cloud's depend on the size"});
  }
  for (const Service& service : job.services) {
    if (IsDockerService(service)) {
      out.push_back({Kind::kEmulated, where, "services: docker",
                     "the docker service is a filtering proxy to your own daemon: the cloud's "
                     "restrictions apply (no privileged containers, no host mounts), but images, "
                     "layers and build cache are your daemon's"});
      continue;
    }
    out.push_back({Kind::kEmulated, where, "services: " + service.name,
                   "service '" + service.name +
                       "' runs as a container beside the step, on its "
                       "network (localhost), limited to " +
                       Megabytes(service.memory_bytes) + " as in the cloud"});
  }
  for (const PipeCall& pipe : job.pipes) {
    std::string place = pipe.location.file +
                        (pipe.location.line > 0 ? ":" + std::to_string(pipe.location.line) : "");
    out.push_back({Kind::kEmulated, place, "pipe",
                   "pipe '" + pipe.ref + "' runs as a container of " + pipe.image +
                       " in the clone dir, with your network and your registry login"});
  }
  if (!job.changeset_includes.empty() || !job.changeset_excludes.empty()) {
    out.push_back({Kind::kEmulated, where, "condition: changesets",
                   std::string("'changesets' are ") + kChangesHow});
  }
}

void GitLab(const Job& job, std::vector<Difference>& out) {
  std::string where = Where(job);
  if (!job.resources.memory_bytes) {
    out.push_back({Kind::kLimit, where, "resources",
                   "a job is limited to 4 GB of memory and 1024 processes here (--memory, --pids, "
                   "or 'resources'); GitLab's small hosted runner has 8 GB and 2 vCPUs"});
  }
  if (!job.services.empty()) {
    out.push_back({Kind::kEmulated, where, "services",
                   "services run as containers beside the job on its network, reached on "
                   "localhost and by their alias"});
  }
}

}  // namespace

std::vector<Difference> EmulatedDifferences(const Pipeline& pipeline) {
  std::vector<Difference> out;
  const char* cloud = pipeline.format == Format::kBitbucket ? "the cloud" : "GitLab";
  std::vector<const Job*> jobs;
  for (const PipelineEntry& entry : pipeline.entries) {
    for (const Job& job : entry.jobs) jobs.push_back(&job);
  }
  if (jobs.empty()) {
    for (const Job& job : pipeline.jobs) jobs.push_back(&job);
  }
  for (const Job* each : jobs) {
    const Job& job = *each;
    Common(job, cloud, out);
    if (pipeline.format == Format::kBitbucket) {
      Bitbucket(job, out);
    } else {
      GitLab(job, out);
    }
  }
  return out;
}

const char* ChangesHow() { return kChangesHow; }

}  // namespace pipeline::parse
