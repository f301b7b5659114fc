# gridcase_test(): one GoogleTest binary, discovered by CTest with a label.
#
#   gridcase_test(<name> LABEL unit|integration SOURCES <file>... LIBS <target>...
#                 [ENV VAR=value...])
#
# Integration tests start real redis-server and gRPC processes, so they are
# given a longer timeout and are kept out of each other's way with RESOURCE_LOCK-free
# design: every test owns its own temporary directory, socket and ports.
function(gridcase_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS;ENV" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gmock_main)
  set(timeout 60)
  if(ARG_LABEL STREQUAL "integration")
    set(timeout 180)
  endif()
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${timeout} ENVIRONMENT "${ARG_ENV}"
    DISCOVERY_TIMEOUT 30)
endfunction()
