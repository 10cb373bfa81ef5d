// Loading smithd's TOML configuration: file access, TOML parsing, validation.
#include "runtime/config/config_loader.hpp"

#include <cerrno>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "runtime/config/config_errc.hpp"
#include "runtime/config/internal/section_readers.hpp"
#include "runtime/config/internal/toml_reader.hpp"

namespace smith::config {

namespace {

caf::error file_error(const std::string& path, const std::string& why) {
  return caf::make_error(config_errc::file_not_found, path + ":1:1: cannot open file: " + why);
}

caf::expected<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return file_error(path, "Is a directory");
  errno = 0;
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    auto code = errno != 0 ? errno : ENOENT;
    return file_error(path, std::generic_category().message(code));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return file_error(path, "read error");
  return std::move(text).str();
}

caf::error syntax_error(const std::string& source_name, const toml::parse_error& e) {
  return caf::make_error(config_errc::syntax_error,
                         source_name + ":" + internal::toml_reader::line_col(e.source())
                           + ": TOML syntax error: " + std::string{e.description()});
}

} // namespace

caf::expected<node_config> load_config_text(std::string_view text, const std::string& source_name) {
  try {
    toml::table doc = toml::parse(text, std::string_view{source_name});
    internal::toml_reader reader{source_name};
    auto result = internal::read_document(reader, doc);
    if (reader.failed())
      return reader.take_error();
    result.source = source_name;
    return result;
  } catch (const toml::parse_error& e) {
    return syntax_error(source_name, e);
  } catch (const std::exception& e) {
    // Only allocation failures and the like get here; never let them escape.
    return caf::make_error(config_errc::invalid_value,
                           source_name + ":1:1: cannot load config: " + e.what());
  }
}

caf::expected<node_config> load_config_file(const std::string& path) {
  auto text = read_file(path);
  if (!text)
    return std::move(text.error());
  return load_config_text(*text, path);
}

caf::expected<node_config> load_default_config() {
  return load_config_text(default_config_text(), std::string{embedded_source_name});
}

} // namespace smith::config
