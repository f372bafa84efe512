// Tags: a user's label on one ranked row of a dataset they can see, with the
// row's model and its parameters by name (schema version 8).
#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "catalog/params_by_name.hpp"
#include "catalog/query_text.hpp"
#include "model/models.hpp"

namespace eisgrid::catalog {
namespace {

using detail::k_tag_visible;
using detail::k_visible;
using detail::k_writable;
using detail::params_by_name;
using detail::params_from_names;
using detail::require_writer;
using detail::sql;

constexpr const char* k_tag_columns =
    "id, owner_id, dataset_id, rank_index, resnorm, model, params, label, category, notes, quality_score, is_reference, created_at";

// A tag holds a dataset row: the model's parameters after Rs, which the row's
// Rs (where the run swept it) is not part of.
std::span<const model::parameter_spec> row_parameters(const model::circuit_model& m) { return m.parameters.subspan(1); }

tag_record read_tag(const row& r) {
  tag_record t;
  t.id = r.get_int(0);
  t.owner_id = r.get_int(1);
  t.tag.dataset_id = r.get_int(2);
  t.tag.rank = r.get_int(3);
  t.tag.resnorm = r.get_double(4);
  t.tag.model = r.get_text(5);
  if (const auto* m = model::find_model(t.tag.model)) t.tag.params = params_from_names(row_parameters(*m), r.get_text(6));
  t.tag.label = r.get_text(7);
  t.tag.category = r.get_text(8);
  t.tag.notes = r.get_text(9);
  if (!r.is_null(10)) t.tag.quality_score = r.get_double(10);
  t.tag.is_reference = r.get_bool(11);
  t.created_at = r.get_text(12);
  return t;
}

}  // namespace

row_id catalog::add_tag(const principal& who, const tag_input& tag) {
  require_writer(who, "tag a row");
  if (who.role != principal::kind::user) throw error(error_kind::forbidden, "cannot tag a row: tags belong to a user");
  if (tag.label.empty()) throw error(error_kind::usage, "a tag needs a label");
  const std::pair<const std::string*, std::size_t> limits[] = {
      {&tag.label, k_max_label_length}, {&tag.category, k_max_category_length}, {&tag.notes, k_max_notes_length}};
  for (const auto& [text, limit] : limits) {
    if (text->size() > limit) {
      throw error(error_kind::usage,
                  "a tag's text is " + std::to_string(text->size()) + " bytes, over the limit of " + std::to_string(limit));
    }
  }
  const auto* m = model::find_model(tag.model);
  if (m == nullptr) throw error(error_kind::usage, "a tag's model must be one of " + model::model_names());
  if (tag.params.size() != row_parameters(*m).size()) {
    throw error(error_kind::usage, "a tag of model " + tag.model + " holds its " + std::to_string(row_parameters(*m).size()) +
                                       " parameters after Rs, not " + std::to_string(tag.params.size()));
  }
  transaction tx(*db_, who, true);
  const auto visible =
      db_->query(sql({"SELECT 1 FROM circuit_npz_datasets WHERE id = ? AND ", k_visible}), {tag.dataset_id, who.is_admin(), who.uid()});
  if (visible.rows.empty()) throw error(error_kind::not_found, "dataset " + std::to_string(tag.dataset_id) + " not found");
  const auto same = db_->query("SELECT 1 FROM tagged_npz_models WHERE owner_id = ? AND dataset_id = ? AND rank_index = ? AND label = ?",
                               {who.user_id, tag.dataset_id, tag.rank, tag.label});
  if (!same.rows.empty()) {
    throw error(error_kind::conflict, "row " + std::to_string(tag.rank) + " of this dataset has your tag '" + tag.label + "' already");
  }
  const auto r = db_->query(
      "INSERT INTO tagged_npz_models (owner_id, dataset_id, rank_index, resnorm, model, params, label, category, notes, "
      "quality_score, is_reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {who.user_id, tag.dataset_id, tag.rank, tag.resnorm, tag.model, params_by_name(row_parameters(*m), tag.params), tag.label,
       text_or_null(tag.category), text_or_null(tag.notes), tag.quality_score ? param(*tag.quality_score) : null_param(),
       tag.is_reference});
  tx.commit();
  return r.rows.at(0).get_int(0);
}

std::vector<tag_record> catalog::list_tags(const principal& who, std::optional<row_id> dataset_id) {
  transaction tx(*db_, who, false);
  params values{who.is_admin(), who.uid()};
  std::string query = sql({"SELECT ", k_tag_columns, " FROM tagged_npz_models WHERE ", k_tag_visible});
  if (dataset_id) {
    query += " AND dataset_id = ?";
    values.emplace_back(*dataset_id);
  }
  const auto r = db_->query(query + " ORDER BY dataset_id, rank_index, id", values);
  tx.commit();
  std::vector<tag_record> out;
  for (const auto& row : r.rows) out.push_back(read_tag(row));
  return out;
}

void catalog::set_tag_notes(const principal& who, row_id id, const std::string& notes) {
  transaction tx(*db_, who, true);
  check_writable(who, "tagged_npz_models", id, "tag");
  const auto r = db_->query(sql({"UPDATE tagged_npz_models SET notes = ? WHERE id = ? AND ", k_writable}),
                            {text_or_null(notes), id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "tag " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

void catalog::delete_tag(const principal& who, row_id id) {
  transaction tx(*db_, who, true);
  check_writable(who, "tagged_npz_models", id, "tag");
  const auto r = db_->query(sql({"DELETE FROM tagged_npz_models WHERE id = ? AND ", k_writable}), {id, who.is_admin(), who.uid()});
  if (r.affected == 0) throw error(error_kind::forbidden, "tag " + std::to_string(id) + " is not yours to change");
  tx.commit();
}

}  // namespace eisgrid::catalog
