# Runs genevent's fuzzer for a bounded time, run with
#   cmake -DFUZZER=... -DWORK_DIR=... -DDICT=... -DSEEDS=dir1,dir2
#         -DSECONDS=20 -P fuzz.cmake
# New inputs go to WORK_DIR/corpus (kept between runs, so coverage grows);
# the seed directories in the source tree are only read.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "," ";" seeds "${SEEDS}")
file(MAKE_DIRECTORY "${WORK_DIR}/corpus" "${WORK_DIR}/artifacts")
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -max_len=65536 -print_final_stats=1 -dict=${DICT}
          -artifact_prefix=${WORK_DIR}/artifacts/
          "${WORK_DIR}/corpus" ${seeds}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer found a problem (exit ${rc}); reproducer in ${WORK_DIR}/artifacts")
endif()
