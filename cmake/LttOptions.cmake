# Warnings and sanitizer configurations shared by every target.
set(LTT_SANITIZE "" CACHE STRING "Sanitizer build: '' (none), 'address' (ASan+UBSan) or 'thread' (TSan)")

add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
endif()

if(LTT_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
elseif(LTT_SANITIZE STREQUAL "thread")
  # -Wno-tsan: TSan does not model the standalone fences ltt_buf_init uses
  # to publish a fresh buffer; nothing reads it before a thread is started.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer $<$<C_COMPILER_ID:GNU>:-Wno-tsan>)
  add_link_options(-fsanitize=thread)
elseif(NOT LTT_SANITIZE STREQUAL "")
  message(FATAL_ERROR "LTT_SANITIZE must be '', 'address' or 'thread'")
endif()

# Tests carry labels: 'sanitize' ones also run in the ASan/UBSan build,
# 'tsan' ones in the TSan build (make check runs all three).
# GoogleTest executables: one CTest test per test case, found by asking the
# executable when ctest runs (so sanitizer builds list their own), named
# PREFIX.Suite.Case.
function(ltt_add_gtest target prefix)
  cmake_parse_arguments(T "" "" "LABELS;ENVIRONMENT" ${ARGN})
  gtest_discover_tests(${target} TEST_PREFIX "${prefix}." DISCOVERY_MODE PRE_TEST
                       TEST_LIST ${target}_TESTS)
  # gtest_discover_tests' PROPERTIES cannot carry a list value (two labels,
  # two variables): it flattens them. So the properties are set by a script
  # ctest runs after the discovery, on the tests it found.
  if(T_LABELS OR T_ENVIRONMENT)
    set(props)
    if(T_LABELS)
      string(APPEND props " LABELS [==[${T_LABELS}]==]")
    endif()
    if(T_ENVIRONMENT)
      string(APPEND props " ENVIRONMENT [==[${T_ENVIRONMENT}]==]")
    endif()
    set(script ${CMAKE_CURRENT_BINARY_DIR}/${target}_properties.cmake)
    file(GENERATE OUTPUT ${script} CONTENT
         "if(${target}_TESTS)\n  set_tests_properties(\${${target}_TESTS} PROPERTIES${props})\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
  endif()
endfunction()

function(ltt_add_test name)
  cmake_parse_arguments(T "" "" "COMMAND;LABELS;ENVIRONMENT" ${ARGN})
  add_test(NAME ${name} COMMAND ${T_COMMAND})
  # A hung test fails in minutes, not after CTest's 25-minute default (a
  # test that needs longer sets its own TIMEOUT after this).
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
  if(T_ENVIRONMENT)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
  endif()
endfunction()
