#ifndef PIPELINE_ERRORS_H_
#define PIPELINE_ERRORS_H_

#include <stdexcept>
#include <string>

namespace pipeline {

/// The documented exit-code contract (README.md, docs/exit-codes.md). Only cmd/ turns these into a
/// process status; the engine reports them through exceptions and RunResult.
enum class ExitCode : int {
  kOk = 0,                ///< every job passed, or failed with failure allowed
  kJobFailed = 1,         ///< a job failed
  kConfigError = 2,       ///< usage or pipeline-file error; nothing ran
  kEnvironmentError = 3,  ///< Docker unreachable, image missing, not a git repository, ...
  kTimeout = 124,         ///< the pipeline's own time limit ran out
  kInterrupted = 130,     ///< Ctrl-C, SIGTERM or the docker CLI went away
};

/// Base of every error the engine throws. The message is one line a user can act on: lower case,
/// no trailing period, "what: why" (LLVM's rule, docker's `msg: cause` wrapping).
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

/// A bad command line.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ExitCode::kConfigError, message) {}
};

/// A pipeline file that cannot be read or understood. The message starts with "file:line:column:".
class ParseError : public Error {
 public:
  explicit ParseError(const std::string& message) : Error(ExitCode::kConfigError, message) {}
};

/// A pipeline whose jobs cannot be ordered (a cycle, a `needs` naming no job, ...).
class PlanError : public Error {
 public:
  explicit PlanError(const std::string& message) : Error(ExitCode::kConfigError, message) {}
};

/// Anything wrong with the machine rather than the pipeline: the daemon, an image, the repository.
class EnvironmentError : public Error {
 public:
  explicit EnvironmentError(const std::string& message)
      : Error(ExitCode::kEnvironmentError, message) {}
};

/// The Docker daemon could not be reached or refused a request.
class DockerError : public EnvironmentError {
 public:
  explicit DockerError(const std::string& message, int http_status = 0)
      : EnvironmentError(message), http_status_(http_status) {}
  /// 0 when the request never got an answer (connection refused, socket missing, ...).
  int http_status() const { return http_status_; }

 private:
  int http_status_;
};

/// An image is neither present locally nor could it be pulled.
class ImageNotFoundError : public DockerError {
 public:
  explicit ImageNotFoundError(const std::string& message) : DockerError(message, 404) {}
};

/// libgit2 failed, or the directory is not a git repository.
class GitError : public EnvironmentError {
 public:
  explicit GitError(const std::string& message) : EnvironmentError(message) {}
};

/// The run was cancelled by the user (Ctrl-C, SIGTERM) before it could finish.
class InterruptedError : public Error {
 public:
  explicit InterruptedError(const std::string& message) : Error(ExitCode::kInterrupted, message) {}
};

}  // namespace pipeline

#endif  // PIPELINE_ERRORS_H_
