# SmithBuildSpeed.cmake - unity batches and precompiled headers for the project's targets.
#
# Measured on the 2-core CI machine (CPU seconds, Release): runtime 211 -> 85 and actors
# 212 -> 102 with unity batches; a precompiled header costs 10-14 s to build, so it only pays
# for targets that still compile many translation units.
#
# smith_speed_up_build(<dir>...) walks the given source directories and, for each library and
# executable built from project sources (generated protobuf code, smith_contracts, is left
# alone):
# - SMITH_UNITY: compiles its sources SMITH_UNITY_BATCH at a time as one translation unit,
#   so CAF's templates are instantiated once per batch instead of once per file. Files keep
#   their internal (anonymous-namespace) helpers uniquely named for this reason.
# - SMITH_PCH: precompiles cmake/smith_pch.hpp (CAF, protobuf, spdlog) for targets with more
#   than two batches of sources. A PCH is only valid for the flags it was made with
#   (sanitizers, visibility, *_EXPORTS), so each such target builds its own. The test
#   executables are the exception: they share every flag (smith_test_main's PUBLIC settings,
#   -fPIE), so all reuse the PCH of test_supervision. (Not smith_test_main's: a static
#   library is built -fPIC, and GCC refuses a -fPIC PCH in a -fPIE compile.) Should a test's
#   flags ever differ, GCC ignores the PCH (-Winvalid-pch) and parses the header: slower,
#   still correct.
option(SMITH_PCH "Precompile the heavy third-party headers (CAF, protobuf, spdlog)" ON)
option(SMITH_UNITY "Compile each target's sources in batches (CMake unity builds)" ON)
set(SMITH_UNITY_BATCH 8 CACHE STRING "Sources per unity batch")

function(_smith_collect_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _smith_collect_targets(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# smith-bench's scenarios each define their own driver_state, smith_side, ...: compiled one
# by one (it is not in the sanitizer tree, so this costs the Release build only).
function(_smith_unity target)
  if(SMITH_UNITY AND NOT target STREQUAL "smith-bench")
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                                               UNITY_BUILD_BATCH_SIZE ${SMITH_UNITY_BATCH})
  endif()
endfunction()

function(_smith_pch target type)
  if(NOT SMITH_PCH)
    return()
  endif()
  if(type STREQUAL "EXECUTABLE" AND target MATCHES "^test_")
    if(NOT target STREQUAL "test_supervision" AND TARGET test_supervision)
      target_precompile_headers(${target} REUSE_FROM test_supervision)
      return()
    endif()
  else()
    get_target_property(sources ${target} SOURCES)
    list(LENGTH sources count)
    get_target_property(unity ${target} UNITY_BUILD)
    math(EXPR two_batches "2 * ${SMITH_UNITY_BATCH}")
    if(unity AND count LESS_EQUAL two_batches)
      return()
    endif()
  endif()
  target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/smith_pch.hpp)
endfunction()

function(smith_speed_up_build)
  foreach(dir IN LISTS ARGN)
    _smith_collect_targets(${dir} targets)
    foreach(t IN LISTS targets)
      get_target_property(type ${t} TYPE)
      get_target_property(imported ${t} IMPORTED)
      if(imported OR t STREQUAL "smith_contracts" OR NOT type MATCHES
         "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
        continue()
      endif()
      _smith_unity(${t})
      _smith_pch(${t} ${type})
    endforeach()
  endforeach()
endfunction()
