#pragma once
// Saving the node configuration from the console (POST /api/config, GET
// /api/config/file; docs/CONFIG.md "Saving from the console").
//
// A JSON patch in the GET /api/config shape is merged onto the saved TOML
// (the config file, or the embedded default when there is none yet):
// objects merge, arrays and scalars replace, null removes a key (back to
// its default), "<redacted>" for a secret keeps the saved value. A JSON
// number becomes a TOML integer or float by the type the key has in the
// saved file. The result is read and validated by the startup loader; only
// a valid config is written (atomically, mode 0600). Changes apply at the
// next start: the running node is not reconfigured.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/config.hpp"
#include "web/control_api.hpp"

namespace xarb {

/// Where the running node's config came from.
struct config_origin {
  /// The file the node loaded; "" = the embedded default.
  std::string file;
  /// Where saves go: `file`, or <data_dir>/xarb.toml for the embedded default.
  std::string save_path;
  /// The config as loaded (before environment overrides and flags): what a
  /// save is compared with (config_save_result::changed).
  node_config loaded;
};

/// The origin of a node started from `file` ("" = embedded default) with
/// the data dir `data_dir`; save_path is made absolute.
config_origin make_config_origin(const std::string& file, const std::string& data_dir,
                                 node_config loaded);

/// The patch merged onto `base_toml`: the TOML text to validate, or every
/// problem of the patch itself (malformed JSON, not an object, a number out
/// of range) with its dotted path.
struct merged_toml {
  std::string text;
  std::vector<std::string> errors;
};
merged_toml merge_config_patch(std::string_view base_toml, std::string_view patch_json);

/// Reads and validates TOML text like load_config_string, but returns the
/// problems as "path: message" (no FILE:LINE:COL: prefix) for API replies.
struct checked_config {
  node_config cfg;
  std::vector<std::string> errors;
};
checked_config check_config_text(std::string_view text, std::string_view source);

/// Dotted keys whose effective value differs between `a` and `b`
/// ("venues.sim-c.enabled", "sim.venues[1].maker_fee"; an array of tables
/// of another length is one key, "pairs"). Sorted.
std::vector<std::string> config_differences(const node_config& a, const node_config& b);

/// Writes `text` to `path` atomically: a temporary file in the same
/// directory (created if missing), mode 0600, fsync, rename, fsync of the
/// directory. "" on success, else what failed.
std::string write_file_atomic(const std::string& path, std::string_view text);

/// The node's side of POST /api/config and GET /api/config/file.
/// Thread-safe: one save at a time.
class config_editor {
public:
  explicit config_editor(config_origin origin);

  config_save_result save(std::string_view patch_json, bool dry_run);
  config_file_info file() const;
  const std::string& path() const noexcept { return origin_.save_path; }

private:
  /// The saved TOML (the file, or the embedded default's), or why not.
  expected<std::string> base_text() const;

  config_origin origin_;
  mutable std::mutex mtx_;
};

} // namespace xarb
