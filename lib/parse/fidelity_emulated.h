#ifndef PIPELINE_PARSE_FIDELITY_EMULATED_H_
#define PIPELINE_PARSE_FIDELITY_EMULATED_H_

#include <vector>

#include "pipeline/fidelity.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// What the pipeline's jobs use that a local run emulates, and the limits that differ, read from
/// the model: one difference per job and behaviour (FindDifferences keeps each message once).
/// For a Bitbucket file, every pipeline's steps (`entries`), as validate judges them all.
std::vector<Difference> EmulatedDifferences(const Pipeline& pipeline);

/// How `changes` and `changesets` are evaluated here, to follow "'changes' are ".
const char* ChangesHow();

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_FIDELITY_EMULATED_H_
