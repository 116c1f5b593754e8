# SPDX-License-Identifier: MIT
# tapegrad_add_mpi_test(<name> RANKS <n> COMMAND <target> [args...]): a ctest test that
# runs <target> under mpiexec with n ranks. More ranks than cores are allowed
# (--oversubscribe, Open MPI only), and so is root (Open MPI refuses it unless told; CI
# runs as root). Each runs alone (RUN_SERIAL: its ranks want the cores) with a timeout,
# so that a rank left waiting in a collective fails the test instead of hanging it.
execute_process(COMMAND "${MPIEXEC_EXECUTABLE}" --version OUTPUT_VARIABLE _tapegrad_mpiexec_version
  ERROR_QUIET RESULT_VARIABLE _tapegrad_mpiexec_result)
set(TAPEGRAD_MPIEXEC_FLAGS "")
if(_tapegrad_mpiexec_version MATCHES "Open MPI|OpenRTE")
  set(TAPEGRAD_MPIEXEC_FLAGS --oversubscribe)
endif()

function(tapegrad_add_mpi_test name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "RANKS;TIMEOUT;WORKING_DIRECTORY" "COMMAND")
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  list(POP_FRONT ARG_COMMAND _target)
  add_test(NAME "${name}"
    COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ARG_RANKS} ${TAPEGRAD_MPIEXEC_FLAGS} ${MPIEXEC_PREFLAGS}
            $<TARGET_FILE:${_target}> ${MPIEXEC_POSTFLAGS} ${ARG_COMMAND})
  if(ARG_WORKING_DIRECTORY)
    set_tests_properties("${name}" PROPERTIES WORKING_DIRECTORY "${ARG_WORKING_DIRECTORY}")
  endif()
  set_tests_properties("${name}" PROPERTIES TIMEOUT ${ARG_TIMEOUT} RUN_SERIAL TRUE
    ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")
endfunction()
