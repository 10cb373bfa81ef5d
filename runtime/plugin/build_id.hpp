// What a plugin and its host must agree on besides the ABI: CAF version and compiler.
#pragma once

#include <caf/config.hpp>

#define SMITH_PLUGIN_STR2(x) #x
#define SMITH_PLUGIN_STR(x) SMITH_PLUGIN_STR2(x)

/// CAF_VERSION as text, e.g. "1706": CAF's templates are compiled into every plugin.
#define SMITH_PLUGIN_CAF_VERSION SMITH_PLUGIN_STR(CAF_VERSION)

/// Compiler family and major version, e.g. "gcc-12": the C++ ABI of std:: types crosses the
/// boundary (descriptors, std::function factories), so both sides must agree.
#if defined(__clang__)
#define SMITH_PLUGIN_COMPILER_ID "clang-" SMITH_PLUGIN_STR(__clang_major__)
#elif defined(__GNUC__)
#define SMITH_PLUGIN_COMPILER_ID "gcc-" SMITH_PLUGIN_STR(__GNUC__)
#else
#define SMITH_PLUGIN_COMPILER_ID "unknown"
#endif

/// Free-form build description (full compiler version).
#define SMITH_PLUGIN_BUILD_INFO "compiler " __VERSION__
