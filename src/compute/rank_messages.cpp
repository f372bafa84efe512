#include "compute/rank_messages.hpp"

#include "cluster/world.hpp"
#include "model/models.hpp"

namespace eisgrid::compute::detail {

// A grid travels as its model's name and its axes (the model is a pointer into
// this process's list).
void put_grid(cluster::message_writer& w, const model::grid_spec& grid) {
  w.put_string(grid.model->name);
  w.put_vector(std::span<const model::axis_range>(grid.axes));
}

model::grid_spec get_grid(cluster::message_reader& r) {
  model::grid_spec grid;
  const auto name = r.get_string();
  grid.model = model::find_model(name);
  if (!grid.model) throw error(error_kind::internal, "rank 0 sent a grid of an unknown model '" + name + "'");
  grid.axes = r.get_vector<model::axis_range>();
  return grid;
}

// Field by field: fit_options holds a grid, which is not a plain value.
void put_fit_options(cluster::message_writer& w, const fit::fit_options& o) {
  put_grid(w, o.grid);
  w.put(o.rs);
  w.put(o.fixed_rs);
  w.put(static_cast<std::uint64_t>(o.other_ranges.size()));
  for (const auto& [name, range] : o.other_ranges) {
    w.put_string(name);
    w.put(range);
  }
  w.put(o.metric);
  w.put(o.starts);
  w.put(o.profile_starts);
  w.put(o.threads);
}

fit::fit_options get_fit_options(cluster::message_reader& r) {
  fit::fit_options o;
  o.grid = get_grid(r);
  o.rs = r.get<model::axis_range>();
  o.fixed_rs = r.get<std::optional<double>>();
  const auto others = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < others; ++i) {
    auto name = r.get_string();
    o.other_ranges.emplace_back(std::move(name), r.get<model::axis_range>());
  }
  o.metric = r.get<sweep::metric>();
  o.starts = r.get<std::size_t>();
  o.profile_starts = r.get<std::size_t>();
  o.threads = r.get<unsigned>();
  return o;
}

}  // namespace eisgrid::compute::detail

namespace eisgrid::compute {

void send_failure(const error& failure) {
  if (!cluster::distributed()) return;
  cluster::message_writer w;
  w.put(detail::plan_status::failed);
  w.put(failure.kind());
  auto bytes = w.take();
  cluster::broadcast(bytes);
}

}  // namespace eisgrid::compute
