# SmithPlugin.cmake - building a domain as a plugin (docs/plugins.md).
#
# smith_add_domain_plugin(<name>
#     SOURCES <agent sources...>        the domain itself (agents, endpoints, descriptor)
#     ENTRY <entry.cpp>                 the one line SMITH_DOMAIN_PLUGIN(...) (plugin only)
#     [LIBRARIES <libs...>]             extra libraries (besides the SDK, smith_runtime)
#     [STATIC_LIBRARIES <libs...>]      linked by the static variant only (e.g. smith_actors
#                                        for tests that start a node; never in the plugin)
#     [OUTPUT_NAME <file stem>]         default smith_domain_<name>
#     [NO_STATIC])                      do not build the static variant
#
# Targets:
#   smith_domain_<name>_plugin  MODULE  lib<OUTPUT_NAME>.so in <build>/lib, hidden visibility,
#                                        exporting only the entry point; links the SDK shared
#                                        libraries (libsmith_runtime.so, libsmith_contracts.so),
#                                        never a copy of runtime state.
#   smith_domain_<name>         STATIC  the same objects without the entry point, for tests and
#                                        tools that link the domain in (unless NO_STATIC).
# Every plugin target is added to the global property SMITH_DOMAIN_PLUGINS.
include_guard(GLOBAL)

function(smith_add_domain_plugin name)
  cmake_parse_arguments(arg "NO_STATIC" "ENTRY;OUTPUT_NAME" "SOURCES;LIBRARIES;STATIC_LIBRARIES" ${ARGN})
  if(NOT arg_ENTRY)
    message(FATAL_ERROR "smith_add_domain_plugin(${name}): ENTRY <file> is required")
  endif()
  if(NOT arg_OUTPUT_NAME)
    set(arg_OUTPUT_NAME smith_domain_${name})
  endif()
  set(objects smith_domain_${name}_objects)
  add_library(${objects} OBJECT ${arg_SOURCES})
  target_link_libraries(${objects} PUBLIC smith_runtime ${arg_LIBRARIES})
  # Hidden by default in both variants: the static one is also linked into plugins' tests.
  set_target_properties(${objects} PROPERTIES CXX_VISIBILITY_PRESET hidden
                                              VISIBILITY_INLINES_HIDDEN ON)
  set(plugin smith_domain_${name}_plugin)
  add_library(${plugin} MODULE ${arg_ENTRY} $<TARGET_OBJECTS:${objects}>)
  target_link_libraries(${plugin} PRIVATE smith_runtime ${arg_LIBRARIES})
  set_target_properties(${plugin} PROPERTIES
    OUTPUT_NAME ${arg_OUTPUT_NAME}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # Unresolved symbols are link errors here, not dlopen errors on a user's machine.
  target_link_options(${plugin} PRIVATE -Wl,--no-undefined)
  set_property(GLOBAL APPEND PROPERTY SMITH_DOMAIN_PLUGINS ${plugin})
  if(NOT arg_NO_STATIC)
    add_library(smith_domain_${name} STATIC $<TARGET_OBJECTS:${objects}>)
    target_link_libraries(smith_domain_${name}
      PUBLIC smith_runtime ${arg_LIBRARIES} ${arg_STATIC_LIBRARIES})
  endif()
endfunction()
