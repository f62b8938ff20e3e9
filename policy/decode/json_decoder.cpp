#include "policy/decode/json_decoder.hpp"

#include <iterator>
#include <optional>

#include "policy/decode/audit_decoder.hpp"
#include "policy/decode/object_decoder.hpp"

namespace launchguard {
namespace {

using detail::decode_failure;
namespace od = detail::od;
using detail::read_bool_or;
using detail::read_object;
using detail::read_string;
using detail::read_strings;

// Deep enough for any Kubernetes object, shallow enough that nesting cannot hurt: simdjson
// tracks depth without recursion and stops at this limit.
constexpr std::size_t max_json_depth = 256;

void read_user_info(od::value value, user_info& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "username") return out.username = read_string(field), 0;
    if (key == "uid") return out.uid = read_string(field), 1;
    if (key == "groups") return out.groups = read_strings(field), 2;
    return -1;
  });
}

void read_gvk(od::value value, group_version_kind& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "group") return out.group = read_string(field), 0;
    if (key == "version") return out.version = read_string(field), 1;
    if (key == "kind") return out.kind = read_string(field), 2;
    return -1;
  });
}

void read_gvr(od::value value, group_version_resource& out) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "group") return out.group = read_string(field), 0;
    if (key == "version") return out.version = read_string(field), 1;
    if (key == "resource") return out.resource = read_string(field), 2;
    return -1;
  });
}

void read_embedded_object(od::value value, std::optional<kube_object>& out) {
  if (value.is_null()) return;
  detail::read_kube_object(value, out.emplace());
}

// `with_objects` false reads the request's identity only, skipping object and oldObject.
void read_request(od::value value, admission_request& out, bool with_objects = true) {
  read_object(value, [&](std::string_view key, od::value field) -> int {
    if (key == "uid") return out.uid = read_string(field), 0;
    if (key == "kind") return read_gvk(field, out.kind), 1;
    if (key == "resource") return read_gvr(field, out.resource), 2;
    if (key == "subResource") return out.sub_resource = read_string(field), 3;
    if (key == "name") return out.name = read_string(field), 4;
    if (key == "namespace") return out.namespace_name = read_string(field), 5;
    if (key == "operation") {
      std::string text = read_string(field);
      out.op = operation_from(text);
      if (out.op == operation::unknown) {
        throw decode_failure(decode_errc::unsupported, "unknown operation \"" + text + "\"");
      }
      return 6;
    }
    if (key == "userInfo") return read_user_info(field, out.user), 7;
    if (key == "dryRun") return out.dry_run = read_bool_or(field, false), 8;
    if (!with_objects) return -1;
    if (key == "object") return read_embedded_object(field, out.object), 9;
    if (key == "oldObject") return read_embedded_object(field, out.old_object), 10;
    return -1;
  });
}

// The object's own kind is authoritative; a request without one (an exec's options, a body
// that omits it) takes the kind from request.kind.
void settle_kind(std::optional<kube_object>& object, const group_version_kind& request_kind) {
  if (!object || !object->kind.empty()) return;
  object->kind = request_kind.kind;
  object->workload = workload_kind_from(object->kind);
}

void require(bool condition, decode_errc code, const char* message) {
  if (!condition) throw decode_failure(code, message);
}

}  // namespace

static_assert(json_padding >= simdjson::SIMDJSON_PADDING);

struct json_decoder::impl {
  od::parser parser;  // reused: its buffers grow to the largest document, not per document
  std::unique_ptr<simdjson::dom::parser> validator;  // created on the first error only

  impl() {
    // Sets the depth limit that later automatic reallocations keep.
    if (parser.allocate(64 * 1024, max_json_depth) != simdjson::SUCCESS) throw std::bad_alloc();
  }

  // On-Demand validates only what it visits, so a truncated document can surface as "wrong
  // type" at the point where it stops. When decoding fails, a full parse tells whether the
  // input was JSON at all, so the error says what is really wrong.
  decode_error explain(json_input input, decode_error found) {
    // Precise errors (a duplicate key, a number out of range) are kept as they are.
    if (found.code != decode_errc::wrong_type && found.code != decode_errc::invalid_json)
      return found;
    return syntax_error(input).value_or(found);
  }

  // What a full parse finds wrong with the input's JSON syntax, if anything.
  std::optional<decode_error> syntax_error(json_input input) {
    if (!validator) validator = std::make_unique<simdjson::dom::parser>();
    auto parsed = validator->parse(input.text.data(), input.text.size(), false);
    switch (parsed.error()) {
      case simdjson::TAPE_ERROR:
      case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      case simdjson::UNCLOSED_STRING:
      case simdjson::STRING_ERROR:
      case simdjson::UNESCAPED_CHARS:
      case simdjson::T_ATOM_ERROR:
      case simdjson::F_ATOM_ERROR:
      case simdjson::N_ATOM_ERROR:
      case simdjson::EMPTY:
        return detail::failure_from(parsed.error()).to_error();
      default:
        return std::nullopt;
    }
  }

  // An AdmissionReview, whole or (without `with_objects`) its identity only.
  decode_result<admission_request> review(json_input input, bool with_objects);

  // Decodes one JSON document whose root is an object: `read_root` reads its members. Returns
  // the error, if any, already explained.
  template <class read_fn>
  std::optional<decode_error> decode_root(json_input input, read_fn&& read_root) {
    try {
      od::document doc = parser.iterate(input.text.data(), input.text.size(), input.capacity);
      read_root(od::object(doc.get_object()));
      // On-Demand stops at the root's closing brace; anything but whitespace after it is an error.
      require(doc.current_location().error() == simdjson::OUT_OF_BOUNDS, decode_errc::invalid_json,
              "trailing bytes after the JSON document");
    } catch (decode_failure& failure) {
      return explain(input, failure.to_error());
    } catch (const simdjson::simdjson_error& error) {
      return explain(input, detail::failure_from(error.error()).to_error());
    }
    return std::nullopt;
  }
};

json_decoder::json_decoder() : impl_(std::make_unique<impl>()) {}
json_decoder::~json_decoder() = default;

decode_result<admission_request> json_decoder::admission_review(json_input input) {
  return impl_->review(input, true);
}

decode_result<admission_request> json_decoder::admission_review_shell(json_input input) {
  return impl_->review(input, false);
}

decode_result<admission_request> json_decoder::impl::review(json_input input, bool with_objects) {
  admission_request out;
  std::string kind;
  bool has_request = false;
  auto failed = decode_root(input, [&](od::object root) {
    read_object(root, [&](std::string_view key, od::value field) -> int {
      if (key == "apiVersion") return out.review_api_version = read_string(field), 0;
      if (key == "kind") return kind = read_string(field), 1;
      if (key == "request") {
        if (!field.is_null()) {
          has_request = true;
          read_request(field, out, with_objects);
        }
        return 2;
      }
      return -1;
    });
  });
  if (failed) return *failed;

  if (kind != "AdmissionReview") {
    return decode_error{decode_errc::unsupported,
                        "kind: expected AdmissionReview, got \"" + kind + "\""};
  }
  if (out.review_api_version != "admission.k8s.io/v1" &&
      out.review_api_version != "admission.k8s.io/v1beta1") {
    return decode_error{
        decode_errc::unsupported,
        "apiVersion: expected admission.k8s.io/v1 or admission.k8s.io/v1beta1, got \"" +
            out.review_api_version + "\""};
  }
  if (!has_request) return decode_error{decode_errc::missing_field, "request: missing"};
  if (out.uid.empty()) return decode_error{decode_errc::missing_field, "request.uid: missing"};
  if (out.op == operation::unknown) {
    return decode_error{decode_errc::missing_field, "request.operation: missing"};
  }
  settle_kind(out.object, out.kind);
  settle_kind(out.old_object, out.kind);
  return out;
}

namespace {

// More events than any API server batch holds; a cap keeps a hostile body's cost bounded.
constexpr std::size_t max_events_per_document = 100000;

bool audit_api_version(std::string_view version) {
  return version.empty() || version == "audit.k8s.io/v1" || version == "audit.k8s.io/v1beta1";
}

}  // namespace

decode_result<std::size_t> json_decoder::audit_events(json_input input,
                                                      std::vector<audit_event>& out,
                                                      std::vector<skipped_event>* skipped) {
  std::string kind;
  std::size_t first = out.size();
  audit_event single;
  bool has_items = false;
  std::vector<skipped_event> bad;
  // One item that is not a decodable Event; the iterator skips what the item left unread.
  auto skip = [&](std::size_t index, decode_failure failure) {
    failure.prepend_index(index);
    failure.prepend_key("items");
    bad.push_back({index, failure.to_error(), std::move(out.back())});
    out.pop_back();
  };
  auto failed = impl_->decode_root(input, [&](od::object root) {
    read_object(root, [&](std::string_view key, od::value field) -> int {
      if (key == "kind") return kind = read_string(field), 40;
      if (key == "items") {
        has_items = true;
        std::size_t index = 0;
        detail::read_array_capped(field, max_events_per_document, [&](od::value item) {
          audit_event& event = out.emplace_back();
          if (skipped == nullptr) {
            detail::read_audit_event(od::object(item.get_object()), event);
          } else {
            try {
              detail::read_audit_event(od::object(item.get_object()), event);
            } catch (const decode_failure& failure) {
              if (failure.code() == decode_errc::invalid_json) throw;
              skip(index, failure);
            } catch (const simdjson::simdjson_error& error) {
              decode_failure failure = detail::failure_from(error.error());
              if (failure.code() == decode_errc::invalid_json) throw;
              skip(index, failure);
            }
          }
          ++index;
        });
        return 41;
      }
      return detail::read_audit_field(key, field, single);
    });
  });
  // On-Demand reads only what it visits: an item it saw as the wrong type may be where a
  // truncated document stops. Skipping is for valid JSON only.
  if (!failed && !bad.empty()) failed = impl_->syntax_error(input);
  if (failed) {
    out.resize(first);
    return *failed;
  }
  if (skipped != nullptr) std::move(bad.begin(), bad.end(), std::back_inserter(*skipped));
  if (kind == "EventList" || (kind.empty() && has_items)) {
    if (!audit_api_version(single.api_version)) {
      out.resize(first);
      return decode_error{
          decode_errc::unsupported,
          "apiVersion: expected audit.k8s.io/v1 or v1beta1, got \"" + single.api_version + "\""};
    }
    return out.size() - first;
  }
  out.resize(first);  // items belong to an EventList only: another list's are not events
  if (kind != "Event" && !(kind.empty() && !single.audit_id.empty())) {
    return decode_error{decode_errc::unsupported,
                        "kind: expected an audit.k8s.io Event or EventList, got \"" + kind + "\""};
  }
  if (!audit_api_version(single.api_version)) {
    return decode_error{
        decode_errc::unsupported,
        "apiVersion: expected audit.k8s.io/v1 or v1beta1, got \"" + single.api_version + "\""};
  }
  detail::finish_audit_event(single);
  out.push_back(std::move(single));
  return std::size_t{1};
}

namespace {

// Calls `on_line(number, one)` for each line of `input` that is not blank, `one` being the
// line with the rest of the buffer behind it as the decoder's padding. Numbers are 1-based.
template <class on_line_fn>
void for_each_line(json_input input, on_line_fn&& on_line) {
  std::string_view text = input.text;
  std::size_t start = 0;
  std::size_t line = 0;
  while (start < text.size()) {
    ++line;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    if (content.find_first_not_of(" \t\r") != std::string_view::npos) {
      on_line(line, json_input{content, input.capacity - static_cast<std::size_t>(content.data() -
                                                                                  text.data())});
    }
    start = end + 1;
  }
}

}  // namespace

std::vector<json_decoder::line_error> json_decoder::audit_event_lines(
    json_input input, std::vector<audit_event>& out) {
  std::vector<line_error> errors;
  for_each_line(input, [&](std::size_t line, json_input one) {
    auto decoded = audit_events(one, out);
    if (!decoded) errors.push_back({line, decoded.error()});
  });
  return errors;
}

std::vector<json_decoder::line_error> json_decoder::audit_event_lines(
    json_input input, const line_events_fn& on_line) {
  std::vector<line_error> errors;
  std::vector<audit_event> events;  // one line's (usually one event), reused line after line
  for_each_line(input, [&](std::size_t line, json_input one) {
    events.clear();
    auto decoded = audit_events(one, events);
    if (!decoded) {
      errors.push_back({line, decoded.error()});
      return;
    }
    on_line(events);
  });
  return errors;
}

}  // namespace launchguard
