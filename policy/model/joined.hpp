#pragma once

#include <string>
#include <string_view>

namespace launchguard {

// Text joined from its parts with one allocation, where `"a:" + b + "/" + c` reallocates at
// each step: the keys a Pod CREATE gives the trackers (a dozen a review), decision ids.
//
//   joined("owner:", ns, "/", kind, "/", name);  // "owner:prod/Deployment/web"
template <class... parts>
std::string joined(const parts&... each) {
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
