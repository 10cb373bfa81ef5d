# SmithPch.cmake - precompiled headers for every C++ target of the tree (option SMITH_PCH).
#
# smith_enable_pch(<dir>...) walks the given source directories and gives each library and
# executable target built from project sources cmake/smith_pch.hpp as a precompiled header.
# Each target builds its own: targets differ in flags (sanitizers, visibility, *_EXPORTS
# defines), and a PCH is only valid for the flags it was made with. Generated protobuf code
# (smith_contracts) is left alone. The test executables are the exception: they share every
# flag (smith_test_main's PUBLIC settings, -fPIE), so all reuse the PCH of the first one,
# test_supervision, instead of building about twenty identical ones. (Not smith_test_main's:
# a static library is built -fPIC, and GCC refuses a -fPIC PCH in a -fPIE compile.) Should a
# test's flags ever differ, GCC ignores the PCH (-Winvalid-pch) and parses the header: slower,
# still correct.
option(SMITH_PCH "Precompile the heavy third-party headers (CAF, protobuf, spdlog)" ON)

function(_smith_collect_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _smith_collect_targets(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(smith_enable_pch)
  if(NOT SMITH_PCH)
    return()
  endif()
  foreach(dir IN LISTS ARGN)
    _smith_collect_targets(${dir} targets)
    foreach(t IN LISTS targets)
      get_target_property(type ${t} TYPE)
      get_target_property(imported ${t} IMPORTED)
      if(imported OR t STREQUAL "smith_contracts" OR NOT type MATCHES
         "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
        continue()
      endif()
      if(type STREQUAL "EXECUTABLE" AND t MATCHES "^test_" AND NOT t STREQUAL "test_supervision"
         AND TARGET test_supervision)
        target_precompile_headers(${t} REUSE_FROM test_supervision)
      else()
        target_precompile_headers(${t} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/smith_pch.hpp)
      endif()
    endforeach()
  endforeach()
endfunction()
