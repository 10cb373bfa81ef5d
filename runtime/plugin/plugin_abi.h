/* plugin_abi.h - the C ABI between smithd and a domain plugin (libsmith_domain_<name>.so). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Major version of this ABI: the loader refuses any other major. 2 added sdk_layout (ABI 1
   plugins carry no stamp, so nothing proves their SDK types have this host's layout). */
#define SMITH_PLUGIN_ABI_MAJOR 2
/* Minor version: additions at the end of smith_plugin_descriptor. A host accepts plugins
   of its own or an older minor (it reads only the fields that minor has). */
#define SMITH_PLUGIN_ABI_MINOR 0
/* Name of the one symbol a plugin exports. */
#define SMITH_PLUGIN_ENTRY_SYMBOL "smith_domain_plugin"

/* Registers the domain into `registrar` (a smith::domain::domain_descriptor* in C++ hosts;
   opaque here). Returns 0 on success; otherwise writes a NUL-terminated message of at most
   `error_capacity` bytes (including the NUL) into `error` and returns non-zero. Must not let
   any exception escape. Called at most once per load, on the loader's thread. */
typedef int (*smith_plugin_register_fn)(void* registrar, char* error, size_t error_capacity);

/* What a plugin is. abi_major, abi_minor and struct_size come first so that any host can read
   them whatever the rest looks like. Strings are static, NUL-terminated, owned by the plugin
   and valid until it is unloaded. */
typedef struct smith_plugin_descriptor {
  uint32_t abi_major;   /* SMITH_PLUGIN_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;   /* SMITH_PLUGIN_ABI_MINOR the plugin was built with */
  uint32_t struct_size; /* sizeof(smith_plugin_descriptor) as the plugin saw it */
  uint32_t reserved;    /* 0 */
  const char* name;        /* domain name: a subject token, e.g. "examples" */
  const char* version;     /* SemVer 2.0 of the domain, e.g. "1.2.0" */
  const char* caf_version; /* CAF_VERSION the plugin was compiled against, e.g. "1706" */
  const char* compiler_id; /* compiler family and major version, e.g. "gcc-12" */
  const char* build_info;  /* free text (compiler version, build type); informative */
  smith_plugin_register_fn register_domain;
  /* smith::plugin::sdk_layout_stamp() as the plugin was compiled: a hash of the size and
     alignment of the SDK types plugin code embeds (runtime/plugin/sdk_layout.hpp). The loader
     refuses a plugin whose stamp is not the host's. */
  uint64_t sdk_layout;
} smith_plugin_descriptor;

/* The entry point's type: returns the plugin's descriptor (static storage, never null). */
typedef const smith_plugin_descriptor* (*smith_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif
