// Kubernetes resource quantities ("500m", "64Gi", "1e3") as a number of base units, used by
// rate.podCeiling and resource requests.

#include "policy/model/quantity.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace launchguard {
namespace {

TEST(parse_quantity, reads_plain_integers_and_decimals) {
  EXPECT_DOUBLE_EQ(parse_quantity("16").value(), 16.0);
  EXPECT_DOUBLE_EQ(parse_quantity("0").value(), 0.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1.5").value(), 1.5);
  EXPECT_DOUBLE_EQ(parse_quantity(".5").value(), 0.5);
  EXPECT_DOUBLE_EQ(parse_quantity("+2").value(), 2.0);
  EXPECT_DOUBLE_EQ(parse_quantity("-2").value(), -2.0);
}

TEST(parse_quantity, reads_decimal_si_suffixes) {
  EXPECT_DOUBLE_EQ(parse_quantity("250m").value(), 0.25);
  EXPECT_DOUBLE_EQ(parse_quantity("500m").value(), 0.5);
  EXPECT_DOUBLE_EQ(parse_quantity("100u").value(), 1e-4);
  EXPECT_DOUBLE_EQ(parse_quantity("5n").value(), 5e-9);
  EXPECT_DOUBLE_EQ(parse_quantity("2k").value(), 2e3);
  EXPECT_DOUBLE_EQ(parse_quantity("3M").value(), 3e6);
  EXPECT_DOUBLE_EQ(parse_quantity("4G").value(), 4e9);
  EXPECT_DOUBLE_EQ(parse_quantity("5T").value(), 5e12);
  EXPECT_DOUBLE_EQ(parse_quantity("6P").value(), 6e15);
  EXPECT_DOUBLE_EQ(parse_quantity("7E").value(), 7e18);
}

TEST(parse_quantity, reads_binary_suffixes) {
  EXPECT_DOUBLE_EQ(parse_quantity("1Ki").value(), 1024.0);
  EXPECT_DOUBLE_EQ(parse_quantity("128Mi").value(), 128.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_quantity("64Gi").value(), 68719476736.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1Ti").value(), 1099511627776.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1Pi").value(), 1125899906842624.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1Ei").value(), 1152921504606846976.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1.5Gi").value(), 1.5 * 1073741824.0);
}

TEST(parse_quantity, does_not_confuse_mi_with_m) {
  EXPECT_DOUBLE_EQ(parse_quantity("1Mi").value(), 1048576.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1M").value(), 1e6);
  EXPECT_DOUBLE_EQ(parse_quantity("1m").value(), 1e-3);
}

TEST(parse_quantity, reads_decimal_exponents) {
  EXPECT_DOUBLE_EQ(parse_quantity("1e3").value(), 1000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1E3").value(), 1000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2e+2").value(), 200.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2E-3").value(), 0.002);
}

TEST(parse_quantity, rejects_malformed_text) {
  EXPECT_EQ(parse_quantity(""), std::nullopt);
  EXPECT_EQ(parse_quantity("Gi"), std::nullopt);
  EXPECT_EQ(parse_quantity("-"), std::nullopt);
  EXPECT_EQ(parse_quantity("+"), std::nullopt);
  EXPECT_EQ(parse_quantity("."), std::nullopt);
  EXPECT_EQ(parse_quantity("1.2.3"), std::nullopt);
  EXPECT_EQ(parse_quantity("1 Gi"), std::nullopt);
  EXPECT_EQ(parse_quantity(" 1"), std::nullopt);
  EXPECT_EQ(parse_quantity("1Gb"), std::nullopt);
  EXPECT_EQ(parse_quantity("1K"), std::nullopt);  // kilo is lowercase k
  EXPECT_EQ(parse_quantity("1gi"), std::nullopt);
  EXPECT_EQ(parse_quantity("1e"), std::nullopt);
  EXPECT_EQ(parse_quantity("1e3Gi"), std::nullopt);
  EXPECT_EQ(parse_quantity("1ex"), std::nullopt);
  EXPECT_EQ(parse_quantity("1e+"), std::nullopt);
  EXPECT_EQ(parse_quantity("abc"), std::nullopt);
  EXPECT_EQ(parse_quantity("--1"), std::nullopt);
}

TEST(parse_quantity, rejects_values_too_large_to_represent) {
  EXPECT_EQ(parse_quantity("1e400"), std::nullopt);
  EXPECT_EQ(parse_quantity(std::string(400, '9')), std::nullopt);
  EXPECT_EQ(parse_quantity("1e99999999999"), std::nullopt);
}

}  // namespace
}  // namespace launchguard
