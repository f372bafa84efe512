#pragma once
// finite_or_null moved to base/json_number.hpp with the rest of eisgrid's
// number policy. This name stays until compute/fit_report.cpp, which another
// change is editing, includes base's: then this header goes.

#include "base/json_number.hpp"

namespace eisgrid::dataset {

using eisgrid::finite_or_null;

}  // namespace eisgrid::dataset
