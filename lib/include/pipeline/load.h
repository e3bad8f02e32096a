#ifndef PIPELINE_LOAD_H_
#define PIPELINE_LOAD_H_

// Reading a pipeline from a commit of a repository, as CI reads it: the one path the CLI's
// `run --commit` and the service's runs share (lib/load).

#include <string>

#include "pipeline/model.h"
#include "pipeline/parse.h"
#include "pipeline/plan.h"
#include "pipeline/run.h"

namespace pipeline {

/// "refs/heads/feature/x" -> "feature/x"; other refs (tags) name no branch; a bare name is one.
std::string BranchOfRef(const std::string& ref);

/// "refs/tags/v1" -> "v1"; anything else names no tag.
std::string TagOfRef(const std::string& ref);

/// Fills what a GitLab file's rules and includes look at from the repository at `commit`: the
/// commit, the default branch, the repository root, (read only if a `changes` asks) the files
/// the commit changed, and the HTTPS fetcher of `include:remote`/`template` with its cache.
void AddRepositoryChoice(const std::string& repo_root, const std::string& commit,
                         PipelineChoice& choice);

/// Reads the pipeline file from `commit` (not the work tree): `file` is a path inside the
/// repository, or empty for the first of kPipelineFileNames the commit has. Throws ParseError.
Pipeline LoadPipelineAtCommit(const std::string& repo_root, const std::string& commit,
                              const std::string& file, const PipelineChoice& choice);

/// What to run of a repository's commit, as the service asks for it.
struct CommitRequest {
  std::string repo_root;  ///< a registered repository (work tree or bare)
  std::string repo_name;
  std::string ref;       ///< the branch or tag built ("main", "refs/tags/v1"); may be empty
  std::string commit;    ///< full SHA, already resolved
  std::string pipeline;  ///< PipelineChoice::pipeline; empty: the one CI would pick
};

/// A commit's pipeline, its plan and the Source RunPlan takes.
struct LoadedCommit {
  Source source;
  Pipeline pipeline;
  Plan plan;
};

/// Loads `request`'s commit the way `run --commit SHA --ref REF` does. Throws ParseError,
/// GitError.
LoadedCommit LoadCommit(const CommitRequest& request);

}  // namespace pipeline

#endif  // PIPELINE_LOAD_H_
