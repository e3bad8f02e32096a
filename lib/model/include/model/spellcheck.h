// The spellcheck is public (cmd/ suggests flags and commands with it); this keeps the modules'
// existing "model/spellcheck.h" includes working.
#ifndef PIPELINE_MODEL_SPELLCHECK_H_
#define PIPELINE_MODEL_SPELLCHECK_H_

#include "pipeline/spellcheck.h"

#endif  // PIPELINE_MODEL_SPELLCHECK_H_
