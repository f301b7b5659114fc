# gridcase_test(): one GoogleTest binary, discovered by CTest with a label.
#
#   gridcase_test(<name> LABEL unit|integration SOURCES <file>... LIBS <target>...
#                 [ENV VAR=value...])
#
# Integration tests start real redis-server and gRPC processes, so they are
# given a longer timeout. They need no RESOURCE_LOCK: every test owns its
# temporary directory, socket and ports.
# Parameterized tests are named by index (NO_PRETTY_VALUES).
#
# Sanitizer runs (tools/test --sanitize): every test whose code all runs in
# the test process also gets the label "sanitize" and joins the target
# gridcase_sanitize_tests. That is every unit test and every integration test
# outside tests/ (those start gRPC servers inside the test, against a real
# redis-server). The tests under tests/ start the service binaries as child
# processes and are not sanitizer-run (gridcase_sanitize_test() below is how
# tests/fuzz joins).
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
  if(GRIDCASE_SANITIZE)
    # Instrumented code runs several times slower.
    math(EXPR timeout "${timeout} * 3")
  endif()
  gtest_discover_tests(${name}
    NO_PRETTY_VALUES
    PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${timeout} ENVIRONMENT "${ARG_ENV}"
    DISCOVERY_TIMEOUT 30)
  string(FIND "${CMAKE_CURRENT_SOURCE_DIR}/" "${PROJECT_SOURCE_DIR}/tests/"
         in_tests_dir)
  if(NOT in_tests_dir EQUAL 0)
    set_property(GLOBAL APPEND PROPERTY GRIDCASE_SANITIZE_TESTS ${name})
    if(TARGET gridcase_tsan_absl)
      target_link_libraries(${name} PRIVATE gridcase_tsan_absl)
    endif()
    # The second label. gtest_discover_tests() cannot pass a list-valued
    # property through, so a file included after the discovered tests sets
    # both labels on every test of the binary (<name>_TESTS, its TEST_LIST).
    set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
    file(WRITE "${labels_file}"
      "if(${name}_TESTS)\n"
      "  set_tests_properties(\${${name}_TESTS} PROPERTIES\n"
      "    LABELS \"${ARG_LABEL};sanitize\")\n"
      "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
  endif()
endfunction()

# gridcase_sanitize_test(<test> <target>): a test added with add_test() that
# runs only <target> in its own process; it joins the sanitizer runs.
function(gridcase_sanitize_test test target)
  set_property(TEST ${test} APPEND PROPERTY LABELS sanitize)
  set_property(GLOBAL APPEND PROPERTY GRIDCASE_SANITIZE_TESTS ${target})
  if(TARGET gridcase_tsan_absl)
    target_link_libraries(${target} PRIVATE gridcase_tsan_absl)
  endif()
endfunction()
