// GET /api/openapi.json: the OpenAPI 3 description of docs/API.md, written
// by hand (it is the contract, not something derived from the code).
#include "server/handlers.hpp"

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
                   {"request", ref("ComputeRequest")}})},
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
          {"ranges", {{"type", "object"}, {"additionalProperties", obj({{"min", k_num}, {"max", k_num}, {"count", k_int}})}}},
          {"metric", {{"type", "string"}, {"enum", {"mae", "rmse", "relative", "modulus"}}}},
          {"keep", {{"oneOf", {k_int, {{"type", "string"}, {"enum", {"all"}}}}}}},
          {"spectra", {{"oneOf", {k_int, {{"type", "string"}, {"enum", {"all"}}}}}}},
          {"store", k_bool},
          {"output", k_str},
          {"description", k_str}}}}},
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
             {{"name", "offset"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}}})}}},
      {"/api/spectrum/{filename}",
       {{"post",
         op("Spectra of ranked rows",
            {{"200", ok("spectra", success({{"data", obj({{"indices", arr(k_int)},
                                                          {"frequencies", arr(k_num)},
                                                          {"spectra", arr(arr(arr(k_num)))},
                                                          {"spectrum_columns", arr(k_str)},
                                                          {"freq_range", arr(k_num)},
                                                          {"reference", arr(arr(k_num))}})}}))},
             {"400", e400},
             {"401", e401},
             {"404", e404}},
            {filename_param()}, body(obj({{"indices", {{"type", "array"}, {"items", k_int}, {"minItems", 1}, {"maxItems", 100}}}})))}}},
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
                              {"label", k_str},
                              {"category", k_str},
                              {"notes", k_str},
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
                     {"409", err("the output file exists")},
                     {"413", err("too many active jobs")}},
                    json::array(), body(ref("ComputeRequest")))}}},
      {"/api/jobs", {{"get", op("The caller's jobs", {{"200", ok("jobs", success({{"jobs", arr(ref("Job"))}}))}, {"401", e401}})}}},
      {"/api/jobs/{id}",
       {{"get", op("One of the caller's jobs", {{"200", ok("the job", success({{"job", ref("Job")}}))}, {"401", e401}, {"404", e404}},
                   {id_param("job id")})},
        {"delete", op("Cancel a queued or running job",
                      {{"200", ok("the job", success({{"job", ref("Job")}}))}, {"401", e401}, {"404", e404}}, {id_param("job id")})}}},
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
