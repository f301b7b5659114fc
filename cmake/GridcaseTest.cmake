# gridcase_test(): one GoogleTest binary, discovered by CTest with a label.
#
#   gridcase_test(<name> LABEL unit|integration SOURCES <file>... LIBS <target>...
#                 [ENV VAR=value...] [PREFIX <prefix>])
#
# Integration tests start real redis-server and gRPC processes, so they are
# given a longer timeout. They need no RESOURCE_LOCK: every test owns its
# temporary directory, socket and ports.
# Parameterized tests are named by index (NO_PRETTY_VALUES). PREFIX is put
# before every discovered test's name (e.g. "fault." for `ctest -R fault`).
function(gridcase_test name)
  cmake_parse_arguments(ARG "" "LABEL;PREFIX" "SOURCES;LIBS;ENV" ${ARGN})
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
    NO_PRETTY_VALUES
    TEST_PREFIX "${ARG_PREFIX}"
    PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${timeout} ENVIRONMENT "${ARG_ENV}"
    DISCOVERY_TIMEOUT 30)
endfunction()
