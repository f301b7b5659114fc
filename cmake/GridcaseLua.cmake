# gridcase_lua_scripts(): the one place that embeds .lua files into C++.
#
#   gridcase_lua_scripts(<name>
#     HEADER <include path>          # e.g. common/store/scripts.h
#     NAMESPACE <C++ namespace>      # e.g. gridcase::store::scripts
#     SCRIPTS <file.lua>...          # relative to the current source dir
#     [LIBRARIES <name>=<file.lua>...])
#
# Creates the library <name> (alias gridcase::<name without "gridcase_">),
# e.g. gridcase_store_scripts, gridcase::store_scripts, whose generated header
# declares `const redis::Script& XY()` for each script x_y.lua, and All().
# gridcase-lua-embed (common/store/lua_embed.cc) writes the header and the
# source into the build tree at build time, putting the data layer's prelude
# (named keys and arguments) and the enum tables generated from the proto
# before each script; nothing generated is committed.
set(GRIDCASE_LUA_PRELUDE "${PROJECT_SOURCE_DIR}/common/store/lua/prelude.lua")

function(gridcase_lua_scripts name)
  cmake_parse_arguments(ARG "" "HEADER;NAMESPACE" "SCRIPTS;LIBRARIES" ${ARGN})
  set(gen_root "${PROJECT_BINARY_DIR}/lua_gen")
  set(header "${gen_root}/${ARG_HEADER}")
  string(REGEX REPLACE "\\.h$" ".cc" source "${header}")
  get_filename_component(header_dir "${header}" DIRECTORY)
  file(MAKE_DIRECTORY "${header_dir}")

  set(scripts)
  foreach(script IN LISTS ARG_SCRIPTS)
    list(APPEND scripts "${CMAKE_CURRENT_SOURCE_DIR}/${script}")
  endforeach()
  set(library_flags)
  set(library_files)
  foreach(library IN LISTS ARG_LIBRARIES)
    string(REPLACE "=" ";" parts "${library}")
    list(GET parts 0 lib_name)
    list(GET parts 1 lib_file)
    list(APPEND library_flags
      "--library=${lib_name}=${CMAKE_CURRENT_SOURCE_DIR}/${lib_file}")
    list(APPEND library_files "${CMAKE_CURRENT_SOURCE_DIR}/${lib_file}")
  endforeach()

  add_custom_command(
    OUTPUT "${header}" "${source}"
    COMMAND gridcase-lua-embed
      "--namespace=${ARG_NAMESPACE}" "--header=${header}" "--source=${source}"
      "--include=${ARG_HEADER}" "--prelude=${GRIDCASE_LUA_PRELUDE}"
      ${library_flags} ${scripts}
    DEPENDS gridcase-lua-embed ${scripts} ${library_files}
      "${GRIDCASE_LUA_PRELUDE}"
    COMMENT "Embedding Lua scripts for ${name}"
    VERBATIM)

  add_library(${name} "${source}" "${header}")
  string(REGEX REPLACE "^gridcase_" "" alias "${name}")
  add_library(gridcase::${alias} ALIAS ${name})
  target_include_directories(${name} PUBLIC "${gen_root}")
  target_link_libraries(${name} PUBLIC gridcase::root gridcase::redis)
endfunction()
