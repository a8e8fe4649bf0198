// POST /api/config: JSON patch -> TOML merge -> the startup loader -> an
// atomic write (nodes/config_save.hpp). Secret values never appear in a
// message or a log line: paths only.
#include "nodes/config_save.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include <simdjson.h>
#include <toml++/toml.h>

#include "monitoring/json_writer.hpp"
#include "monitoring/logging.hpp"
#include "nodes/config_detail.hpp"
#include "nodes/json_object.hpp"

namespace xarb {

namespace {

namespace fs = std::filesystem;
using simdjson::dom::element_type;

constexpr std::string_view redacted = "<redacted>";

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string{key} : path + "." + std::string{key};
}

// -- JSON -> TOML -------------------------------------------------------------------

/// The user:pass of a URL's authority ("" when it has none).
std::string_view url_credentials(std::string_view url) {
  auto scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto end = url.find_first_of("/?#", start);
  auto authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  auto at = authority.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : authority.substr(0, at);
}

/// A proxy sent back masked: "<redacted>" keeps the saved value (nullopt =
/// none saved: unset); "http://<redacted>@host:port" keeps the saved
/// user:pass with the (maybe new) host. Anything else is taken as sent and
/// validated (a "<redacted>" user:pass with none saved is an error there).
std::optional<std::string> keep_proxy(std::string_view sent, const toml::node* saved_node) {
  const auto* saved = saved_node ? saved_node->as_string() : nullptr;
  if (sent == redacted)
    return saved ? std::optional<std::string>{saved->get()} : std::nullopt;
  const auto user_pass = saved ? url_credentials(saved->get()) : std::string_view{};
  if (url_credentials(sent) != redacted || user_pass.empty())
    return std::string{sent};
  const auto at = sent.find(redacted);
  return std::string{sent.substr(0, at)} + std::string{user_pass}
         + std::string{sent.substr(at + redacted.size())};
}

class merger {
public:
  std::vector<std::string> errors;

  /// Merges `obj` into `target`. `guide` (may be null) is the saved table at
  /// the same place: it decides integer vs float and what "<redacted>" keeps.
  void merge(simdjson::dom::object obj, toml::table& target, const toml::table* guide,
             const std::string& path) {
    for (auto field : obj) {
      const std::string_view key = field.key;
      const auto p = child_path(path, key);
      const toml::node* g = guide ? guide->get(key) : nullptr;
      auto v = field.value;
      switch (v.type()) {
        case element_type::NULL_VALUE:
          target.erase(key); // back to the default
          break;
        case element_type::OBJECT: {
          auto* existing = target.get(key);
          if (existing && existing->is_table()) {
            merge(v.get_object().value_unsafe(), *existing->as_table(), g ? g->as_table() : nullptr, p);
          } else {
            toml::table sub;
            merge(v.get_object().value_unsafe(), sub, g ? g->as_table() : nullptr, p);
            target.insert_or_assign(key, std::move(sub));
          }
          break;
        }
        case element_type::STRING:
          if (key == "proxy" && std::string_view(v).find(redacted) != std::string_view::npos) {
            // A proxy as GET /api/config shows it (user:pass masked).
            if (auto kept = keep_proxy(std::string_view(v), g))
              target.insert_or_assign(key, *kept);
            else
              target.erase(key);
            break;
          }
          if (is_secret_key(key) && std::string_view(v) == redacted) {
            // Keep: the saved value if any, else unset.
            if (g && g->is_string())
              target.insert_or_assign(key, *g->as_string());
            else
              target.erase(key);
            break;
          }
          target.insert_or_assign(key, std::string{std::string_view(v)});
          break;
        case element_type::ARRAY: {
          toml::array arr;
          if (array(v.get_array().value_unsafe(), arr, g ? g->as_array() : nullptr, p))
            target.insert_or_assign(key, std::move(arr));
          break;
        }
        default:
          scalar(v, g, p, [&](auto&& value) { target.insert_or_assign(key, value); });
      }
    }
  }

private:
  /// A JSON array as a TOML array (replaces the saved one); elements are
  /// typed by the saved array's element at the same index.
  bool array(simdjson::dom::array in, toml::array& out, const toml::array* guide,
             const std::string& path) {
    std::size_t i = 0;
    bool ok = true;
    for (auto el : in) {
      const auto p = path + "[" + std::to_string(i) + "]";
      const toml::node* g = nullptr;
      if (guide && guide->size() > 0)
        g = guide->get(std::min(i, guide->size() - 1));
      switch (el.type()) {
        case element_type::OBJECT: {
          toml::table t;
          merge(el.get_object().value_unsafe(), t, g ? g->as_table() : nullptr, p);
          out.push_back(std::move(t));
          break;
        }
        case element_type::ARRAY: {
          toml::array a;
          ok = array(el.get_array().value_unsafe(), a, g ? g->as_array() : nullptr, p) && ok;
          out.push_back(std::move(a));
          break;
        }
        case element_type::NULL_VALUE:
          errors.push_back(p + ": null is not allowed in an array");
          ok = false;
          break;
        case element_type::STRING:
          out.push_back(std::string{std::string_view(el)});
          break;
        default:
          ok = scalar(el, g, p, [&](auto&& value) { out.push_back(value); }) && ok;
      }
      ++i;
    }
    return ok;
  }

  /// A JSON bool or number. Numbers: an integer where the saved value is an
  /// integer (or a string: decimals accept integers) and the JSON value is
  /// whole, a float where it is a float; without a saved value as written.
  template <class Put>
  bool scalar(simdjson::dom::element v, const toml::node* guide, const std::string& path,
              Put&& put) {
    switch (v.type()) {
      case element_type::BOOL:
        put(bool(v));
        return true;
      case element_type::INT64: {
        const int64_t x = int64_t(v);
        if (guide && guide->is_floating_point())
          put(static_cast<double>(x));
        else
          put(x);
        return true;
      }
      case element_type::UINT64: {
        const uint64_t x = uint64_t(v);
        if (guide && guide->is_floating_point()) {
          put(static_cast<double>(x));
          return true;
        }
        errors.push_back(path + ": integer out of range (at most "
                         + std::to_string(std::numeric_limits<int64_t>::max()) + ")");
        return false;
      }
      case element_type::DOUBLE: {
        const double x = double(v);
        const bool want_int = guide && (guide->is_integer() || guide->is_string());
        if (want_int && std::floor(x) == x && std::fabs(x) < 9.2e18)
          put(static_cast<int64_t>(x));
        else
          put(x);
        return true;
      }
      default:
        errors.push_back(path + ": unsupported JSON value");
        return false;
    }
  }
};

/// `src` over `dst`: tables merge, anything else replaces.
void overlay(toml::table& dst, const toml::table& src) {
  for (auto&& [k, v] : src) {
    auto* d = dst.get(k.str());
    if (d && d->is_table() && v.is_table())
      overlay(*d->as_table(), *v.as_table());
    else
      dst.insert_or_assign(k.str(), v);
  }
}

// -- TOML text ------------------------------------------------------------------------
// Our own writer (not toml++'s) so floats print shortest ("0.1", not
// "0.10000000000000001") and strings use the same quoting as to_toml().

std::string toml_key(std::string_view k) {
  bool bare = !k.empty();
  for (char c : k)
    bare = bare && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_');
  return bare ? std::string{k} : json::quote(k);
}

bool is_table_array(const toml::node& n) {
  auto* a = n.as_array();
  if (!a || a->empty())
    return false;
  for (auto& el : *a)
    if (!el.is_table())
      return false;
  return true;
}

std::string value_text(const toml::node& n) {
  if (auto* s = n.as_string())
    return json::quote(s->get());
  if (auto* i = n.as_integer())
    return std::to_string(i->get());
  if (auto* f = n.as_floating_point()) {
    auto s = config_detail::format_double(f->get());
    if (s.find_first_of(".ena") == std::string::npos)
      s += ".0"; // keep it a TOML float
    return s;
  }
  if (auto* b = n.as_boolean())
    return b->get() ? "true" : "false";
  if (auto* a = n.as_array()) {
    std::string out = "[";
    for (auto& el : *a) {
      out += out.size() > 1 ? ", " : "";
      out += value_text(el);
    }
    return out + "]";
  }
  if (auto* t = n.as_table()) {
    std::string out = "{";
    for (auto&& [k, v] : *t) {
      out += out.size() > 1 ? ", " : " ";
      out += toml_key(k.str()) + " = " + value_text(v);
    }
    return out + (out.size() > 1 ? " }" : "}");
  }
  std::ostringstream os; // dates and times
  os << toml::toml_formatter{n};
  return os.str();
}

void write_body(const toml::table& t, const std::string& path, std::string& out);

void write_table(const toml::table& t, const std::string& path, std::string& out) {
  bool has_values = false;
  for (auto&& [k, v] : t)
    has_values = has_values || (!v.is_table() && !is_table_array(v));
  if (has_values || t.empty()) {
    out += out.empty() ? "" : "\n";
    out += "[" + path + "]\n";
  }
  write_body(t, path, out);
}

void write_body(const toml::table& t, const std::string& path, std::string& out) {
  for (auto&& [k, v] : t)
    if (!v.is_table() && !is_table_array(v))
      out += toml_key(k.str()) + " = " + value_text(v) + "\n";
  auto sub = [&](std::string_view k) {
    return path.empty() ? toml_key(k) : path + "." + toml_key(k);
  };
  for (auto&& [k, v] : t)
    if (auto* st = v.as_table())
      write_table(*st, sub(k.str()), out);
  for (auto&& [k, v] : t)
    if (is_table_array(v))
      for (auto& el : *v.as_array()) {
        out += out.empty() ? "" : "\n";
        out += "[[" + sub(k.str()) + "]]\n";
        write_body(*el.as_table(), sub(k.str()), out);
      }
}

// -- differences ----------------------------------------------------------------------

void flatten(const toml::table& t, const std::string& path,
             std::map<std::string, std::string>& out) {
  for (auto&& [k, v] : t) {
    const auto p = child_path(path, k.str());
    if (auto* st = v.as_table()) {
      flatten(*st, p, out);
    } else if (is_table_array(v)) {
      auto& arr = *v.as_array();
      // The length is a leaf of its own: another length is one change.
      out[p] = "#" + std::to_string(arr.size());
      for (std::size_t i = 0; i < arr.size(); ++i)
        flatten(*arr.get(i)->as_table(), p + "[" + std::to_string(i) + "]", out);
    } else {
      out[p] = value_text(v);
    }
  }
}

std::map<std::string, std::string> flat(const node_config& c) {
  std::map<std::string, std::string> out;
  flatten(toml::parse(to_toml(c)), "", out);
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (auto& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

} // namespace

config_origin make_config_origin(const std::string& file, const std::string& data_dir,
                                 node_config loaded) {
  config_origin o;
  o.file = file;
  std::error_code ec;
  auto p = fs::absolute(file.empty() ? fs::path{data_dir} / "xarb.toml" : fs::path{file}, ec);
  o.save_path = ec ? (file.empty() ? data_dir + "/xarb.toml" : file)
                   : p.lexically_normal().string();
  o.loaded = std::move(loaded);
  return o;
}

merged_toml merge_config_patch(std::string_view base_toml, std::string_view patch_json) {
  merged_toml r;
  toml::table base;
  try {
    base = toml::parse(base_toml, std::string_view{"base"});
  } catch (const toml::parse_error& err) {
    r.errors.push_back("the saved config does not parse (line "
                       + std::to_string(err.source().begin.line) + "): "
                       + std::string{err.description()});
    return r;
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded{patch_json};
  auto parsed = parse_json_object(parser, padded,
                                  "the config must be a JSON object (the GET /api/config shape)",
                                  r.errors);
  if (!parsed)
    return r;
  simdjson::dom::object obj = *parsed;
  // Types come from the saved file, else from the default (a key the file
  // leaves out); the guide is not changed by the merge.
  toml::table guide = toml::parse(to_toml(default_config()));
  overlay(guide, base);
  merger m;
  m.merge(obj, base, &guide, "");
  if (!m.errors.empty()) {
    r.errors = std::move(m.errors);
    return r;
  }
  write_body(base, "", r.text);
  return r;
}

checked_config check_config_text(std::string_view text, std::string_view source) {
  checked_config r;
  r.cfg = default_config();
  config_detail::problem_list problems{std::string{source}};
  config_detail::read_toml(text, source, r.cfg, problems);
  config_detail::check_rules(r.cfg, problems);
  for (auto& [path, message] : problems.items())
    r.errors.push_back(path.empty() ? message : path + ": " + message);
  return r;
}

std::vector<std::string> config_differences(const node_config& a, const node_config& b) {
  auto fa = flat(a), fb = flat(b);
  std::vector<std::string> out;
  // A table array of another length: report the array, not each element.
  std::vector<std::string> resized;
  auto under_resized = [&](const std::string& p) {
    for (auto& r : resized)
      if (p.size() > r.size() && p.compare(0, r.size(), r) == 0 && p[r.size()] == '[')
        return true;
    return false;
  };
  for (auto& [k, v] : fa)
    if (!v.empty() && v[0] == '#') {
      auto i = fb.find(k);
      if (i == fb.end() || i->second != v)
        resized.push_back(k);
    }
  for (auto& [k, v] : fb)
    if (!v.empty() && v[0] == '#' && !fa.count(k))
      resized.push_back(k);
  auto consider = [&](const std::string& k) {
    if (under_resized(k))
      return;
    auto i = fa.find(k), j = fb.find(k);
    if (i == fa.end() || j == fb.end() || i->second != j->second)
      out.push_back(k);
  };
  for (auto& [k, v] : fa)
    consider(k);
  for (auto& [k, v] : fb)
    if (!fa.count(k))
      consider(k);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string write_file_atomic(const std::string& path, std::string_view text) {
  const fs::path target{path};
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path{"."};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return "cannot create " + dir.string() + ": " + ec.message();
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return "cannot create " + tmp + ": " + std::strerror(errno);
  auto fail = [&](const std::string& what) {
    const std::string msg = what + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return msg;
  };
  // An older temporary file may have had another mode.
  if (::fchmod(fd, 0600) != 0)
    return fail("cannot set the mode of " + tmp);
  for (std::size_t done = 0; done < text.size();) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return fail("cannot write " + tmp);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0)
    return fail("cannot sync " + tmp);
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return "cannot close " + tmp + ": " + std::strerror(errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string msg = "cannot replace " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return msg;
  }
  // The rename is durable once the directory is synced.
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

// -- config_editor ----------------------------------------------------------------------

config_editor::config_editor(config_origin origin) : origin_(std::move(origin)) {}

expected<std::string> config_editor::base_text() const {
  std::error_code ec;
  if (!fs::exists(origin_.save_path, ec))
    return to_toml(default_config());
  std::ifstream in{origin_.save_path, std::ios::binary};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in)
    return error_info{error_code::io_error, "cannot read " + origin_.save_path};
  return buf.str();
}

config_save_result config_editor::save(std::string_view patch_json, bool dry_run) {
  std::lock_guard guard{mtx_};
  config_save_result r;
  r.path = origin_.save_path;
  auto base = base_text();
  if (!base) {
    r.failure = base.error().message;
    return r;
  }
  auto merged = merge_config_patch(*base, patch_json);
  if (!merged.errors.empty()) {
    r.errors = std::move(merged.errors);
    return r;
  }
  auto checked = check_config_text(merged.text, r.path);
  if (!checked.errors.empty()) {
    r.errors = std::move(checked.errors);
    return r;
  }
  r.changed = config_differences(origin_.loaded, checked.cfg);
  r.restart_required = !r.changed.empty();
  r.config_json = config_to_json(checked.cfg);
  if (dry_run)
    return r;
  if (auto err = write_file_atomic(r.path, merged.text); !err.empty()) {
    r.failure = err;
    return r;
  }
  r.saved = true;
  // Paths only: the values may be secrets.
  log::get("web")->warn("the operator saved the config to {}: {} key(s) differ from the "
                        "running config{}{}; a restart applies them",
                        r.path, r.changed.size(), r.changed.empty() ? "" : ": ",
                        join(r.changed));
  return r;
}

config_file_info config_editor::file() const {
  std::lock_guard guard{mtx_};
  config_file_info info;
  info.path = origin_.save_path;
  std::error_code ec;
  info.exists = fs::exists(info.path, ec);
  auto base = base_text();
  if (!base) {
    info.errors.push_back(base.error().message);
    return info;
  }
  auto checked = check_config_text(*base, info.path);
  if (!checked.errors.empty()) {
    info.errors = std::move(checked.errors);
    return info;
  }
  info.running_matches = config_differences(origin_.loaded, checked.cfg).empty();
  info.config_json = config_to_json(checked.cfg);
  return info;
}

} // namespace xarb
