# gridcase_proto_library(): the one place that turns .proto files into C++.
#
#   gridcase_proto_library(<name>
#     ROOT <import root>                 # e.g. ${PROJECT_SOURCE_DIR}/proto
#     PROTOS <file relative to ROOT>...  # e.g. gridcase/v1/common.proto
#     [IMPORT_DIRS <dir>...]             # extra -I roots
#     [DEPS <proto library>...])         # proto libraries these files import
#
# Creates:
#   <name>        a library with the message and gRPC service code, alias gridcase::<name>
#   <name>_mocks  an INTERFACE library with the generated gMock stubs (tests only),
#                 alias gridcase::<name>_mocks
# Code is generated into the build tree and never committed.
function(gridcase_proto_library name)
  cmake_parse_arguments(ARG "" "ROOT" "PROTOS;IMPORT_DIRS;DEPS" ${ARGN})
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/${name}_gen")
  file(MAKE_DIRECTORY "${out_dir}")

  set(import_flags "-I${ARG_ROOT}")
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    list(APPEND import_flags "-I${dir}")
  endforeach()
  list(APPEND import_flags "-I${Protobuf_INCLUDE_DIR}")

  set(srcs)
  set(hdrs)
  set(mock_hdrs)
  set(abs_protos)
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" stem "${proto}")
    list(APPEND srcs "${out_dir}/${stem}.pb.cc" "${out_dir}/${stem}.grpc.pb.cc")
    list(APPEND hdrs "${out_dir}/${stem}.pb.h" "${out_dir}/${stem}.grpc.pb.h")
    list(APPEND mock_hdrs "${out_dir}/${stem}_mock.grpc.pb.h")
    list(APPEND abs_protos "${ARG_ROOT}/${proto}")
  endforeach()

  add_custom_command(
    OUTPUT ${srcs} ${hdrs} ${mock_hdrs}
    COMMAND protobuf::protoc
      ${import_flags}
      "--cpp_out=${out_dir}"
      "--grpc_out=generate_mock_code=true:${out_dir}"
      "--plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>"
      ${ARG_PROTOS}
    WORKING_DIRECTORY "${ARG_ROOT}"
    DEPENDS ${abs_protos} protobuf::protoc gRPC::grpc_cpp_plugin
    COMMENT "Generating C++ for ${name}"
    VERBATIM)

  add_library(${name} ${srcs} ${hdrs})
  add_library(gridcase::${name} ALIAS ${name})
  target_include_directories(${name} SYSTEM PUBLIC "${out_dir}")
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
  # Generated code is not ours to lint or warn about.
  set_target_properties(${name} PROPERTIES CXX_CLANG_TIDY "")

  add_library(${name}_mocks INTERFACE)
  add_library(gridcase::${name}_mocks ALIAS ${name}_mocks)
  target_link_libraries(${name}_mocks INTERFACE ${name} GTest::gmock)
  # Remember the generated files so other targets (python stubs, docs) can find them.
  set_property(TARGET ${name} PROPERTY GRIDCASE_PROTO_FILES "${abs_protos}")
endfunction()
