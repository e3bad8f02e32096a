#include "pipeline/model.h"
