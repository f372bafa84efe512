#include "compute/fit_report.hpp"

#include "dataset/json_number.hpp"

namespace eisgrid::compute {

nlohmann::ordered_json fit_json(const fit::fit_result& r, bool with_edges) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return dataset::finite_or_null<json>(v); };
  json j;
  j["metric"] = sweep::to_string(r.metric);
  j["resnorm"] = number(r.resnorm);
  j["grid_resnorm"] = number(r.grid_resnorm);
  j["params"] = {{"Rs", number(r.rs)},        {"Rsh", number(r.params.rsh)}, {"Ra", number(r.params.ra)},
                 {"Ca", number(r.params.ca)}, {"Rb", number(r.params.rb)},   {"Cb", number(r.params.cb)}};
  j["ter"] = number(r.identified.ter);
  j["tec"] = number(r.identified.tec());
  j["tau1"] = number(r.identified.tau1);
  j["tau2"] = number(r.identified.tau2);
  j["stderr"] = {{"Rs", number(r.errors.rs)},
                 {"ter", number(r.errors.ter)},
                 {"tec", number(r.errors.tec)},
                 {"tau1", number(r.errors.tau1)},
                 {"tau2", number(r.errors.tau2)}};
  j["rsh_interval"] = {number(r.rsh_interval[0]), number(r.rsh_interval[1])};
  if (with_edges) {
    json edges = json::array();
    for (std::size_t k = 0; k < r.edges.size(); ++k) {
      if (r.edges[k] != fit::parameter_edge::none) {
        edges.push_back(std::string(fit::k_fit_param_names[k]) + (r.edges[k] == fit::parameter_edge::at_min ? " at min" : " at max"));
      }
    }
    j["at_edge"] = edges;
  }
  return j;
}

}  // namespace eisgrid::compute
