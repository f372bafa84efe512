// What ranks send each other: a fit row goes over the wire as the fields of
// base/fit_row.hpp's one list, so that every field, a new one too, reaches
// rank 0 as it was made.
#include <gtest/gtest.h>

#include <cstddef>
#include <span>

#include "base/error.hpp"
#include "cluster/message.hpp"
#include "compute/rank_messages.hpp"
#include "support/fit_row_fields.hpp"

using eisgrid::compute::detail::get_fit_row;
using eisgrid::compute::detail::put_fit_row;

namespace {

eisgrid::fit_row through_the_wire(const eisgrid::fit_row& row) {
  eisgrid::cluster::message_writer w;
  put_fit_row(w, row);
  const auto bytes = w.take();
  eisgrid::cluster::message_reader r(bytes);
  auto back = get_fit_row(r);
  EXPECT_EQ(r.remaining(), 0u) << "the reader left bytes of the row unread";
  return back;
}

// A field added to the list that the wire did not carry, or that this test
// does not set, fails here by name.
TEST(rank_messages, every_field_of_a_fit_row_travels) {
  const auto sent = test_support::every_field_set();
  test_support::expect_every_field_set(sent);
  test_support::expect_same_fields(through_the_wire(sent), sent);
}

// The defaults (NaN, none, empty) travel as such, not as zeros.
TEST(rank_messages, an_unfitted_row_travels_with_its_nulls) {
  eisgrid::fit_row sent;
  sent.model = "cpe";
  sent.reasons_json = R"(["cannot read: not a measurement"])";
  const auto back = through_the_wire(sent);
  test_support::expect_same_fields(back, sent);
  EXPECT_FALSE(back.best_model.has_value());
  EXPECT_FALSE(back.area_cm2.has_value());
  EXPECT_TRUE(back.model_params.empty());
}

// Rows one after another, as a rank sends its sweeps: each read ends where
// the next begins, and a message cut short is an error, never a row.
TEST(rank_messages, rows_in_a_row_and_a_cut_message) {
  auto second = test_support::every_field_set();
  second.sweep = 7;
  second.at_edge.clear();
  eisgrid::cluster::message_writer w;
  put_fit_row(w, test_support::every_field_set());
  put_fit_row(w, second);
  const auto bytes = w.take();
  eisgrid::cluster::message_reader r(bytes);
  test_support::expect_same_fields(get_fit_row(r), test_support::every_field_set());
  test_support::expect_same_fields(get_fit_row(r), second);
  EXPECT_EQ(r.remaining(), 0u);
  const std::span<const std::byte> whole(bytes);
  eisgrid::cluster::message_reader cut(whole.first(whole.size() - 1));
  (void)get_fit_row(cut);
  EXPECT_THROW((void)get_fit_row(cut), eisgrid::error);
}

}  // namespace
