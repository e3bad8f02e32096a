#ifndef PIPELINE_WORKSPACE_OVERLAY_LAYERS_H_
#define PIPELINE_WORKSPACE_OVERLAY_LAYERS_H_

#include <string>
#include <vector>

#include "pipeline/workspace.h"

namespace pipeline::workspace {

/// Builds in `dest` the tree an overlay mount of `layers` shows (top first: the upper directory
/// a job wrote into, then the lower ones it read), so artifacts can be collected from a job
/// whose workspace was an overlay volume. A whiteout (a 0/0 character device) hides what is
/// below it; an opaque directory (xattr trusted.overlay.opaque or user.overlay.opaque "y") hides
/// the layers below it; a non-directory hides a directory below. Files and links are hard-linked
/// where possible (`dest` is only read afterwards), else copied; nothing is followed. A missing
/// layer is skipped. Throws EnvironmentError.
SnapshotStats MergeLayers(const std::vector<std::string>& layers, const std::string& dest);

}  // namespace pipeline::workspace

#endif  // PIPELINE_WORKSPACE_OVERLAY_LAYERS_H_
