// The one-line entry point of a domain plugin: SMITH_DOMAIN_PLUGIN(name, version, factory).
//
//   // domains/hello/hello_plugin.cpp
//   #include "runtime/plugin/plugin_entry.hpp"
//   #include "domains/hello/hello_domain.hpp"
//   SMITH_DOMAIN_PLUGIN("hello", "1.0.0", smith::hello::hello_domain)
//
// `factory` is callable with no arguments and returns a smith::domain::domain_descriptor or a
// caf::expected<domain_descriptor>. It runs once per load, on the loader's thread; an error or
// an exception it throws is caught here and reported as the plugin's init failure (no exception
// crosses the C boundary). The descriptor's name and version must equal the macro's.
#pragma once

#include <cstring>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/expected.hpp>

#include "runtime/domain/domain_descriptor.hpp"
#include "runtime/plugin/build_id.hpp"
#include "runtime/plugin/plugin_abi.h"
#include "runtime/plugin/sdk_layout.hpp"

namespace smith::plugin::detail {

/// Copies `text` into the caller's buffer, truncated and NUL-terminated.
inline void write_error(char* out, size_t capacity, const std::string& text) noexcept {
  if (out == nullptr || capacity == 0)
    return;
  auto n = text.size() < capacity - 1 ? text.size() : capacity - 1;
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

inline int store(void* registrar, domain::domain_descriptor&& d, char*, size_t) {
  *static_cast<domain::domain_descriptor*>(registrar) = std::move(d);
  return 0;
}

inline int store(void* registrar, caf::expected<domain::domain_descriptor>&& d, char* err,
                 size_t cap) {
  if (!d) {
    auto& ctx = d.error().context();
    write_error(err, cap,
                ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0)
                                                  : "the domain factory returned an error");
    return 1;
  }
  return store(registrar, std::move(*d), err, cap);
}

/// Runs `factory` and stores its result in `registrar`; never throws.
template <class Factory>
int run_register(void* registrar, char* err, size_t cap, Factory&& factory) noexcept {
  try {
    return store(registrar, factory(), err, cap);
  } catch (const std::exception& e) {
    write_error(err, cap, std::string{"the domain factory threw: "} + e.what());
  } catch (...) {
    write_error(err, cap, "the domain factory threw a non-standard exception");
  }
  return 1;
}

} // namespace smith::plugin::detail

/// Defines the plugin's entry point (the only exported symbol, SMITH_PLUGIN_ENTRY_SYMBOL).
/// NAME and VERSION are `const char*` constants; FACTORY is a function (see the file comment).
#define SMITH_DOMAIN_PLUGIN(NAME, VERSION, FACTORY)                                             \
  extern "C" __attribute__((visibility("default"))) const smith_plugin_descriptor*             \
  smith_domain_plugin(void) {                                                                   \
    static const smith_plugin_descriptor descriptor = {                                        \
      SMITH_PLUGIN_ABI_MAJOR,                                                                   \
      SMITH_PLUGIN_ABI_MINOR,                                                                   \
      static_cast<uint32_t>(sizeof(smith_plugin_descriptor)),                                   \
      0,                                                                                        \
      NAME,                                                                                     \
      VERSION,                                                                                  \
      SMITH_PLUGIN_CAF_VERSION,                                                                 \
      SMITH_PLUGIN_COMPILER_ID,                                                                 \
      SMITH_PLUGIN_BUILD_INFO,                                                                  \
      [](void* registrar, char* error, size_t capacity) -> int {                                \
        return ::smith::plugin::detail::run_register(registrar, error, capacity,                \
                                                     [] { return FACTORY(); });                 \
      },                                                                                        \
      ::smith::plugin::sdk_layout_stamp()};                                                     \
    return &descriptor;                                                                         \
  }
