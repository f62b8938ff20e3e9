// rate_cell: the memory of one rate key. A window slides in six sub-windows; closed
// sub-windows are folded into an exponentially weighted baseline (learned per sub-window,
// reported per window); quiet time decays it. Time is the bucket the caller passes in, so
// every test here is its own clock.

#include "policy/track/rate_cell.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

// The smoothing factor the cell uses for a warm-up of `windows` windows: the average spans
// about the warm-up period, counted in sub-windows.
double alpha_for(std::int64_t windows) {
  return 2.0 / (static_cast<double>(windows * rate_cell::buckets_per_window) + 1.0);
}

// `per_bucket` at every sub-window from `first` to `last`, inclusive.
rate_observation steady(rate_cell& cell, std::int64_t first, std::int64_t last, double per_bucket,
                        std::int64_t warmup) {
  rate_observation o;
  for (std::int64_t b = first; b <= last; ++b)
    o = cell.add(b, per_bucket, warmup);
  return o;
}

TEST(bucket_of, splits_a_window_into_six_sub_windows) {
  EXPECT_EQ(bucket_of(0, 60'000), 0);
  EXPECT_EQ(bucket_of(9'999, 60'000), 0);
  EXPECT_EQ(bucket_of(10'000, 60'000), 1);
  EXPECT_EQ(bucket_of(59'999, 60'000), 5);
  EXPECT_EQ(bucket_of(60'000, 60'000), 6);
  EXPECT_EQ(bucket_of(1'800'000'000'000, 60'000), 180'000'000);
}

TEST(bucket_of, rounds_times_before_the_epoch_down) {
  EXPECT_EQ(bucket_of(-1, 60'000), -1);
  EXPECT_EQ(bucket_of(-10'000, 60'000), -1);
  EXPECT_EQ(bucket_of(-10'001, 60'000), -2);
}

TEST(bucket_of, a_window_shorter_than_six_milliseconds_uses_one_millisecond_sub_windows) {
  EXPECT_EQ(bucket_of(5, 3), 5);
  EXPECT_EQ(bucket_of(5, 0), 5);
}

TEST(rate_cell, first_observation_counts_and_has_learned_nothing) {
  rate_cell cell;
  rate_observation o = cell.add(100, 1, 1);
  EXPECT_EQ(o.window_total, 1);
  EXPECT_EQ(o.baseline, 0);
  EXPECT_EQ(o.learned, 0);
}

TEST(rate_cell, window_holds_the_last_six_sub_windows) {
  rate_cell cell;
  for (std::int64_t b = 0; b < 6; ++b)
    EXPECT_EQ(cell.add(b, 1, 1).window_total, static_cast<double>(b + 1)) << "bucket " << b;
  // Bucket 0 leaves as bucket 6 arrives.
  EXPECT_EQ(cell.add(6, 1, 1).window_total, 6);
}

TEST(rate_cell, counts_leave_the_window_as_it_slides) {
  rate_cell cell;
  cell.add(0, 3, 1);
  EXPECT_EQ(cell.add(5, 1, 1).window_total, 4);
  EXPECT_EQ(cell.add(6, 0, 1).window_total, 1) << "bucket 0 has left";
  EXPECT_EQ(cell.add(10, 0, 1).window_total, 1) << "bucket 5 is still in 5..10";
  EXPECT_EQ(cell.add(11, 0, 1).window_total, 0) << "bucket 5 has left";
}

TEST(rate_cell, a_jump_past_the_whole_window_starts_it_empty) {
  rate_cell cell;
  steady(cell, 0, 5, 2, 1);
  EXPECT_EQ(cell.add(9, 1, 1).window_total, 2 + 2 + 1) << "buckets 4 and 5 remain";
  EXPECT_EQ(cell.add(20, 1, 1).window_total, 1);
}

TEST(rate_cell, baseline_is_an_ewma_of_sub_windows_reported_per_window) {
  rate_cell cell;
  const double a = alpha_for(1);  // 2/7
  cell.add(0, 2, 1);
  // Closing bucket 0 folds its count into the per-sub-window average.
  double ewma = a * 2;
  EXPECT_NEAR(cell.add(1, 0, 1).baseline, ewma * 6, 1e-5);
  ewma = (1 - a) * ewma;  // bucket 1 was empty
  EXPECT_NEAR(cell.add(2, 0, 1).baseline, ewma * 6, 1e-5);
}

TEST(rate_cell, warmup_sets_how_slowly_the_baseline_learns) {
  rate_cell slow;
  rate_cell fast;
  slow.add(0, 6, 10);
  fast.add(0, 6, 1);
  EXPECT_NEAR(slow.add(1, 0, 10).baseline, alpha_for(10) * 6 * 6, 1e-5);
  EXPECT_NEAR(fast.add(1, 0, 1).baseline, alpha_for(1) * 6 * 6, 1e-5);
}

TEST(rate_cell, a_steady_rate_teaches_a_baseline_equal_to_its_window_count) {
  rate_cell cell;
  rate_observation o = steady(cell, 0, 20 * 6, 2, 1);
  EXPECT_EQ(o.window_total, 12);
  EXPECT_NEAR(o.baseline, 12, 0.01);
}

TEST(rate_cell, learned_counts_whole_windows_of_closed_sub_windows) {
  rate_cell cell;
  EXPECT_EQ(cell.add(0, 1, 2).learned, 0);
  EXPECT_EQ(steady(cell, 1, 5, 1, 2).learned, 0) << "five sub-windows closed";
  EXPECT_EQ(cell.add(6, 1, 2).learned, 1);
  EXPECT_EQ(steady(cell, 7, 11, 1, 2).learned, 1);
  EXPECT_EQ(cell.add(12, 1, 2).learned, 2);
}

TEST(rate_cell, quiet_sub_windows_count_as_learned_time) {
  rate_cell cell;
  cell.add(0, 1, 2);
  EXPECT_EQ(cell.add(12, 0, 2).learned, 2);
}

TEST(rate_cell, quiet_windows_decay_the_baseline_geometrically) {
  rate_cell cell;
  const std::int64_t last = 20 * 6;
  EXPECT_NEAR(steady(cell, 0, last, 2, 1).baseline, 12, 0.01);

  // The first quiet window still folds the last busy sub-window; from then on each quiet
  // window keeps (1 - alpha)^6 of the baseline.
  rate_observation quiet = cell.add(last + 6, 0, 1);
  EXPECT_EQ(quiet.window_total, 0);
  EXPECT_LT(quiet.baseline, 12);
  const double per_window = std::pow(1 - alpha_for(1), 6);
  double previous = quiet.baseline;
  for (int k = 2; k <= 5; ++k) {
    rate_observation o = cell.add(last + 6 * k, 0, 1);
    EXPECT_EQ(o.window_total, 0);
    EXPECT_NEAR(o.baseline / previous, per_window, 1e-4) << "quiet window " << k;
    previous = o.baseline;
  }
  EXPECT_LT(previous, 0.01);
}

TEST(rate_cell, after_decay_a_new_steady_rate_is_learned_again) {
  rate_cell cell;
  steady(cell, 0, 60, 5, 1);
  cell.add(200, 0, 1);  // a long quiet spell
  rate_observation o = steady(cell, 201, 201 + 60, 1, 1);
  EXPECT_EQ(o.window_total, 6);
  EXPECT_NEAR(o.baseline, 6, 0.01);
}

TEST(rate_cell, out_of_order_observation_within_the_window_counts_without_moving_it) {
  rate_cell cell;
  steady(cell, 0, 4, 1, 1);  // something learned, all of it out of the window by bucket 10
  steady(cell, 5, 9, 0, 1);
  rate_observation before = cell.add(10, 1, 1);
  ASSERT_EQ(before.window_total, 1);
  ASSERT_GT(before.baseline, 0);

  rate_observation late = cell.add(8, 1, 1);
  EXPECT_EQ(late.window_total, 2);
  EXPECT_EQ(late.baseline, before.baseline) << "a late count is not learned";
  EXPECT_EQ(late.learned, before.learned);
  EXPECT_EQ(cell.add(5, 1, 1).window_total, 3) << "bucket 5 is the oldest in 5..10";

  // The window still ends at bucket 10: the next sub-window pushes bucket 5 out.
  EXPECT_EQ(cell.add(11, 0, 1).window_total, 2);
}

TEST(rate_cell, observation_older_than_the_window_is_counted_nowhere) {
  rate_cell cell;
  cell.add(10, 1, 1);
  rate_observation old = cell.add(4, 7, 1);
  EXPECT_EQ(old.window_total, 1);
  // Nor does it land in a slot that a later sub-window reuses.
  EXPECT_EQ(cell.add(15, 0, 1).window_total, 1);
  EXPECT_EQ(cell.add(16, 0, 1).window_total, 0);
}

TEST(rate_cell, a_long_silence_is_folded_in_bounded_time) {
  rate_cell cell;
  rate_observation busy = steady(cell, 0, 119, 4, 1);
  ASSERT_NEAR(busy.baseline, 24, 0.01);

  // Folding a sub-window at a time would take 10^15 steps here.
  const std::int64_t later = 119 + 1'000'000'000'000'000;
  rate_observation back = cell.add(later, 1, 1);
  EXPECT_EQ(back.window_total, 1) << "nothing from before the silence is in the window";
  EXPECT_LT(back.baseline, 1e-6) << "the silence decayed the baseline";
  EXPECT_GT(back.learned, busy.learned);

  // The ring is consistent afterwards: the sub-window just added is still in the window.
  EXPECT_EQ(cell.add(later + 1, 1, 1).window_total, 2);
  EXPECT_EQ(cell.add(later + 6, 0, 1).window_total, 1);
}

TEST(rate_cell, a_silence_just_past_the_fold_cap_empties_the_window) {
  for (std::int64_t gap : {999, 1000, 1001, 1003, 1006}) {
    rate_cell cell;
    steady(cell, 0, 11, 3, 1);
    rate_observation o = cell.add(11 + gap, 1, 1);
    EXPECT_EQ(o.window_total, 1) << "gap " << gap;
    EXPECT_EQ(cell.add(11 + gap + 1, 0, 1).window_total, 1) << "gap " << gap;
  }
}

TEST(rate_cell, serialize_and_deserialize_round_trip) {
  rate_cell cell;
  cell.add(1'000, 1.0 / 3, 10);
  cell.add(1'002, 68'719'476'736.0, 10);  // 64Gi of memory
  cell.add(1'004, 0.25, 10);
  cell.add(1'003, 0.1, 10);

  rate_cell copy;
  ASSERT_TRUE(copy.deserialize(cell.serialize())) << cell.serialize();
  EXPECT_EQ(copy, cell);
  EXPECT_EQ(copy.serialize(), cell.serialize());

  // The copy goes on exactly as the original does.
  rate_observation a = cell.add(1'009, 2, 10);
  rate_observation b = copy.add(1'009, 2, 10);
  EXPECT_EQ(a.window_total, b.window_total);
  EXPECT_EQ(a.baseline, b.baseline);
  EXPECT_EQ(a.learned, b.learned);
}

TEST(rate_cell, a_fresh_cell_round_trips_and_stays_fresh) {
  rate_cell fresh;
  rate_cell copy;
  copy.add(5, 9, 1);
  ASSERT_TRUE(copy.deserialize(fresh.serialize()));
  EXPECT_EQ(copy, fresh);
  rate_observation o = copy.add(1'000, 1, 1);
  EXPECT_EQ(o.window_total, 1);
  EXPECT_EQ(o.learned, 0);
}

TEST(rate_cell, deserialize_rejects_garbage_and_keeps_the_cell) {
  rate_cell cell;
  cell.add(42, 3, 2);
  const rate_cell before = cell;
  for (const char* text : {
           "",
           "garbage",
           "1 2 3",
           "42 0.5 3 1 2 3 4 5",          // a count short
           "42 0.5 3 1 2 3 4 5 x",        // a count that is not a number
           "42 0.5 3 1 2 3 4 5 6 extra",  // something after the last count
           "42 nan 3 1 2 3 4 5 6",        // not a finite number
           "42 0.5 3 1 2 inf 4 5 6",
           "42 0.5 -3 1 2 3 4 5 6",  // a negative number of sub-windows learned
           "42 0.5 3 1 2 3 4 5 6\n42",
       }) {
    EXPECT_FALSE(cell.deserialize(text)) << '"' << text << '"';
    EXPECT_EQ(cell, before) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace launchguard
