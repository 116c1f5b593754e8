# Warnings for tapegrad's own targets (tests, examples, benchmarks), never for the
# INTERFACE target users link: their flags are their business.
function(tapegrad_target_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(TAPEGRAD_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${TAPEGRAD_WERROR}>:/WX>)
  endif()
endfunction()
