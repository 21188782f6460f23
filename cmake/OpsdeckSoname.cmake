# SPDX-License-Identifier: GPL-3.0-or-later
# opsdeck_soname(OUTPUT LIBRARY_FILE): the name the dynamic loader knows a library by (its
# SONAME, "libpq.so.5"), for the libraries core opens on first use (core/common/lazylibrary.h).
function(opsdeck_soname OUTPUT LIBRARY)
    find_program(OPSDECK_OBJDUMP NAMES objdump REQUIRED)
    execute_process(COMMAND ${OPSDECK_OBJDUMP} -p ${LIBRARY} OUTPUT_VARIABLE dump
                    COMMAND_ERROR_IS_FATAL ANY)
    if(NOT dump MATCHES "SONAME +([^ \n]+)")
        message(FATAL_ERROR "no SONAME in ${LIBRARY}")
    endif()
    set(${OUTPUT} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()
