#include "policy/decode/manifest.hpp"

#include <charconv>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "policy/config/yaml_reader.hpp"

namespace launchguard {
namespace {

// More documents than any manifest bundle holds; beyond it the file is refused.
constexpr std::size_t max_manifest_documents = 100'000;

using nlohmann::json;

json scalar_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted or tagged: a string as written
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  std::int64_t integer = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (ec == std::errc() && end == text.data() + text.size()) return integer;
  double number = 0;
  auto [fend, fec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (fec == std::errc() && fend == text.data() + text.size()) return number;
  return text;
}

json to_json_value(const YAML::Node& node, int depth = 0) {
  if (depth > 100) throw std::runtime_error("nested more than 100 levels deep");
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& element : node)
        out.push_back(to_json_value(element, depth + 1));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node)
        out[entry.first.Scalar()] = to_json_value(entry.second, depth + 1);
      return out;
    }
    default:
      return nullptr;
  }
}

std::string text_of(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

manifest_object make_object(const json& value, std::string origin) {
  manifest_object out;
  out.origin = std::move(origin);
  out.json = value.dump();
  out.api_version = text_of(value, "apiVersion");
  out.kind = text_of(value, "kind");
  if (auto meta = value.find("metadata"); meta != value.end() && meta->is_object()) {
    out.name = text_of(*meta, "name");
    out.namespace_name = text_of(*meta, "namespace");
  }
  return out;
}

// "Deployment" -> "deployments", "NetworkPolicy" -> "networkpolicies".
std::string resource_of(std::string_view kind) {
  std::string lower;
  for (char c : kind)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.ends_with("y")) return lower.substr(0, lower.size() - 1) + "ies";
  if (lower.ends_with("s")) return lower + "es";
  return lower + "s";
}

}  // namespace

manifest_result read_manifests(std::string_view text, std::string_view source) {
  manifest_result result;
  std::vector<YAML::Node> documents;
  try {
    documents = detail::load_yaml_documents(std::string(text), max_manifest_documents);
  } catch (const YAML::Exception& error) {
    result.errors.push_back(std::string(source) + ":" + std::to_string(error.mark.line + 1) + ":" +
                            std::to_string(error.mark.column + 1) +
                            ": not valid YAML or JSON: " + error.msg);
    return result;
  }
  for (std::size_t d = 0; d < documents.size(); ++d) {
    std::string origin = std::string(source) + ": document " + std::to_string(d + 1);
    if (documents[d].IsNull()) continue;
    if (!documents[d].IsMap()) {
      result.errors.push_back(origin + ": expected a Kubernetes object (a mapping)");
      continue;
    }
    json value;
    try {
      value = to_json_value(documents[d]);
    } catch (const std::exception& error) {
      result.errors.push_back(origin + ": " + error.what());
      continue;
    }
    std::string kind = text_of(value, "kind");
    auto items = value.find("items");
    if (kind.ends_with("List") && items != value.end() && items->is_array()) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        result.objects.push_back(
            make_object((*items)[i], origin + ", item " + std::to_string(i + 1)));
      }
      continue;
    }
    if (kind.empty()) {
      result.errors.push_back(origin + ": the object has no kind");
      continue;
    }
    result.objects.push_back(make_object(value, origin));
  }
  return result;
}

std::string review_for_manifest(const manifest_object& object, std::string_view namespace_name,
                                const user_info& user, std::string_view uid) {
  std::string group, version = object.api_version;
  if (auto slash = object.api_version.find('/'); slash != std::string::npos) {
    group = object.api_version.substr(0, slash);
    version = object.api_version.substr(slash + 1);
  }
  json request = {
      {"uid", uid},
      {"kind", {{"group", group}, {"version", version}, {"kind", object.kind}}},
      {"resource",
       {{"group", group}, {"version", version}, {"resource", resource_of(object.kind)}}},
      {"name", object.name},
      {"namespace", namespace_name},
      {"operation", "CREATE"},
      {"userInfo", {{"username", user.username}, {"groups", user.groups}}},
      {"object", json::parse(object.json)},
      {"dryRun", true},
  };
  json review = {{"apiVersion", "admission.k8s.io/v1"},
                 {"kind", "AdmissionReview"},
                 {"request", std::move(request)}};
  return review.dump();
}

}  // namespace launchguard
