#include "policy/config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace launchguard::detail {
namespace {

// Edit distance, for "did you mean" on unknown keys.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                 std::tolower(static_cast<unsigned char>(b[j - 1]))
                             ? 0
                             : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const char* type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "nothing";
  }
}

// Namespace names are DNS labels: lowercase letters, digits and '-'.
bool namespace_glob_can_match(std::string_view pattern) {
  return std::all_of(pattern.begin(), pattern.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '*';
  });
}

// Counts documents; remembers where the last one started.
class document_counter final : public YAML::EventHandler {
 public:
  std::size_t documents = 0;
  YAML::Mark last_start;
  bool stuck = false;

  void OnDocumentStart(const YAML::Mark& mark) override {
    // A document that starts where the one before it started consumed nothing: the parser
    // will hand out the same empty document forever.
    if (documents > 0 && mark.pos == last_start.pos) stuck = true;
    last_start = mark;
    ++documents;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

void yaml_reader::error(const YAML::Node& at, const std::string& path, const std::string& message) {
  config_error e{file_, 0, 0, path.empty() ? message : path + ": " + message};
  if (at.IsDefined() && at.Mark().line >= 0) {
    e.line = at.Mark().line + 1;
    e.column = at.Mark().column + 1;
  }
  errors_.push_back(std::move(e));
}

void yaml_reader::mapping(const YAML::Node& node, const std::string& path,
                          const field_list& fields) {
  if (node.IsNull() || !node.IsDefined()) return;
  if (!node.IsMap()) {
    error(node, path, std::string("expected a mapping, found ") + type_name(node));
    return;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
    if (!seen.insert(key).second) {
      error(key_node, join_path(path, key), "duplicate key");
      continue;
    }
    auto handler =
        std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; });
    if (handler != fields.end()) {
      handler->second(entry.second, join_path(path, key));
      continue;
    }
    std::string message = "unknown key \"" + key + "\"";
    auto closest =
        std::min_element(fields.begin(), fields.end(), [&](const auto& a, const auto& b) {
          return distance(key, a.first) < distance(key, b.first);
        });
    if (closest != fields.end() && distance(key, closest->first) <= 2) {
      message += "; did you mean \"" + std::string(closest->first) + "\"?";
    } else {
      message += " (known keys:";
      for (const auto& f : fields)
        message += " " + std::string(f.first);
      message += ")";
    }
    error(key_node, path, message);
  }
}

void yaml_reader::sequence(
    const YAML::Node& node, const std::string& path,
    const std::function<void(const YAML::Node&, const std::string&)>& element) {
  if (node.IsNull() || !node.IsDefined()) return;
  if (!node.IsSequence()) {
    error(node, path, std::string("expected a list, found ") + type_name(node));
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i)
    element(node[i], path + "[" + std::to_string(i) + "]");
}

bool yaml_reader::scalar(const YAML::Node& node, const std::string& path, const char* expected) {
  if (node.IsScalar()) return true;
  error(node, path, std::string("expected ") + expected + ", found " + type_name(node));
  return false;
}

std::optional<std::string> yaml_reader::string(const YAML::Node& node, const std::string& path) {
  if (!scalar(node, path, "a string")) return std::nullopt;
  return node.Scalar();
}

std::optional<bool> yaml_reader::boolean(const YAML::Node& node, const std::string& path) {
  if (!scalar(node, path, "true or false")) return std::nullopt;
  const std::string& text = node.Scalar();
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  error(node, path, "expected true or false, found \"" + text + "\"");
  return std::nullopt;
}

std::optional<std::int64_t> yaml_reader::integer(const YAML::Node& node, const std::string& path,
                                                 std::int64_t min, std::int64_t max) {
  if (!scalar(node, path, "an integer")) return std::nullopt;
  const std::string& text = node.Scalar();
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    error(node, path, "expected an integer, found \"" + text + "\"");
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, path,
          "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", found " +
              text);
    return std::nullopt;
  }
  return value;
}

std::optional<double> yaml_reader::number(const YAML::Node& node, const std::string& path,
                                          double min) {
  if (!scalar(node, path, "a number")) return std::nullopt;
  const std::string& text = node.Scalar();
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    error(node, path, "expected a number, found \"" + text + "\"");
    return std::nullopt;
  }
  if (value < min) {
    error(node, path, "must be at least " + std::to_string(min) + ", found " + text);
    return std::nullopt;
  }
  return value;
}

std::optional<duration_ms> yaml_reader::duration(const YAML::Node& node, const std::string& path) {
  if (!scalar(node, path, "a duration")) return std::nullopt;
  auto value = parse_duration(node.Scalar());
  if (!value) {
    error(
        node, path,
        "expected a duration such as 500ms, 30s, 10m, 1h or 30d, found \"" + node.Scalar() + "\"");
  }
  return value;
}

std::vector<std::string> yaml_reader::strings(const YAML::Node& node, const std::string& path) {
  std::vector<std::string> out;
  sequence(node, path, [&](const YAML::Node& element, const std::string& p) {
    if (auto text = string(element, p)) out.push_back(*text);
  });
  return out;
}

string_pairs yaml_reader::string_map(const YAML::Node& node, const std::string& path) {
  string_pairs out;
  if (node.IsNull() || !node.IsDefined()) return out;
  if (!node.IsMap()) {
    error(node, path, std::string("expected a mapping, found ") + type_name(node));
    return out;
  }
  for (const auto& entry : node) {
    auto key = string(entry.first, path);
    auto value = string(entry.second, key ? join_path(path, *key) : path);
    if (key && value) out.emplace_back(*key, *value);
  }
  return out;
}

std::optional<glob> yaml_reader::namespace_glob(const YAML::Node& node, const std::string& path) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  if (text->empty()) {
    error(node, path, "an empty pattern matches no namespace");
    return std::nullopt;
  }
  if (!namespace_glob_can_match(*text)) {
    error(node, path,
          "\"" + *text +
              "\" can never match a namespace: names are lowercase letters, digits and '-' (and "
              "'*' here)");
    return std::nullopt;
  }
  return glob::name(*text);
}

std::vector<glob> yaml_reader::namespace_globs(const YAML::Node& node, const std::string& path) {
  std::vector<glob> out;
  sequence(node, path, [&](const YAML::Node& element, const std::string& p) {
    if (auto g = namespace_glob(element, p)) out.push_back(std::move(*g));
  });
  return out;
}

std::vector<glob> yaml_reader::name_globs(const YAML::Node& node, const std::string& path) {
  std::vector<glob> out;
  sequence(node, path, [&](const YAML::Node& element, const std::string& p) {
    auto text = string(element, p);
    if (!text) return;
    if (text->empty()) {
      error(element, p, "an empty pattern matches nothing");
      return;
    }
    out.push_back(glob::name(*text));
  });
  return out;
}

std::optional<std::string> yaml_reader::one_of(const YAML::Node& node, const std::string& path,
                                               std::initializer_list<std::string_view> allowed) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  for (std::string_view candidate : allowed) {
    if (*text == candidate) return text;
  }
  std::string list;
  for (std::string_view candidate : allowed)
    list += (list.empty() ? "" : ", ") + std::string(candidate);
  error(node, path, "expected one of " + list + ", found \"" + *text + "\"");
  return std::nullopt;
}

std::vector<YAML::Node> load_yaml_documents(const std::string& text, std::size_t max_documents) {
  {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    document_counter counter;
    while (parser.HandleNextDocument(counter)) {
      if (counter.stuck) {
        throw YAML::ParserException(counter.last_start,
                                    "the parser cannot get past this point (a stray ',' or "
                                    "flow indicator outside a [list] or {mapping}?)");
      }
      if (counter.documents > max_documents) {
        throw YAML::ParserException(counter.last_start,
                                    max_documents == 1
                                        ? std::string("expected one YAML document, found more")
                                        : "expected at most " + std::to_string(max_documents) +
                                              " YAML documents, found more");
      }
    }
  }
  return YAML::LoadAll(text);
}

}  // namespace launchguard::detail
