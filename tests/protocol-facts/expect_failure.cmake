# cmake -DIN=<spec/pc5-protocol.json> -DWORK=<dir> -DMEMBER="a b c" -DVALUE=<json text or REMOVE>
#       -DEXPECTED=<text> -P expect_failure.cmake
# Writes a copy of IN whose member MEMBER (keys separated by spaces) is set to VALUE (or removed), runs the
# protocol-facts generator on it (the project beside this script) and fails unless configuration fails
# with a message containing EXPECTED.
file(READ "${IN}" doc)
separate_arguments(member UNIX_COMMAND "${MEMBER}")
if(VALUE STREQUAL "REMOVE")
    string(JSON doc REMOVE "${doc}" ${member})
else()
    string(JSON doc SET "${doc}" ${member} "${VALUE}")
endif()
file(REMOVE_RECURSE "${WORK}")
file(WRITE "${WORK}/broken.json" "${doc}")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}" -B "${WORK}/build" "-DFACTS=${WORK}/broken.json"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX REPLACE "[ \n]+" " " err "${err}") # CMake wraps long messages
if(result EQUAL 0)
    message(FATAL_ERROR "configuration succeeded on a protocol file whose ${MEMBER} is ${VALUE}")
endif()
string(FIND "${err}" "${EXPECTED}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "expected the message to contain \"${EXPECTED}\", found:\n${err}")
endif()
message(STATUS "refused as expected: ${EXPECTED}")
