// The signed-in user, tags on ranked rows, and configurations.
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "base/error.hpp"
#include "compute/request.hpp"
#include "model/models.hpp"
#include "server/handlers.hpp"

namespace eisgrid::server {
namespace {

using json = nlohmann::json;

using catalog::k_max_category_length;
using catalog::k_max_label_length;
using catalog::k_max_notes_length;

// `mine`: whether the caller owns the tag (and so may delete it). Owners'
// names are private to them, so other users' tags say only that they are not.
// `params` by the names of the tag's model, with its TER and TEC as the model
// gives them (the row's Rs, which a tag does not hold, changes neither).
json tag_json(const context& c, const catalog::tag_record& t, const std::string& filename) {
  json params = json::object(), ter = nullptr, tec = nullptr;
  const auto* m = model::find_model(t.tag.model);
  if (m != nullptr && t.tag.params.size() + 1 == m->count()) {
    std::vector<double> values{0.0};
    values.insert(values.end(), t.tag.params.begin(), t.tag.params.end());
    for (std::size_t k = 1; k < values.size(); ++k) params[std::string(m->parameters[k].name)] = number(values[k]);
    ter = number(m->ter(values));
    tec = number(m->tec(values));
  }
  return {{"id", t.id},
          {"mine", c.user.signed_in() && t.owner_id == c.user.who.user_id},
          {"filename", filename},
          {"rank", t.tag.rank},
          {"resnorm", number(t.tag.resnorm)},
          {"model", t.tag.model},
          {"params", std::move(params)},
          {"ter", std::move(ter)},
          {"tec", std::move(tec)},
          {"label", t.tag.label},
          {"category", t.tag.category},
          {"notes", t.tag.notes},
          {"quality_score", t.tag.quality_score ? number(*t.tag.quality_score) : json(nullptr)},
          {"is_reference", t.tag.is_reference},
          {"created_at", t.created_at}};
}

std::string text_field(const json& body, const char* key, std::size_t max, bool required) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) throw error(error_kind::usage, std::string("'") + key + "' is required");
    return {};
  }
  if (!it->is_string()) throw error(error_kind::usage, std::string("'") + key + "' must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max) throw error(error_kind::usage, std::string("'") + key + "' is longer than " + std::to_string(max) + " bytes");
  if (s.find('\0') != std::string::npos) throw error(error_kind::usage, std::string("'") + key + "' contains a NUL character");
  if (required && s.empty()) throw error(error_kind::usage, std::string("'") + key + "' must not be empty");
  return s;
}

}  // namespace

catalog::row_id parse_id(std::string_view text, const char* what) {
  catalog::row_id id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw error(error_kind::usage, std::string("invalid ") + what + " id '" + std::string(text) + "'");
  }
  return id;
}

response get_whoami(const context& c) {
  if (!c.user.signed_in()) return json_success({{"user", nullptr}});
  const auto used = c.cat.usage_of_measurements(c.user.who);
  auto& uploads = c.a.uploads();
  return json_success({{"user", {{"name", c.user.name}}},
                       {"usage",
                        {{"measurements", used.measurements},
                         {"stored_bytes", used.stored_bytes},
                         {"quota_bytes", c.a.cfg().quota_bytes},
                         {"uploads_last_minute", uploads.recent(c.user.who.user_id)},
                         {"uploads_per_minute", uploads.per_minute()}}}});
}

response get_tags(const context& c) {
  std::map<catalog::row_id, std::string> names;
  for (const auto& d : c.cat.list_datasets(c.user.who)) names.emplace(d.id, d.file_name);
  std::vector<catalog::tag_record> tags;
  if (const auto filename = c.req.query("filename")) {
    const auto d = resolve_dataset(c, *filename);
    tags = c.cat.list_tags(c.user.who, d.record.id);
  } else {
    tags = c.cat.list_tags(c.user.who);
  }
  json list = json::array();
  for (const auto& t : tags) {
    const auto it = names.find(t.tag.dataset_id);
    list.push_back(tag_json(c, t, it == names.end() ? std::string() : it->second));
  }
  return json_success({{"tags", std::move(list)}});
}

response post_tag(const context& c) {
  require_user(c);
  const auto body = parse_body(c.req);
  for (const auto& [key, value] : body.items()) {
    static const std::set<std::string> known{"filename", "rank", "label", "category", "notes", "quality_score", "is_reference"};
    if (!known.count(key)) throw error(error_kind::usage, "unknown field '" + key + "'");
  }
  const std::string filename = text_field(body, "filename", 1000, true);
  const auto rank_it = body.find("rank");
  if (rank_it == body.end() || !rank_it->is_number_integer() || (!rank_it->is_number_unsigned() && rank_it->get<std::int64_t>() < 0)) {
    throw error(error_kind::usage, "'rank' must be a whole number, 0 for the best row");
  }
  catalog::tag_input tag;
  tag.label = text_field(body, "label", k_max_label_length, true);
  tag.category = text_field(body, "category", k_max_category_length, false);
  tag.notes = text_field(body, "notes", k_max_notes_length, false);
  if (const auto q = body.find("quality_score"); q != body.end() && !q->is_null()) {
    if (!q->is_number() || !std::isfinite(q->get<double>())) throw error(error_kind::usage, "'quality_score' must be a number");
    tag.quality_score = q->get<double>();
  }
  if (const auto r = body.find("is_reference"); r != body.end()) {
    if (!r->is_boolean()) throw error(error_kind::usage, "'is_reference' must be true or false");
    tag.is_reference = r->get<bool>();
  }
  const auto d = resolve_dataset(c, filename);
  const auto loaded = load_dataset(c, d);
  const auto rows = loaded->data.rows();
  if (rank_it->is_number_unsigned() ? rank_it->get<std::uint64_t>() >= rows : true) {
    throw error(error_kind::usage, "'rank' must be below " + std::to_string(rows) + ", the number of rows");
  }
  tag.dataset_id = d.record.id;
  tag.rank = rank_it->get<std::int64_t>();
  tag.resnorm = loaded->data.resnorm(static_cast<std::uint64_t>(tag.rank));
  tag.model = loaded->data.model().name;
  const auto values = loaded->data.model_values(static_cast<std::uint64_t>(tag.rank));
  tag.params.assign(values.begin() + 1, values.end());  // after Rs
  const auto id = c.cat.add_tag(c.user.who, tag);
  for (const auto& t : c.cat.list_tags(c.user.who, d.record.id)) {
    if (t.id == id) return json_success({{"tag", tag_json(c, t, d.record.file_name)}}, 201);
  }
  throw error(error_kind::internal, "the new tag is not visible to its owner");
}

response delete_tag(const context& c, std::string_view id_text) {
  require_user(c);
  const auto id = parse_id(id_text, "tag");
  c.cat.delete_tag(c.user.who, id);
  return json_success({{"deleted", id}});
}

response get_configurations(const context& c) {
  std::map<catalog::row_id, std::string> owners;
  if (c.user.signed_in()) owners[c.user.who.user_id] = c.user.name;
  for (const auto& d : c.cat.list_datasets(c.user.who)) {
    if (d.owner_id && !d.owner_name.empty()) owners[*d.owner_id] = d.owner_name;
  }
  json list = json::array();
  for (const auto& r : c.cat.list_configurations(c.user.who)) {
    json owner = nullptr;
    if (r.owner_id) {
      const auto it = owners.find(*r.owner_id);
      if (it != owners.end()) owner = it->second;
    }
    list.push_back({{"id", r.id},
                    {"name", r.config.name},
                    {"owner", owner},
                    {"is_public", r.is_public},
                    {"reference", r.config.reference ? params_object(*r.config.reference) : json(nullptr)},
                    {"grid_size", r.config.grid_size ? json(*r.config.grid_size) : json(nullptr)},
                    {"freq_min", number(r.config.freq_min)},
                    {"freq_max", number(r.config.freq_max)},
                    {"n_frequencies", r.config.n_frequencies},
                    {"created_at", nullptr}});
  }
  return json_success({{"configurations", std::move(list)}});
}

namespace {

// "reference": {"measurement": id, "sweep": k}: a sweep of the caller's
// measurement as the measured reference (sweep 0 when not given).
sweep::reference_spectrum stored_reference(const context& c, const json& ref) {
  if (!ref.is_object()) throw error(error_kind::usage, "'reference' must be {\"measurement\": id, \"sweep\": k}");
  check_keys(ref, {"measurement", "sweep"});
  const auto& id = ref.contains("measurement") ? ref["measurement"] : json();
  if (!id.is_number_integer() || id.get<std::int64_t>() <= 0) throw error(error_kind::usage, "'reference.measurement' must be an id");
  std::int64_t sweep = 0;
  if (ref.contains("sweep")) {
    if (!ref["sweep"].is_number_integer() || ref["sweep"].get<std::int64_t>() < 0) {
      throw error(error_kind::usage, "'reference.sweep' must be a sweep index from 0");
    }
    sweep = ref["sweep"].get<std::int64_t>();
  }
  auto data = measurement_sweep(c, id.get<catalog::row_id>(), static_cast<std::size_t>(sweep));
  return sweep::measured_reference(std::move(data.frequencies), std::move(data.z),
                                   "measurement " + std::to_string(id.get<std::int64_t>()) + " sweep " + std::to_string(sweep));
}

}  // namespace

response post_compute(const context& c) {
  require_user(c);
  auto body = parse_body(c.req);
  auto options = body;
  options.erase("reference");
  auto request = compute::from_json(options);
  if (body.contains("reference")) request.reference_data = stored_reference(c, body["reference"]);
  request.owner_id = c.user.who.user_id;
  request.user = c.user.name;
  // Fail now, not in the job, for what can be known now.
  const auto plan = compute::resolve(request);
  // One name, one dataset: a public dataset's name is refused, so that no
  // private file shadows it, and a name taken by anyone's file gets the same
  // answer, which says neither whose the file is nor whether the caller may
  // see it.
  bool taken = false;
  for (const auto where : {dataset::storage::precomputed, dataset::storage::user_generated}) {
    taken = taken || std::filesystem::exists(c.a.data().directory(where) / plan.file_name);
  }
  for (const auto& r : c.cat.list_datasets(c.user.who)) taken = taken || r.file_name == plan.file_name;
  if (taken) throw error(error_kind::conflict, "the name '" + plan.file_name + "' is taken; choose another output name");
  return json_success({{"job", c.a.jobs().submit(std::move(request), std::move(body), plan.file_name)}}, 202);
}

response get_jobs(const context& c) {
  require_user(c);
  return json_success({{"jobs", c.a.jobs().list(c.user.who.user_id, c.cat)}});
}

response get_job(const context& c, std::string_view id) {
  require_user(c);
  const auto job = c.a.jobs().find(c.user.who.user_id, std::string(id), c.cat);
  if (!job) throw error(error_kind::not_found, "job not found");
  return json_success({{"job", *job}});
}

response delete_job(const context& c, std::string_view id) {
  require_user(c);
  const auto job = c.a.jobs().cancel(c.user.who.user_id, std::string(id), c.cat);
  if (!job) throw error(error_kind::not_found, "job not found");
  return json_success({{"job", *job}});
}

}  // namespace eisgrid::server
