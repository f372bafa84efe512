// CSV text cells (base/csv.hpp): RFC 4180 quoting, and a leading ' for a
// cell a spreadsheet would run as a formula, numbers excepted.
#include <gtest/gtest.h>

#include "base/csv.hpp"

namespace {

using eisgrid::csv_quotes;
using eisgrid::csv_text;

TEST(base_csv, formula_cells_get_a_leading_quote_and_numbers_stay_numbers) {
  struct cell {
    const char* text;
    const char* when_needed;
    const char* always;
  };
  for (const auto& c : std::vector<cell>{
           {"plain.txt", "plain.txt", "\"plain.txt\""},
           {"", "", "\"\""},
           {"+SUM(1+1)", "'+SUM(1+1)", "\"'+SUM(1+1)\""},
           {"=1+1", "'=1+1", "\"'=1+1\""},
           {"-2+3", "'-2+3", "\"'-2+3\""},
           {"@SUM(A1)", "'@SUM(A1)", "\"'@SUM(A1)\""},
           {"\tx", "'\tx", "\"'\tx\""},
           {"\r=1", "\"'\r=1\"", "\"'\r=1\""},
           {"=HYPERLINK(\"http://x\",\"a,b\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\"",
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\""},
           {"-inf", "'-inf", "\"'-inf\""},
           {"-", "'-", "\"'-\""},
           {"-1.5e3", "-1.5e3", "\"-1.5e3\""},
           {"+12", "+12", "\"+12\""},
           {"-0.25", "-0.25", "\"-0.25\""},
           {"a=1", "a=1", "\"a=1\""},
           {"say \"hi\"", "\"say \"\"hi\"\"\"", "\"say \"\"hi\"\"\""},
       }) {
    EXPECT_EQ(csv_text(c.text), c.when_needed) << c.text;
    EXPECT_EQ(csv_text(c.text, csv_quotes::always), c.always) << c.text;
  }
}

}  // namespace
