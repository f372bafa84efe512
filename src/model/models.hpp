#pragma once
// The circuit models eisgrid knows (SPEC 12). Adding a model: its kernel type
// (a header like cpe_model.hpp), its place in `circuit_types`, its tests.

#include <span>
#include <string_view>
#include <tuple>
#include <vector>

#include "model/circuit_model.hpp"
#include "model/cpe_model.hpp"
#include "model/rc_electrode_model.hpp"
#include "model/rc_model.hpp"

namespace eisgrid::model {

using circuit_types = std::tuple<rc_model, cpe_model, rc_electrode_model>;

// Every model, in the order of circuit_types; `rc` first.
[[nodiscard]] std::span<const circuit_model> all_models() noexcept;
[[nodiscard]] const circuit_model& rc() noexcept;
[[nodiscard]] const circuit_model* find_model(std::string_view name) noexcept;
// "rc,cpe" or "all" (every model), in the order given, without repeats.
// Throws error(usage) naming the unknown model and listing the valid ones.
[[nodiscard]] std::vector<const circuit_model*> parse_models(std::string_view list);
// "rc, cpe, rc_electrode".
[[nodiscard]] std::string model_names();
// Throws error(usage) unless the grid sweep can take `m` (circuit_model::membrane_size).
void require_sweepable(const circuit_model& m);

// Calls f(Kernel{}) with the kernel type of `m`, for code that needs the
// impedance template (the fit's derivatives).
template <typename F>
void with_kernel(const circuit_model& m, F&& f) {
  std::size_t k = 0;
  const auto models = all_models();
  std::apply([&](auto... kernel) { ((&models[k++] == &m ? (f(kernel), 0) : 0), ...); }, circuit_types{});
}

}  // namespace eisgrid::model
