// Durations as the policy file writes them (spec section 5): `500ms`, `30s`, `10m`, `1h`,
// `30d`, and sums such as `1h30m`.

#include "policy/config/duration.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

using std::chrono::milliseconds;

TEST(parse_duration, reads_each_unit_of_the_contract) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("10m"), milliseconds(600'000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("30d"), milliseconds(30LL * 86'400'000));
}

TEST(parse_duration, reads_zero) {
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
  EXPECT_EQ(parse_duration("0ms"), milliseconds(0));
}

TEST(parse_duration, does_not_read_ms_as_minutes) {
  EXPECT_EQ(parse_duration("1ms"), milliseconds(1));
  EXPECT_EQ(parse_duration("1m"), milliseconds(60'000));
}

TEST(parse_duration, adds_up_a_sum_of_parts) {
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("1m30s500ms"), milliseconds(90'500));
  EXPECT_EQ(parse_duration("1d1h"), milliseconds(90'000'000));
}

TEST(parse_duration, rejects_a_number_without_unit) {
  EXPECT_EQ(parse_duration("60"), std::nullopt);
  EXPECT_EQ(parse_duration("1h30"), std::nullopt);
}

TEST(parse_duration, rejects_a_unit_without_number) {
  EXPECT_EQ(parse_duration("s"), std::nullopt);
  EXPECT_EQ(parse_duration("1hm"), std::nullopt);
}

TEST(parse_duration, rejects_empty_signs_fractions_spaces_and_unknown_units) {
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("-1s"), std::nullopt);
  EXPECT_EQ(parse_duration("+1s"), std::nullopt);
  EXPECT_EQ(parse_duration("1.5h"), std::nullopt);
  EXPECT_EQ(parse_duration(" 1s"), std::nullopt);
  EXPECT_EQ(parse_duration("1s "), std::nullopt);
  EXPECT_EQ(parse_duration("1 s"), std::nullopt);
  EXPECT_EQ(parse_duration("1w"), std::nullopt);
  EXPECT_EQ(parse_duration("1S"), std::nullopt);
  EXPECT_EQ(parse_duration("1us"), std::nullopt);
  EXPECT_EQ(parse_duration("1sec"), std::nullopt);
}

TEST(parse_duration, reads_the_largest_whole_number_of_days) {
  // 106751991167 days is the most an int64 count of milliseconds holds.
  EXPECT_EQ(parse_duration("106751991167d"), milliseconds(106'751'991'167LL * 86'400'000));
}

TEST(parse_duration, rejects_a_single_part_that_overflows) {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(parse_duration(std::to_string(max) + "s"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999ms"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991168d"), std::nullopt);  // just above max / 1d
}

TEST(parse_duration, rejects_a_sum_that_overflows) {
  // Each part fits; the sum does not.
  EXPECT_EQ(parse_duration("106751991167d1d"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991167d106751991167d"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991167d86400000ms"), std::nullopt);
}

TEST(format_duration, uses_the_largest_exact_unit) {
  EXPECT_EQ(format_duration(milliseconds(90'000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(5'400'000)), "90m");
  EXPECT_EQ(format_duration(milliseconds(3'600'000)), "1h");
  EXPECT_EQ(format_duration(milliseconds(30LL * 86'400'000)), "30d");
  EXPECT_EQ(format_duration(milliseconds(1'500)), "1500ms");
  EXPECT_EQ(format_duration(milliseconds(1)), "1ms");
}

TEST(format_duration, writes_zero_as_0s) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
}

TEST(format_duration, round_trips_through_parse_duration) {
  for (std::int64_t ms : {1LL, 999LL, 1'000LL, 61'000LL, 3'600'000LL, 86'400'000LL, 90'061'001LL}) {
    auto text = format_duration(milliseconds(ms));
    EXPECT_EQ(parse_duration(text), milliseconds(ms)) << text;
  }
}

}  // namespace
}  // namespace launchguard
