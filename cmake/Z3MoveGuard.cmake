# PC5CHECK_Z3_MOVE_GUARD: every target compiles against a copy of the installed z3++.h in which
# z3::ast's move assignment is declared but has no body, so that any move assignment of a Z3 object
# (z3::ast's own, or the implicit one of z3::expr, z3::sort or z3::func_decl, which calls it) is an
# undefined reference at link time.
#
# Why: in Z3 4.8.12 (Debian 12) that operator does not release the reference of the value it
# overwrites, so every `e = <temporary>` keeps the old term alive until the context is deleted, and
# deleting it then frees the leaked chains one layer per pass over the whole term table (quadratic).
# checker/src/smt/z3_assign.h explains it and gives assign(), an assignment by copy; this guard keeps a
# new move assignment from coming back unnoticed. CI's sanitizer build turns it on (.ci/run): no extra
# build. The copy is derived from the installed header at configure time and lives in the build tree.
function(pc5check_z3_move_guard target)
    find_file(PC5CHECK_Z3_CXX_HEADER z3++.h PATHS ${Z3_INCLUDE_DIRS} /usr/include NO_DEFAULT_PATH REQUIRED)
    file(READ ${PC5CHECK_Z3_CXX_HEADER} original)
    # The operator and its body: `{ if (this != &s) { ... } return *this; }` (two closing braces). The
    # signature is counted alone: the body's semicolons would split a match into list elements.
    set(signature "ast & operator=\\(ast && s\\) noexcept {")
    set(body_pattern "${signature}[^}]*}[^}]*}")
    string(REGEX MATCHALL "${signature}" found "${original}")
    list(LENGTH found count)
    if(NOT count EQUAL 1)
        message(FATAL_ERROR "PC5CHECK_Z3_MOVE_GUARD: expected z3::ast's move assignment once in "
                            "${PC5CHECK_Z3_CXX_HEADER}, found it ${count} times (another Z3 version? "
                            "see checker/src/smt/z3_assign.h)")
    endif()
    string(REGEX REPLACE "${body_pattern}"
           "ast & operator=(ast && s) noexcept; // pc5check: declared only (cmake/Z3MoveGuard.cmake)"
           guarded "${original}")
    set(dir ${CMAKE_CURRENT_BINARY_DIR}/z3-move-guard)
    file(WRITE ${dir}/z3++.h "${guarded}")
    # The guard checks itself: a move assignment of a z3::expr must fail to link against the copy, and
    # the same program with a copy assignment must link.
    foreach(kind move copy)
        set(probe ${dir}/probe-${kind}.cpp)
        if(kind STREQUAL move)
            set(assignment "x = c.int_val(2);")
        else()
            set(assignment "z3::expr y = c.int_val(2); x = y;")
        endif()
        file(WRITE ${probe} "#include <z3++.h>\nint main() { z3::context c; z3::expr x = c.int_val(1); "
                            "${assignment} return x.is_int() ? 0 : 1; }\n")
        try_compile(linked ${dir}/probe-${kind} SOURCES ${probe} CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${dir}"
                    LINK_LIBRARIES PkgConfig::Z3 CXX_STANDARD 20 OUTPUT_VARIABLE output)
        if(kind STREQUAL move AND linked)
            message(FATAL_ERROR "PC5CHECK_Z3_MOVE_GUARD: a move assignment of z3::expr still links against "
                                "${dir}/z3++.h: the guard does not work with this z3++.h")
        elseif(kind STREQUAL copy AND NOT linked)
            message(FATAL_ERROR "PC5CHECK_Z3_MOVE_GUARD: a copy assignment of z3::expr does not build against "
                                "${dir}/z3++.h:\n${output}")
        endif()
    endforeach()
    target_include_directories(${target} SYSTEM BEFORE INTERFACE ${dir})
    message(STATUS "PC5CHECK_Z3_MOVE_GUARD: z3++.h without the body of z3::ast's move assignment: ${dir}")
endfunction()
