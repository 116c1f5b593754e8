# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tapegrad developers
# Checks that every header under ${INCLUDE_DIR}/tapegrad includes tapegrad headers of its
# own layer or a lower one only, with the layers of ${LAYERS} (see layers.txt), and that
# every header has a layer. Reads the files as text: no compiler needed, well under a second.
#   cmake -DINCLUDE_DIR=include -DLAYERS=tests/layers/layers.txt -P tests/layers/check_layers.cmake
cmake_minimum_required(VERSION 3.16)
if(NOT INCLUDE_DIR OR NOT LAYERS)
  message(FATAL_ERROR "usage: cmake -DINCLUDE_DIR=<dir> -DLAYERS=<layers.txt> -P check_layers.cmake")
endif()
get_filename_component(root "${INCLUDE_DIR}/tapegrad" ABSOLUTE)

# header (relative to root) -> layer number and name, from the globs of each layer line
file(STRINGS "${LAYERS}" lines REGEX "^[0-9]")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "[ \t]+" ";" fields "${line}")
  list(POP_FRONT fields number name)
  foreach(pattern IN LISTS fields)
    file(GLOB matches RELATIVE "${root}" "${root}/${pattern}")
    foreach(header IN LISTS matches)
      set("layer_of_${header}" ${number})
      set("name_of_${header}" ${name})
    endforeach()
  endforeach()
endforeach()

set(errors "")
file(GLOB_RECURSE headers RELATIVE "${root}" "${root}/*.hpp")
foreach(header IN LISTS headers)
  if(NOT DEFINED "layer_of_${header}")
    string(APPEND errors "  ${header} has no layer: add it to ${LAYERS}\n")
    continue()
  endif()
  set(own ${layer_of_${header}})
  file(STRINGS "${root}/${header}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"tapegrad/")
  foreach(include IN LISTS includes)
    string(REGEX REPLACE "^.*\"tapegrad/([^\"]+)\".*$" "\\1" target "${include}")
    if(NOT DEFINED "layer_of_${target}")
      string(APPEND errors "  ${header} includes tapegrad/${target}, which has no layer\n")
    elseif(layer_of_${target} GREATER own)
      string(APPEND errors "  ${header} (layer ${own}, ${name_of_${header}}) includes ${target} "
                           "(layer ${layer_of_${target}}, ${name_of_${target}}): a higher layer\n")
    endif()
  endforeach()
endforeach()

list(LENGTH headers count)
if(errors)
  message(FATAL_ERROR "layer violations in ${root}:\n${errors}")
endif()
message(STATUS "${count} headers: each includes only its own layer or lower")
