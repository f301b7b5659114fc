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
#
# Sanitizer builds (-DGRIDCASE_SANITIZE=..., tools/test --sanitize): only the
# tests whose code all runs in the test process are registered, one CTest
# test per binary with the labels <label> and "sanitize", and the target
# gridcase_sanitize_tests builds just them. That is every unit test and every
# integration test outside tests/ (those start gRPC servers inside the test,
# against a real redis-server). The tests under tests/ start the service
# binaries as child processes and are not sanitizer-run.
# gridcase_sanitize_test() below is how the fuzz replays join.
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
  string(FIND "${CMAKE_CURRENT_SOURCE_DIR}/" "${PROJECT_SOURCE_DIR}/tests/"
         in_tests_dir)
  if(in_tests_dir EQUAL 0)
    set(in_process FALSE)
  else()
    set(in_process TRUE)
  endif()
  if(GRIDCASE_SANITIZE)
    # Sanitizer builds: one CTest test per binary, all its cases in one
    # process (a process per case spends most of its time starting the
    # instrumented binary), and only the in-process tests.
    if(GRIDCASE_SANITIZE STREQUAL "thread" AND name IN_LIST GRIDCASE_TSAN_SKIP)
      set(in_process FALSE)
    endif()
    if(in_process)
      set_property(GLOBAL APPEND PROPERTY GRIDCASE_SANITIZE_TESTS ${name})
      if(TARGET gridcase_tsan_absl)
        target_link_libraries(${name} PRIVATE gridcase_tsan_absl)
      endif()
      add_test(NAME ${name} COMMAND ${name})
      set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABEL};sanitize" TIMEOUT 1200 ENVIRONMENT "${ARG_ENV}")
    endif()
    return()
  endif()
  gtest_discover_tests(${name}
    NO_PRETTY_VALUES
    TEST_PREFIX "${ARG_PREFIX}"
    PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${timeout} ENVIRONMENT "${ARG_ENV}"
    DISCOVERY_TIMEOUT 30)
endfunction()

# gridcase_sanitize_test(<test> <target>): a test added with add_test() that
# runs only <target> in its own process; it joins the sanitizer runs.
function(gridcase_sanitize_test test target)
  if(NOT GRIDCASE_SANITIZE)
    return()
  endif()
  set_property(TEST ${test} APPEND PROPERTY LABELS sanitize)
  set_property(GLOBAL APPEND PROPERTY GRIDCASE_SANITIZE_TESTS ${target})
  if(TARGET gridcase_tsan_absl)
    target_link_libraries(${target} PRIVATE gridcase_tsan_absl)
  endif()
endfunction()
