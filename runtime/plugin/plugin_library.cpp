// dlopen, descriptor checks and path resolution of domain plugins.
#include "runtime/plugin/plugin_library.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "runtime/agent/semver.hpp"
#include "runtime/core/token.hpp"
#include "runtime/plugin/build_id.hpp"
#include "runtime/plugin/plugin_errc.hpp"
#include "runtime/plugin/sdk_layout.hpp"

namespace smith::plugin {

namespace {

namespace fs = std::filesystem;

caf::error fail(plugin_errc code, std::string text) {
  return caf::make_error(code, std::move(text));
}

std::string str(const char* s) {
  return s != nullptr ? std::string{s} : std::string{"(null)"};
}

std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "none configured" : out;
}

bool inside(const fs::path& file, const fs::path& dir) {
  auto f = file.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++f)
    if (f == file.end() || *d != *f)
      return d->empty(); // a trailing "" (dir/) matches
  return f != file.end();
}

std::string canonical_or_empty(const fs::path& p) {
  std::error_code ec;
  auto c = fs::canonical(p, ec);
  return ec ? std::string{} : c.string();
}

std::string layout_hex(uint64_t x) {
  char buf[19];
  std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(x));
  return buf;
}

} // namespace

plugin_info host_info() {
  return {"",
          "",
          "",
          SMITH_PLUGIN_ABI_MAJOR,
          SMITH_PLUGIN_ABI_MINOR,
          SMITH_PLUGIN_CAF_VERSION,
          SMITH_PLUGIN_COMPILER_ID,
          SMITH_PLUGIN_BUILD_INFO,
          sdk_layout_stamp()};
}

uint32_t descriptor_size_for(uint32_t minor) {
  // One entry per minor of this major; a new minor appends fields and a line here.
  return minor == 0 ? static_cast<uint32_t>(sizeof(smith_plugin_descriptor)) : 0;
}

caf::error check_descriptor(const smith_plugin_descriptor* d, const std::string& path) {
  auto host = host_info();
  auto here = "plugin " + path + ": ";
  if (d == nullptr)
    return fail(plugin_errc::missing_entry, here + SMITH_PLUGIN_ENTRY_SYMBOL "() returned null");
  auto abi = [](uint32_t ma, uint32_t mi) { return std::to_string(ma) + "." + std::to_string(mi); };
  if (d->abi_major != host.abi_major || d->abi_minor > host.abi_minor)
    return fail(plugin_errc::abi_mismatch, here + "plugin ABI " + abi(d->abi_major, d->abi_minor)
                                             + ", this node supports ABI "
                                             + abi(host.abi_major, host.abi_minor));
  auto expected = descriptor_size_for(d->abi_minor);
  if (d->struct_size != expected)
    return fail(plugin_errc::struct_size_mismatch,
                here + "descriptor size " + std::to_string(d->struct_size) + " bytes, this node expects "
                  + std::to_string(expected) + " bytes for ABI " + abi(d->abi_major, d->abi_minor));
  if (str(d->caf_version) != host.caf_version)
    return fail(plugin_errc::build_mismatch, here + "built against CAF " + str(d->caf_version)
                                               + ", this node uses CAF " + host.caf_version);
  if (str(d->compiler_id) != host.compiler_id)
    return fail(plugin_errc::build_mismatch, here + "built with " + str(d->compiler_id)
                                               + ", this node with " + host.compiler_id);
  if (d->sdk_layout != host.sdk_layout)
    return fail(plugin_errc::sdk_layout_mismatch,
                here + "built against SDK headers with layout stamp " + layout_hex(d->sdk_layout)
                  + ", this node's SDK has layout stamp " + layout_hex(host.sdk_layout)
                  + " (rebuild the plugin against this node's SDK)");
  if (d->name == nullptr || token_error(d->name))
    return fail(plugin_errc::load_failed, here + "domain name '" + str(d->name)
                                            + "' is not a subject token");
  if (d->version == nullptr || !agent::parse_semver(d->version))
    return fail(plugin_errc::load_failed, here + "domain version '" + str(d->version)
                                            + "' is not SemVer 2.0");
  if (d->register_domain == nullptr)
    return fail(plugin_errc::missing_entry, here + "the descriptor has no register function");
  return {};
}

caf::expected<std::string> resolve_plugin_path(const std::string& spec,
                                               const std::vector<std::string>& dirs) {
  std::vector<std::string> canon_dirs;
  for (auto& d : dirs)
    if (auto c = canonical_or_empty(d); !c.empty())
      canon_dirs.push_back(c);
  if (spec.find('/') == std::string::npos) {
    for (auto& d : canon_dirs)
      for (auto file : {"libsmith_domain_" + spec + ".so", spec})
        if (auto c = canonical_or_empty(fs::path{d} / file); !c.empty() && fs::is_regular_file(c))
          return c;
    return fail(plugin_errc::load_failed, "plugin '" + spec + "': no libsmith_domain_" + spec
                                            + ".so in the plugin directories (" + joined(dirs) + ")");
  }
  auto c = canonical_or_empty(spec);
  if (c.empty())
    return fail(plugin_errc::load_failed, "plugin " + spec + ": no such file");
  for (auto& d : canon_dirs)
    if (inside(c, d))
      return c;
  return fail(plugin_errc::outside_plugin_dirs,
              "plugin " + c + " is outside the plugin directories (" + joined(dirs) + ")");
}

caf::expected<std::unique_ptr<plugin_library>> plugin_library::open(const std::string& path) {
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    return fail(plugin_errc::load_failed, "plugin " + path + ": " + str(dlerror()));
  auto entry = reinterpret_cast<smith_plugin_entry_fn>(dlsym(handle, SMITH_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    dlclose(handle);
    return fail(plugin_errc::missing_entry,
                "plugin " + path + ": no symbol " SMITH_PLUGIN_ENTRY_SYMBOL " (not a Smith domain plugin)");
  }
  const smith_plugin_descriptor* d = entry();
  if (auto err = check_descriptor(d, path)) {
    dlclose(handle);
    return err;
  }
  plugin_info info{path, d->name, d->version, d->abi_major, d->abi_minor,
                   d->caf_version, d->compiler_id, str(d->build_info), d->sdk_layout};
  return std::unique_ptr<plugin_library>{new plugin_library(handle, d, std::move(info))};
}

plugin_library::plugin_library(void* handle, const smith_plugin_descriptor* d, plugin_info info)
  : handle_(handle), descriptor_(d), info_(std::move(info)) {
  // nop
}

plugin_library::~plugin_library() {
  if (!keep_)
    dlclose(handle_);
}

caf::expected<domain::domain_descriptor> plugin_library::init() const {
  domain::domain_descriptor out;
  char buf[1024] = {0};
  if (descriptor_->register_domain(&out, buf, sizeof(buf)) != 0)
    return fail(plugin_errc::init_failed, "plugin " + info_.path + " (domain " + info_.name + " "
                                            + info_.version + "): init failed: " + buf);
  if (out.name != info_.name || out.version != info_.version)
    return fail(plugin_errc::init_failed,
                "plugin " + info_.path + ": descriptor says " + info_.name + " " + info_.version
                  + ", its register function registered " + out.name + " " + out.version);
  return out;
}

} // namespace smith::plugin
