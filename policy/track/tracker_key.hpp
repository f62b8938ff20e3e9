#pragma once

#include <string>
#include <string_view>

namespace launchguard {

// A tracker key joined from its parts with one allocation: a Pod CREATE builds a dozen keys,
// and `"a:" + b + "/" + c` reallocates at each step.
//
//   tracker_key("owner:", ns, "/", kind, "/", name);  // "owner:prod/Deployment/web"
template <class... parts>
std::string tracker_key(const parts&... each) {
  const std::string_view views[] = {std::string_view(each)...};
  std::size_t size = 0;
  for (std::string_view v : views)
    size += v.size();
  std::string out;
  out.reserve(size);
  for (std::string_view v : views)
    out.append(v);
  return out;
}

}  // namespace launchguard
