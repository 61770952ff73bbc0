# Writes the manual page and the completion scripts from the built binary's own command-line
# definition (`pc5check manual man|bash|zsh`, checker/cli/manual.h). Run by checker/CMakeLists.txt:
#   cmake -DEXE=<pc5check> -DOUT=<build>/share -P cmake/manual.cmake
foreach(var IN ITEMS EXE OUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "manual.cmake: -D${var}= is required")
    endif()
endforeach()

function(pc5check_manual format file)
    get_filename_component(dir ${file} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    execute_process(COMMAND ${EXE} manual ${format} OUTPUT_FILE ${file}.tmp RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "manual.cmake: '${EXE} manual ${format}' failed (${rc})")
    endif()
    file(RENAME ${file}.tmp ${file})
endfunction()

pc5check_manual(man ${OUT}/man/man1/pc5check.1)
# Debian installs manual pages compressed; -n keeps the file name and time out of the archive, so the
# same binary gives the same bytes.
execute_process(COMMAND gzip -9nf ${OUT}/man/man1/pc5check.1 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "manual.cmake: gzip failed (${rc})")
endif()
pc5check_manual(bash ${OUT}/bash-completion/completions/pc5check)
pc5check_manual(zsh ${OUT}/zsh/vendor-completions/_pc5check)
