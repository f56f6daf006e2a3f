# Finds xxHash (the checkpoint checksums, XXH64). Debian's libxxhash-dev ships xxhash.h,
# libxxhash.{so,a} and a pkg-config file, but no CMake package, hence this module; it is installed
# beside GanglionConfig.cmake so that users of the installed package find xxHash the same way.
#
# Defines the imported target xxhash::xxhash and xxhash_FOUND, xxhash_VERSION. Set
# xxhash_USE_STATIC_LIBS to ON to prefer libxxhash.a (the portable build does).
find_path(xxhash_INCLUDE_DIR xxhash.h)
if(xxhash_USE_STATIC_LIBS)
  find_library(xxhash_LIBRARY NAMES libxxhash.a xxhash)
else()
  find_library(xxhash_LIBRARY NAMES xxhash)
endif()

if(xxhash_INCLUDE_DIR AND EXISTS ${xxhash_INCLUDE_DIR}/xxhash.h)
  file(STRINGS ${xxhash_INCLUDE_DIR}/xxhash.h _xxhash_version REGEX "^#define XXH_VERSION_(MAJOR|MINOR|RELEASE) +[0-9]+")
  set(xxhash_VERSION "")
  foreach(part MAJOR MINOR RELEASE)
    string(REGEX MATCH "XXH_VERSION_${part} +([0-9]+)" _match "${_xxhash_version}")
    list(APPEND xxhash_VERSION ${CMAKE_MATCH_1})
  endforeach()
  list(JOIN xxhash_VERSION . xxhash_VERSION)
  unset(_xxhash_version)
  unset(_match)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(xxhash REQUIRED_VARS xxhash_LIBRARY xxhash_INCLUDE_DIR VERSION_VAR xxhash_VERSION)
mark_as_advanced(xxhash_INCLUDE_DIR xxhash_LIBRARY)

if(xxhash_FOUND AND NOT TARGET xxhash::xxhash)
  add_library(xxhash::xxhash UNKNOWN IMPORTED)
  set_target_properties(xxhash::xxhash PROPERTIES IMPORTED_LOCATION ${xxhash_LIBRARY}
                        INTERFACE_INCLUDE_DIRECTORIES ${xxhash_INCLUDE_DIR})
endif()
