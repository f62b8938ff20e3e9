#include "policy/model/admission_request.hpp"

namespace launchguard {

const char* to_string(operation op) {
  switch (op) {
    case operation::create:
      return "CREATE";
    case operation::update:
      return "UPDATE";
    case operation::del:
      return "DELETE";
    case operation::connect:
      return "CONNECT";
    case operation::unknown:
      break;
  }
  return "UNKNOWN";
}

operation operation_from(std::string_view text) {
  if (text == "CREATE") return operation::create;
  if (text == "UPDATE") return operation::update;
  if (text == "DELETE") return operation::del;
  if (text == "CONNECT") return operation::connect;
  return operation::unknown;
}

}  // namespace launchguard
