# One case of genevent's bad-input suite (see ../bad/cases.txt), run with
#   cmake -DGENEVENT=... -DCASE_DIR=... -DWORK_DIR=... -DTARGET=...
#         -DINPUTS=a.xml,b.xml -DLOCATION=... -DMESSAGE=... -P bad_input.cmake
# Runs genevent twice: once with a missing output directory (it must stay
# missing) and once with an existing one holding a sentinel file (nothing may
# be added, removed or changed).
cmake_minimum_required(VERSION 3.25)

string(REPLACE "," ";" inputs "${INPUTS}")

function(run_case out_dir)
  execute_process(
    COMMAND "${GENEVENT}" --target "${TARGET}" --output "${out_dir}" ${inputs}
    WORKING_DIRECTORY "${CASE_DIR}"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    TIMEOUT 60)
  if(NOT rc STREQUAL "1")
    message(FATAL_ERROR "exit status '${rc}', expected 1; stderr:\n${err}")
  endif()
  if(NOT out STREQUAL "")
    message(FATAL_ERROR "unexpected stdout:\n${out}")
  endif()
  # Exactly one line, '\n'-terminated.
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines count)
  if(NOT count EQUAL 1 OR NOT err MATCHES "\n$")
    message(FATAL_ERROR "expected exactly one error line, got:\n${err}")
  endif()
  string(FIND "${err}" "${LOCATION}: " at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "error does not start with '${LOCATION}: ':\n${err}")
  endif()
  string(FIND "${err}" "${MESSAGE}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "error does not contain '${MESSAGE}':\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. Output directory missing: it must not be created, nor any temporary.
run_case("${WORK_DIR}/out")
file(GLOB left RELATIVE "${WORK_DIR}" "${WORK_DIR}/*" "${WORK_DIR}/.*")
if(left)
  message(FATAL_ERROR "a failed run left files behind: ${left}")
endif()

# 2. Output directory exists: its contents must be untouched.
file(MAKE_DIRECTORY "${WORK_DIR}/existing")
file(WRITE "${WORK_DIR}/existing/sentinel.h" "untouched\n")
run_case("${WORK_DIR}/existing")
file(GLOB left RELATIVE "${WORK_DIR}/existing" "${WORK_DIR}/existing/*"
     "${WORK_DIR}/existing/.*")
file(READ "${WORK_DIR}/existing/sentinel.h" sentinel)
if(NOT left STREQUAL "sentinel.h" OR NOT sentinel STREQUAL "untouched\n")
  message(FATAL_ERROR "a failed run changed the output directory: ${left}")
endif()
