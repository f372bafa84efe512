// eisgrid tag add|list|delete: a user's tags on single ranked rows of a dataset.
#include <cstdio>
#include <cstdlib>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "cli/data_root.hpp"
#include "dataset/dataset.hpp"
#include "model/models.hpp"

namespace eisgrid::cli {
namespace {

struct tag_args {
  std::string data;  // see data_root.hpp
  std::string db;
  std::string user = catalog::k_local_user;
  std::string dataset;
  std::int64_t rank = 0;
  std::string label, category, notes;
  std::optional<double> quality;
  bool reference = false;
  std::int64_t id = 0;
};

void add_catalog_options(CLI::App* cmd, tag_args& a) {
  add_data_option(*cmd, a.data);
  cmd->add_option("--db", a.db, "Catalog: a postgresql:// URL, or a SQLite file (default: DATA/catalog.sqlite3)");
  cmd->add_option("--user", a.user, "Act as this user")->capture_default_str();
}

// A dataset the user can see, by catalog id or by file name (their own first).
catalog::dataset_record resolve(catalog::catalog& cat, const catalog::principal& who, const std::string& name) {
  const auto rows = cat.list_datasets(who);
  char* end = nullptr;
  const long long id = std::strtoll(name.c_str(), &end, 10);
  const bool numeric = !name.empty() && end && *end == '\0';
  const catalog::dataset_record* found = nullptr;
  for (const auto& d : rows) {
    if ((numeric && d.id == id) || d.file_name == name) {
      if (!found || d.owner_id == who.user_id) found = &d;
    }
  }
  if (!found) throw error(error_kind::not_found, "dataset '" + name + "' not found in the catalog (run eisgrid sync?)");
  return *found;
}

// "Rsh=1200 Qa=3.1e-06 ...": a tag's parameters by its model's names; empty
// for a model this eisgrid does not know.
std::string params_text(const catalog::tag_input& t) {
  const auto* m = model::find_model(t.model);
  std::string out;
  char buf[64];
  for (std::size_t k = 0; m != nullptr && k < t.params.size() && k + 1 < m->count(); ++k) {
    std::snprintf(buf, sizeof buf, "%s%s=%.6g", out.empty() ? "" : " ", std::string(m->parameters[k + 1].name).c_str(), t.params[k]);
    out += buf;
  }
  return out;
}

void run_add(const tag_args& a) {
  const auto root = data_root(a.data, root_use::read_only);  // tags a file that must be there
  auto cat = catalog::catalog::open(root, a.db);
  const auto who = catalog::principal::user(cat.ensure_user(a.user).id);
  const auto record = resolve(cat, who, a.dataset);
  // The row's values come from the file, so a tag records what was tagged.
  const auto d = dataset::dataset::load(root / record.file_path);
  if (a.rank < 0 || static_cast<std::uint64_t>(a.rank) >= d.rows()) {
    throw error(error_kind::usage, "rank " + std::to_string(a.rank) + " is out of range: '" + record.file_name + "' has " +
                                       std::to_string(d.rows()) + " rows");
  }
  catalog::tag_input tag;
  tag.dataset_id = record.id;
  tag.rank = a.rank;
  tag.resnorm = d.resnorm(static_cast<std::uint64_t>(a.rank));
  tag.model = d.model().name;
  const auto values = d.model_values(static_cast<std::uint64_t>(a.rank));
  tag.params.assign(values.begin() + 1, values.end());  // after Rs
  tag.label = a.label;
  tag.category = a.category;
  tag.notes = a.notes;
  tag.quality_score = a.quality;
  tag.is_reference = a.reference;
  const auto id = cat.add_tag(who, tag);
  std::printf("tag %lld: '%s' on row %lld of %s (%s, resnorm %.6g: %s)\n", static_cast<long long>(id), a.label.c_str(),
              static_cast<long long>(a.rank), record.file_name.c_str(), tag.model.c_str(), tag.resnorm, params_text(tag).c_str());
}

void run_list(const tag_args& a) {
  auto cat = catalog::catalog::open(catalog_data_root(a.data, a.db, root_use::read_only), a.db);
  const auto who = catalog::principal::user(cat.ensure_user(a.user).id);
  std::optional<catalog::row_id> filter;
  if (!a.dataset.empty()) filter = resolve(cat, who, a.dataset).id;
  std::printf("%-6s %-8s %-6s %-12s %-12s %-20s %-12s %-20s %s\n", "id", "dataset", "rank", "model", "resnorm", "label", "category",
              "notes", "params");
  for (const auto& t : cat.list_tags(who, filter)) {
    std::printf("%-6lld %-8lld %-6lld %-12s %-12.6g %-20s %-12s %-20s %s\n", static_cast<long long>(t.id),
                static_cast<long long>(t.tag.dataset_id), static_cast<long long>(t.tag.rank), t.tag.model.c_str(), t.tag.resnorm,
                t.tag.label.c_str(), t.tag.category.c_str(), t.tag.notes.c_str(), params_text(t.tag).c_str());
  }
}

void run_delete(const tag_args& a) {
  auto cat = catalog::catalog::open(catalog_data_root(a.data, a.db, root_use::read_only), a.db);
  const auto who = catalog::principal::user(cat.ensure_user(a.user).id);
  cat.delete_tag(who, a.id);
  std::printf("deleted tag %lld\n", static_cast<long long>(a.id));
}

}  // namespace

void add_tag_command(CLI::App& app) {
  auto args = std::make_shared<tag_args>();
  auto* cmd = app.add_subcommand("tag", "Tag single ranked rows of a dataset, list and delete tags");
  cmd->require_subcommand(1);

  auto* add = cmd->add_subcommand("add", "Tag one ranked row (0 = best) of a dataset");
  add->add_option("dataset", args->dataset, "Dataset file name or catalog id")->required();
  add->add_option("rank", args->rank, "Row of the dataset, 0 = best")->required();
  add->add_option("--label", args->label, "Label")->required();
  add->add_option("--category", args->category, "Category");
  add->add_option("--notes", args->notes, "Notes");
  add->add_option("--quality", args->quality, "Quality score");
  add->add_flag("--reference", args->reference, "Mark as a reference row");
  add_catalog_options(add, *args);
  add->callback([args] { run_add(*args); });

  auto* list = cmd->add_subcommand("list", "List the tags you can see");
  list->add_option("dataset", args->dataset, "Only this dataset (file name or catalog id)");
  add_catalog_options(list, *args);
  list->callback([args] { run_list(*args); });

  auto* del = cmd->add_subcommand("delete", "Delete one of your tags");
  del->add_option("id", args->id, "Tag id")->required();
  add_catalog_options(del, *args);
  del->callback([args] { run_delete(*args); });
}

}  // namespace eisgrid::cli
