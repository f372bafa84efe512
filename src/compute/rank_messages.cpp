#include "compute/rank_messages.hpp"

#include <array>
#include <concepts>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cluster/world.hpp"
#include "model/models.hpp"

namespace eisgrid::compute::detail {
namespace {

// The wire form of each type that a field of fit_row has. Listed types only, and
// read into exactly their type: a field of another type (int, float,
// std::optional<std::string>, ...) finds no overload and stops the build
// instead of travelling wrong or not at all.
template <class T>
constexpr bool k_double_array = false;
template <std::size_t n>
constexpr bool k_double_array<std::array<double, n>> = true;

// Values that travel in their in-memory form (cluster/message.hpp).
template <class T>
concept plain_field = std::same_as<T, std::int64_t> || std::same_as<T, double> || std::same_as<T, fit_status> ||
    std::same_as<T, std::optional<double>> || std::same_as<T, std::optional<bool>> || k_double_array<T>;

template <plain_field T>
void put_field(cluster::message_writer& w, const T& value) {
  w.put(value);
}
template <plain_field T>
void get_field(cluster::message_reader& r, T& value) {
  value = r.get<T>();
}

void put_field(cluster::message_writer& w, const std::string& text) { w.put_string(text); }
void get_field(cluster::message_reader& r, std::string& text) { text = r.get_string(); }

void put_field(cluster::message_writer& w, const std::vector<double>& values) { w.put_vector(std::span<const double>(values)); }
void get_field(cluster::message_reader& r, std::vector<double>& values) { values = r.get_vector<double>(); }

void put_field(cluster::message_writer& w, const std::vector<std::string>& texts) {
  w.put<std::uint64_t>(texts.size());
  for (const auto& text : texts) w.put_string(text);
}
void get_field(cluster::message_reader& r, std::vector<std::string>& texts) {
  // No reserve: a corrupt count ends at the message's end, not in an allocation.
  const auto n = r.get<std::uint64_t>();
  texts.clear();
  for (std::uint64_t i = 0; i < n; ++i) texts.push_back(r.get_string());
}

}  // namespace

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

void put_fit_row(cluster::message_writer& w, const fit_row& row) {
  for_each_field(row, [&](const char*, const auto& value) { put_field(w, value); });
}

fit_row get_fit_row(cluster::message_reader& r) {
  fit_row row;
  for_each_field(row, [&](const char*, auto& value) { get_field(r, value); });
  return row;
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
