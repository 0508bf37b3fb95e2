# Golden-file checks of genevent's outputs, run with
#   cmake -DGENEVENT=... -DTESTS_DIR=<genevent/tests> -DWORK_DIR=...
#         -DMODE=check|update|determinism [-DRUN=<name>] -P golden.cmake
# check:       generate RUN into WORK_DIR and compare byte for byte with
#              tests/golden (same file names, same contents);
# update:      regenerate every run's golden files (intentional changes);
# determinism: generate every run twice, from two working directories and
#              with differently spelled paths, and require identical bytes.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/golden_runs.cmake")

function(parse_run entry)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 target)
  list(GET parts 2 files)
  list(GET parts 3 golden)
  string(REPLACE "," ";" files "${files}")
  set(run_name "${name}" PARENT_SCOPE)
  set(run_target "${target}" PARENT_SCOPE)
  set(run_files "${files}" PARENT_SCOPE)
  set(run_golden "${golden}" PARENT_SCOPE)
endfunction()

# genevent RUN -> out_dir. `prefix` is prepended to each facility path and
# `cwd` is genevent's working directory, so paths can be spelled differently.
function(generate out_dir cwd prefix)
  set(args)
  foreach(f IN LISTS run_files)
    list(APPEND args "${prefix}${f}")
  endforeach()
  file(REMOVE_RECURSE "${out_dir}")
  execute_process(
    COMMAND "${GENEVENT}" --target "${run_target}" --output "${out_dir}" ${args}
    WORKING_DIRECTORY "${cwd}"
    RESULT_VARIABLE rc
    ERROR_VARIABLE err
    TIMEOUT 60)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "genevent failed for run ${run_name} (${rc}):\n${err}")
  endif()
endfunction()

function(list_files dir out_var)
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${dir}" "${dir}/*")
  list(REMOVE_ITEM files ".clang-format")
  list(SORT files)
  set(${out_var} "${files}" PARENT_SCOPE)
endfunction()

# Fails unless `a` and `b` hold the same files with the same bytes.
function(compare_dirs a b what)
  list_files("${a}" files_a)
  list_files("${b}" files_b)
  if(NOT files_a STREQUAL files_b)
    message(FATAL_ERROR "${what}: file sets differ\n  ${a}: ${files_a}\n  ${b}: ${files_b}")
  endif()
  set(failed)
  foreach(f IN LISTS files_a)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${a}/${f}" "${b}/${f}"
                    RESULT_VARIABLE differ)
    if(differ)
      list(APPEND failed "${f}")
      find_program(DIFF diff)
      if(DIFF)
        execute_process(COMMAND "${DIFF}" -u "${a}/${f}" "${b}/${f}")
      endif()
    endif()
  endforeach()
  if(failed)
    message(FATAL_ERROR "${what}: contents differ: ${failed}\n"
            "If the change is intended: cmake --build <build> --target genevent-update-golden")
  endif()
endfunction()

set(facilities "${TESTS_DIR}/facilities")
if(MODE STREQUAL "check")
  foreach(entry IN LISTS GENEVENT_GOLDEN_RUNS)
    parse_run("${entry}")
    if(run_name STREQUAL RUN)
      generate("${WORK_DIR}/out" "${facilities}" "${facilities}/")
      compare_dirs("${TESTS_DIR}/golden/${run_golden}" "${WORK_DIR}/out" "golden ${RUN}")
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "no golden run named '${RUN}'")
elseif(MODE STREQUAL "update")
  foreach(entry IN LISTS GENEVENT_GOLDEN_RUNS)
    parse_run("${entry}")
    set(dest "${TESTS_DIR}/golden/${run_golden}")
    generate("${dest}" "${facilities}" "${facilities}/")
    message(STATUS "genevent golden: regenerated ${dest}")
  endforeach()
elseif(MODE STREQUAL "determinism")
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  foreach(entry IN LISTS GENEVENT_GOLDEN_RUNS)
    parse_run("${entry}")
    # Absolute paths from one directory, relative ones from another: the
    # outputs may only ever mention the files' base names.
    generate("${WORK_DIR}/${run_name}-1" "${WORK_DIR}" "${facilities}/")
    generate("${WORK_DIR}/${run_name}-2" "${facilities}" "")
    compare_dirs("${WORK_DIR}/${run_name}-1" "${WORK_DIR}/${run_name}-2"
                 "determinism ${run_name}")
  endforeach()
else()
  message(FATAL_ERROR "MODE must be check, update or determinism")
endif()
