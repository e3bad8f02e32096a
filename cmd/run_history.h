#ifndef PIPELINE_CMD_RUN_HISTORY_H_
#define PIPELINE_CMD_RUN_HISTORY_H_

#include <memory>
#include <string>

#include "options.h"
#include "pipeline/log.h"
#include "pipeline/model.h"
#include "pipeline/store.h"

namespace pipeline::cli {

/// The history of one `run` (docs/history.md): its row, written before anything starts, and the
/// recorder among the observers. With --no-history, or when the store cannot be opened (a warning:
/// a run is worth more than its record), it does nothing.
class RunHistory {
 public:
  RunHistory(const Options& options, const Logging& logging);
  /// Records the run as running and subscribes the recorder; sets run_options.run_id.
  void Begin(const Source& source, const Pipeline& pipeline, RunOptions& run_options,
             ObserverList& observers);
  /// The run ended with an error instead of a result: its row ends with that reason.
  void Fail(const Error& error);

 private:
  const Options& options_;
  const Logging& logging_;
  std::shared_ptr<store::RunStore> store_;
  std::shared_ptr<RunObserver> recorder_;
  std::string run_id_;
};

/// The history retention the options ask for (--keep-runs, --keep-days, else the defaults).
store::Retention RetentionOf(const Options& options);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_RUN_HISTORY_H_
