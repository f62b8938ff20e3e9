# Runs one libFuzzer target for SECONDS over its checked-in seed corpus (CORPUS). libFuzzer
# writes new inputs only to the first corpus directory, SCRATCH, which starts empty on every
# run: the checked-in corpus is never modified and each run starts from the same seeds.
# A crash, leak, timeout or sanitizer report fails the test; the reproducer is left in SCRATCH.
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH}/new)
set(options -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=5 -print_final_stats=1
  -artifact_prefix=${SCRATCH}/)
if(DICTIONARY)
  list(APPEND options -dict=${DICTIONARY})
endif()
execute_process(COMMAND ${FUZZER} ${options} ${SCRATCH}/new ${CORPUS} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); the reproducer is in ${SCRATCH}")
endif()
