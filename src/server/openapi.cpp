// GET /api/openapi.json: the OpenAPI 3 description of docs/API.md, written
// by hand (it is the contract, not something derived from the code).
#include "catalog/lab_fields.hpp"
#include "dataset/metadata.hpp"
#include "model/models.hpp"
#include "server/handlers.hpp"
#include "sweep/metric.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json ok(const std::string& description, json schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}
json err(const std::string& description) { return ok(description, ref("Error")); }
json obj(json properties) { return {{"type", "object"}, {"properties", std::move(properties)}}; }
json arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
const json k_num = {{"type", "number"}, {"nullable", true}};
const json k_int = {{"type", "integer"}};
const json k_str = {{"type", "string"}};
const json k_bool = {{"type", "boolean"}};

// A text the server bounds in bytes of UTF-8 (the catalog's and the dataset's constants). JSON
// Schema's maxLength counts characters: the same number is a true but loose bound, so the exact one
// travels as the extension x-max-bytes, which the page checks.
json bounded_text(std::size_t max_bytes) {
  const auto n = std::to_string(max_bytes);
  return {{"type", "string"},
          {"maxLength", max_bytes},
          {"x-max-bytes", max_bytes},
          {"description", "at most " + n +
                              " bytes of UTF-8 (x-max-bytes); maxLength counts characters, so a text of multi-byte "
                              "characters reaches the limit before " +
                              n + " characters"}};
}
const json k_label = bounded_text(catalog::k_max_label_length);
const json k_notes = bounded_text(catalog::k_max_notes_length);

json filename_param() {
  return {{"name", "filename"},
          {"in", "path"},
          {"required", true},
          {"description", "Dataset file name: letters, digits, '.', '_', '-', ending .npz"},
          {"schema", {{"type", "string"}, {"pattern", "^[A-Za-z0-9._-]+\\.npz$"}}}};
}
json id_param(const std::string& what) {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"description", what}, {"schema", k_str}};
}
json body(json schema) { return {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}}; }

json op(const std::string& summary, json responses, json parameters = json::array(), json request_body = nullptr) {
  json o = {{"summary", summary}, {"responses", std::move(responses)}};
  if (!parameters.empty()) o["parameters"] = std::move(parameters);
  if (!request_body.is_null()) o["requestBody"] = std::move(request_body);
  return o;
}

// The model names (model/models.hpp), with "all" where a request may ask for every model.
json model_names(bool with_all) {
  json names = json::array();
  for (const auto& m : model::all_models()) names.push_back(m.name);
  if (with_all) names.push_back("all");
  return {{"type", "string"}, {"enum", std::move(names)}};
}
// The residual norms (sweep/metric.hpp).
json metric_names() {
  json names = json::array();
  for (const auto m : sweep::k_metrics) names.push_back(sweep::to_string(m));
  return {{"type", "string"}, {"enum", std::move(names)}};
}
json model_param() {
  return {{"name", "model"},
          {"in", "query"},
          {"description", "only the fits of this model (default: every model's)"},
          {"schema", model_names(false)}};
}

json success(json properties) {
  properties["status"] = {{"type", "string"}, {"enum", {"success"}}};
  return obj(std::move(properties));
}

json build() {
  const json params5 = obj({{"Rsh", k_num}, {"Ra", k_num}, {"Ca", k_num}, {"Rb", k_num}, {"Cb", k_num}});
  json schemas = {
      {"Error", obj({{"status", {{"type", "string"}, {"enum", {"error"}}}}, {"message", k_str}})},
      {"Parameters", params5},
      {"Dataset", obj({{"filename", k_str},     {"full_path", k_str},    {"directory", k_str},
                       {"type", k_str},         {"size_mb", k_num},      {"size_bytes", k_int},
                       {"modified", k_str},     {"loaded", k_bool},      {"name", k_str},
                       {"owner", k_str},        {"is_public", k_bool},   {"is_available", k_bool},
                       {"grid_size", k_int},    {"n_parameters", k_int}, {"n_frequencies", k_int},
                       {"n_spectra", k_int},    {"freq_min", k_num},     {"freq_max", k_num},
                       {"best_resnorm", k_num}, {"metric", k_str},       {"frequency_spacing", k_str},
                       {"file_hash", k_str},    {"short_hash", k_str},   {"reference", ref("Parameters")},
                       {"description", k_str},  {"created_at", k_str}})},
      {"Tag", obj({{"id", k_int},
                   {"mine", k_bool},
                   {"filename", k_str},
                   {"rank", k_int},
                   {"resnorm", k_num},
                   {"parameters", ref("Parameters")},
                   {"label", k_str},
                   {"category", k_str},
                   {"notes", k_str},
                   {"quality_score", k_num},
                   {"is_reference", k_bool},
                   {"created_at", k_str}})},
      {"Configuration", obj({{"id", k_int},
                             {"name", k_str},
                             {"owner", k_str},
                             {"is_public", k_bool},
                             {"reference", ref("Parameters")},
                             {"grid_size", k_int},
                             {"freq_min", k_num},
                             {"freq_max", k_num},
                             {"n_frequencies", k_int},
                             {"created_at", k_str}})},
      {"Job", obj({{"id", k_str},
                   {"state", {{"type", "string"}, {"enum", {"queued", "running", "done", "failed", "cancelled"}}}},
                   {"progress", k_num},
                   {"done", k_int},
                   {"total", k_int},
                   {"rate", k_num},
                   {"eta_seconds", k_num},
                   {"dataset", obj({{"filename", k_str}})},
                   {"error", k_str},
                   {"created_at", k_str},
                   {"output", k_str},
                   {"request", {{"oneOf", {ref("ComputeRequest"), ref("FitRequest")}}}}})},
      {"Measurement", obj({{"id", k_int},
                           {"file_name", k_str},
                           {"file_size", k_int},
                           {"file_hash", k_str},
                           {"format", k_str},
                           {"n_sweeps", k_int},
                           {"n_points", k_int},
                           {"freq_min", k_num},
                           {"freq_max", k_num},
                           {"warnings", arr(k_str)},
                           {"experiment", k_int},
                           {"sample", k_str},
                           {"condition", k_str},
                           {"day", k_int},
                           {"area_cm2", k_num},
                           {"notes", k_str},
                           {"created_at", k_str},
                           {"updated_at", k_str},
                           {"sweeps", arr(obj({{"index", k_int},
                                               {"start_time", k_str},
                                               {"frequencies", arr(k_num)},
                                               {"real", arr(k_num)},
                                               {"imag", arr(k_num)},
                                               {"warnings", arr(k_str)}}))}})},
      {"Experiment", obj({{"id", k_int},
                          {"name", k_str},
                          {"description", k_str},
                          {"n_measurements", k_int},
                          {"created_at", k_str},
                          {"updated_at", k_str}})},
      {"Fit", obj({{"id", k_int},
                   {"measurement", k_int},
                   {"experiment", k_int},
                   {"sweep", k_int},
                   {"start_time", k_str},
                   {"status", {{"type", "string"}, {"enum", {"ok", "poor_fit", "invalid_data"}}}},
                   {"reasons", arr(k_str)},
                   {"metric", k_str},
                   {"resnorm", k_num},
                   {"grid_resnorm", k_num},
                   {"rs", k_num},
                   {"ter", k_num},
                   {"tec", k_num},
                   {"tau1", k_num},
                   {"tau2", k_num},
                   {"stderr",
                    {{"type", "object"},
                     {"description", "rc: Rs, ter, tec, tau1, tau2; another model: each of its parameters, ter, tec"},
                     {"additionalProperties", k_num}}},
                   {"params",
                    {{"type", "object"},
                     {"description", "the model's parameters by their names (GET /api/models), Rs first"},
                     {"additionalProperties", k_num}}},
                   {"rsh_interval", arr(k_num)},
                   {"area_cm2", k_num},
                   {"ter_ohm_cm2", k_num},
                   {"tec_uf_per_cm2", k_num},
                   {"model", model_names(false)},
                   {"aic", k_num},
                   {"bic", k_num},
                   {"best_model", {{"type", "boolean"}, {"nullable", true}}},
                   {"decisive_frequency", k_num},
                   {"at_edge", arr(k_str)},
                   {"created_at", k_str}})},
      {"Model", obj({{"name", k_str},
                     {"formula", k_str},
                     {"parameters", arr(obj({{"name", k_str},
                                             {"unit", k_str},
                                             {"axis", {{"type", "string"}, {"enum", {"log", "linear"}}}},
                                             {"range", arr(k_num)}}))}})},
      {"MeasurementFields",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties",
         {{"sample", k_label}, {"condition", k_label}, {"day", k_int}, {"area_cm2", k_num}, {"notes", k_notes}, {"experiment", k_int}}}}},
      {"FitRequest",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties",
         {{"measurement", k_int},
          {"experiment", k_int},
          {"grid", {{"type", "integer"}, {"minimum", 2}, {"maximum", 12}, {"default", 6}}},
          {"metric", metric_names()},
          {"rs", {{"oneOf", {{{"type", "string"}, {"enum", {"free"}}}, {{"type", "number"}, {"minimum", 0}}}}}},
          {"area", {{"type", "number"}, {"exclusiveMinimum", 0}}},
          {"models", {{"type", "array"}, {"minItems", 1}, {"items", model_names(true)}, {"default", {"rc"}}}}}}}},
      {"ComputeRequest",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties",
         {{"grid", {{"type", "integer"}, {"minimum", 2}, {"maximum", 60}}},
          {"preset", {{"type", "string"}, {"enum", {"standard", "high_res", "fast", "low_freq", "linear", "ultra_wide", "mid_range"}}}},
          {"fmin", k_num},
          {"fmax", k_num},
          {"points", {{"type", "integer"}, {"minimum", 2}, {"maximum", 100000}}},
          {"spacing", {{"type", "string"}, {"enum", {"log", "linear"}}}},
          {"ref", ref("Parameters")},
          {"reference", obj({{"measurement", k_int}, {"sweep", k_int}})},
          {"ranges", {{"type", "object"}, {"additionalProperties", obj({{"min", k_num}, {"max", k_num}, {"count", k_int}})}}},
          {"metric", metric_names()},
          {"keep", {{"oneOf", {k_int, {{"type", "string"}, {"enum", {"all"}}}}}}},
          {"spectra", {{"oneOf", {k_int, {{"type", "string"}, {"enum", {"all"}}}}}}},
          {"store", k_bool},
          {"output", k_str},
          {"description", bounded_text(dataset::k_max_description_length)}}}}},
  };
  const json e400 = err("bad input"), e401 = err("bad, expired or revoked credential; or sign-in required"),
             e404 = err("not found, or not visible to the caller");
  json paths = {
      {"/api/health",
       {{"get", op("Liveness", {{"200", ok("healthy", success({{"healthy", k_bool}, {"version", k_str}, {"catalog", k_str}}))}})}}},
      {"/api/whoami",
       {{"get", op("The signed-in user", {{"200", ok("the user or null", success({{"user", obj({{"name", k_str}})}}))}, {"401", e401}})}}},
      {"/api/status",
       {{"get", op("Server status", {{"200", ok("online", obj({{"status", k_str},
                                                               {"loaded_datasets", k_int},
                                                               {"available_files", k_int},
                                                               {"directories", obj({{"precomputed", k_str}, {"user_generated", k_str}})},
                                                               {"memory_usage", k_str},
                                                               {"memory_bytes", k_int},
                                                               {"cache_bytes", k_int},
                                                               {"cache_mapped_bytes", k_int},
                                                               {"cache_budget_bytes", k_int}}))}})}}},
      {"/api/datasets",
       {{"get",
         op("Datasets the caller may see, newest first",
            {{"200", ok("list", success({{"datasets", arr(ref("Dataset"))}, {"directories", {{"type", "object"}}}}))}, {"401", e401}})}}},
      {"/api/load/{filename}",
       {{"post", op("Load a dataset and describe it",
                    {{"200", ok("metadata and shape", success({{"metadata", {{"type", "object"}}},
                                                               {"dataset_info", obj({{"n_parameters", k_int},
                                                                                     {"n_frequencies", k_int},
                                                                                     {"n_spectra", k_int},
                                                                                     {"parameter_ranges", {{"type", "object"}}}})}}))},
                     {"400", e400},
                     {"401", e401},
                     {"404", e404}},
                    {filename_param()})}}},
      {"/api/best-results/{filename}",
       {{"get",
         op("The best rows, ranked",
            {{"200", ok("rows", success({{"data", obj({{"parameters", arr(arr(k_num))},
                                                       {"resnorms", arr(k_num)},
                                                       {"ter", arr(k_num)},
                                                       {"tec", arr(k_num)},
                                                       {"param_names", arr(k_str)},
                                                       {"param_units", arr(k_str)},
                                                       {"n_total", k_int},
                                                       {"offset", k_int},
                                                       {"best_resnorm", k_num}})}}))},
             {"400", e400},
             {"401", e401},
             {"404", e404}},
            {filename_param(),
             {{"name", "n"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000}, {"default", 1000}}}},
             {{"name", "offset"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}},
             {{"name", "format"},
              {"in", "query"},
              {"description", "npy: a float64 .npy of shape (rows, 6): Rsh, Ra, Ca, Rb, Cb, resnorm"},
              {"schema", {{"type", "string"}, {"enum", {"json", "npy"}}}}}})}}},
      {"/api/spectrum/{filename}",
       {{"post", op("Spectra of ranked rows",
                    {{"200", ok("spectra", success({{"data", obj({{"indices", arr(k_int)},
                                                                  {"frequencies", arr(k_num)},
                                                                  {"spectra", arr(arr(arr(k_num)))},
                                                                  {"spectrum_columns", arr(k_str)},
                                                                  {"freq_range", arr(k_num)},
                                                                  {"reference", arr(arr(k_num))}})}}))},
                     {"400", e400},
                     {"401", e401},
                     {"404", e404}},
                    {filename_param(),
                     {{"name", "format"},
                      {"in", "query"},
                      {"description", "npy: a float64 .npy of shape (indices, frequencies, 4): real, imag, magnitude, phase"},
                      {"schema", {{"type", "string"}, {"enum", {"json", "npy"}}}}}},
                    body(obj({{"indices", {{"type", "array"}, {"items", k_int}, {"minItems", 1}, {"maxItems", 100}}}})))}}},
      {"/api/search/{filename}",
       {{"post",
         op("Rows with a resnorm at most max_resnorm",
            {{"200", ok("matches", success({{"data", obj({{"indices", arr(k_int)},
                                                          {"parameters", arr(arr(k_num))},
                                                          {"resnorms", arr(k_num)},
                                                          {"count", k_int},
                                                          {"total_searched", k_int}})}}))},
             {"400", e400},
             {"401", e401},
             {"404", e404}},
            {filename_param()},
            body(obj({{"max_resnorm", {{"type", "number"}}}, {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000}}}})))}}},
      {"/api/download/{filename}",
       {{"get", op("The file as an attachment (one Range; ETag is the SHA-256; If-None-Match)",
                   {{"200",
                     {{"description", "the file"},
                      {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}},
                    {"206", {{"description", "the requested range"}}},
                    {"304", {{"description", "not modified"}}},
                    {"400", e400},
                    {"401", e401},
                    {"404", e404},
                    {"416", err("bad or unsatisfiable range")}},
                   {filename_param(),
                    {{"name", "Range"}, {"in", "header"}, {"schema", k_str}},
                    {{"name", "If-None-Match"}, {"in", "header"}, {"schema", k_str}}})},
        {"head", op("Headers of the download", {{"200", {{"description", "headers only"}}}, {"404", e404}}, {filename_param()})}}},
      {"/api/tags",
       {{"get", op("Tags the caller may see", {{"200", ok("tags", success({{"tags", arr(ref("Tag"))}}))}, {"401", e401}, {"404", e404}},
                   {{{"name", "filename"}, {"in", "query"}, {"schema", k_str}}})},
        {"post", op("Tag a ranked row (signed-in users)",
                    {{"201", ok("the tag", success({{"tag", ref("Tag")}}))}, {"400", e400}, {"401", e401}, {"404", e404}}, json::array(),
                    body(obj({{"filename", k_str},
                              {"rank", k_int},
                              {"label", k_label},
                              {"category", bounded_text(catalog::k_max_category_length)},
                              {"notes", k_notes},
                              {"quality_score", k_num},
                              {"is_reference", k_bool}})))}}},
      {"/api/tags/{id}",
       {{"delete", op("Delete one of the caller's tags",
                      {{"200", ok("deleted", success({{"deleted", k_int}}))}, {"401", e401}, {"403", err("not yours")}, {"404", e404}},
                      {id_param("tag id")})}}},
      {"/api/configurations",
       {{"get", op("Configurations the caller may see",
                   {{"200", ok("list", success({{"configurations", arr(ref("Configuration"))}}))}, {"401", e401}})}}},
      {"/api/compute",
       {{"post", op("Start a compute job (signed-in users)",
                    {{"202", ok("the job", success({{"job", ref("Job")}}))},
                     {"400", e400},
                     {"401", e401},
                     {"409", err("the output name is taken (by anyone's file, or a public dataset)")},
                     {"413", err("too many active jobs")}},
                    json::array(), body(ref("ComputeRequest")))}}},
      {"/api/jobs", {{"get", op("The caller's jobs", {{"200", ok("jobs", success({{"jobs", arr(ref("Job"))}}))}, {"401", e401}})}}},
      {"/api/jobs/{id}",
       {{"get", op("One of the caller's jobs", {{"200", ok("the job", success({{"job", ref("Job")}}))}, {"401", e401}, {"404", e404}},
                   {id_param("job id")})},
        {"delete", op("Cancel a queued or running job",
                      {{"200", ok("the job", success({{"job", ref("Job")}}))}, {"401", e401}, {"404", e404}}, {id_param("job id")})}}},
      {"/api/measurements",
       {{"get", op("The caller's measurements, newest first",
                   {{"200", ok("list", success({{"measurements", arr(ref("Measurement"))}}))}, {"401", e401}, {"404", e404}},
                   {{{"name", "experiment"}, {"in", "query"}, {"schema", k_int}}})},
        {"post", op("Upload an instrument file (raw body named by ?name=, or multipart/form-data); at most 16 MiB",
                    {{"201", ok("the measurement", success({{"measurement", ref("Measurement")}}))},
                     {"400", err("a name, file or format the readers refuse")},
                     {"401", e401},
                     {"404", e404},
                     {"409", err("the same content is already one of the caller's measurements")},
                     {"413", err("over 16 MiB")}},
                    {{{"name", "name"}, {"in", "query"}, {"schema", k_str}},
                     {{"name", "format"}, {"in", "query"}, {"schema", k_str}},
                     {{"name", "experiment"}, {"in", "query"}, {"schema", k_int}}},
                    {{"required", true},
                     {"content",
                      {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
                       {"multipart/form-data", {{"schema", obj({{"file", {{"type", "string"}, {"format", "binary"}}}})}}}}}})}}},
      {"/api/measurements/{id}",
       {{"get", op("A measurement with its spectra (?format=npy: float64 (points, 4): sweep, frequency, Z', Z'')",
                   {{"200", ok("the measurement", success({{"measurement", ref("Measurement")}}))}, {"401", e401}, {"404", e404}},
                   {id_param("measurement id"),
                    {{"name", "format"}, {"in", "query"}, {"schema", {{"type", "string"}, {"enum", {"json", "npy"}}}}}})},
        {"patch",
         op("Change the user fields or the experiment",
            {{"200", ok("the measurement", success({{"measurement", ref("Measurement")}}))}, {"400", e400}, {"401", e401}, {"404", e404}},
            {id_param("measurement id")}, body(ref("MeasurementFields")))},
        {"delete",
         op("Delete a measurement, its fits and its file",
            {{"200", ok("deleted", success({{"deleted", k_int}}))}, {"401", e401}, {"404", e404}}, {id_param("measurement id")})}}},
      {"/api/measurements/{id}/fits",
       {{"get",
         op("A measurement's fits (?format=csv: the per-sweep CSV of eisgrid fit --summary)",
            {{"200", ok("fits", success({{"measurement", ref("Measurement")}, {"fits", arr(ref("Fit"))}}))}, {"401", e401}, {"404", e404}},
            {id_param("measurement id"),
             {{"name", "format"}, {"in", "query"}, {"schema", {{"type", "string"}, {"enum", {"json", "csv"}}}}},
             model_param()})}}},
      {"/api/experiments",
       {{"get", op("The caller's experiments", {{"200", ok("list", success({{"experiments", arr(ref("Experiment"))}}))}, {"401", e401}})},
        {"post", op("Create an experiment",
                    {{"201", ok("the experiment", success({{"experiment", ref("Experiment")}}))},
                     {"400", e400},
                     {"401", e401},
                     {"409", err("the caller has an experiment of that name")}},
                    json::array(), body(obj({{"name", k_label}, {"description", k_notes}})))}}},
      {"/api/experiments/{id}",
       {{"get", op("An experiment and its measurements",
                   {{"200", ok("the experiment", success({{"experiment", ref("Experiment")}, {"measurements", arr(ref("Measurement"))}}))},
                    {"401", e401},
                    {"404", e404}},
                   {id_param("experiment id")})},
        {"patch", op("Rename or describe an experiment",
                     {{"200", ok("the experiment", success({{"experiment", ref("Experiment")}}))},
                      {"400", e400},
                      {"401", e401},
                      {"404", e404},
                      {"409", err("name in use")}},
                     {id_param("experiment id")}, body(obj({{"name", k_label}, {"description", k_notes}})))},
        {"delete",
         op("Delete an experiment; its measurements and fits stay, in no experiment",
            {{"200", ok("deleted", success({{"deleted", k_int}}))}, {"401", e401}, {"404", e404}}, {id_param("experiment id")})}}},
      {"/api/experiments/{id}/fits",
       {{"get",
         op("An experiment's fits by measurement and sweep (?format=csv)",
            {{"200", ok("fits", success({{"experiment", ref("Experiment")}, {"fits", arr(ref("Fit"))}}))}, {"401", e401}, {"404", e404}},
            {id_param("experiment id"),
             {{"name", "format"}, {"in", "query"}, {"schema", {{"type", "string"}, {"enum", {"json", "csv"}}}}},
             model_param()})}}},
      {"/api/fit",
       {{"post", op("Fit a measurement or an experiment's measurements as a job (signed-in users)",
                    {{"202", ok("the job", success({{"job", ref("Job")}}))},
                     {"400", e400},
                     {"401", e401},
                     {"404", e404},
                     {"413", err("too many active jobs, or a sweep over the fit's limits (points per sweep, grid for a long sweep)")}},
                    json::array(), body(ref("FitRequest")))}}},
      {"/api/models",
       {{"get", op("The circuit models a fit may use (SPEC 12)", {{"200", ok("list", success({{"models", arr(ref("Model"))}}))}})}}},
      {"/api/openapi.json", {{"get", op("This document", {{"200", {{"description", "OpenAPI 3"}}}})}}},
  };
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "eisgrid"}, {"version", "1"}, {"description", "The eisgrid HTTP API (docs/API.md)."}}},
          {"servers", {{{"url", "http://127.0.0.1:5001"}}}},
          {"components",
           {{"schemas", std::move(schemas)},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "API key or HS256 JWT"}}}}}}},
          {"security", {json::object(), {{"bearer", json::array()}}}},
          {"paths", std::move(paths)}};
}

}  // namespace

const std::string& openapi_document() {
  static const std::string document = build().dump(1);
  return document;
}

}  // namespace eisgrid::server
