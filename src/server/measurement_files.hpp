#pragma once
// A stored measurement file and its catalog row are one unit (issue 21, item
// 6). An upload writes the file, then records the row; a server killed in
// between (say, while the upload waited for the catalog's lock) leaves a file
// that no row names, which its owner cannot see and nothing would remove.
// `eisgrid serve` therefore reconciles the two before it listens: each file
// under measured/<user id>/ that none of that user's rows names is removed,
// and each row whose file is missing is reported, by id, in the log. Run one
// server per catalog (README): no upload of another server is in flight.

#include <cstddef>

#include "server/app.hpp"

namespace eisgrid::server {

struct measurement_files_report {
  std::size_t removed = 0;  // files no row named
  std::size_t missing = 0;  // rows whose file is gone
};

// Throws error(io) when the catalog cannot be read; a file that cannot be
// removed is logged and left.
measurement_files_report reconcile_measurement_files(app& a);

}  // namespace eisgrid::server
