#pragma once
/// \file Errors on external input (traces, specs, command line) and internal failures.

#include "pc5check/common/expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace pc5check {

/// What kind of failure an `Error` reports; mapped to exit codes by the CLI (docs/cli.md).
enum class ErrorCode : std::uint8_t {
    bad_input,      ///< a trace or other input file is malformed (exit 2)
    bad_spec,       ///< a spec document is malformed or does not type-check (exit 2)
    usage,          ///< wrong command-line use (exit 2)
    io,             ///< a file could not be read or written (exit 2)
    limit,          ///< an input limit was hit (exit 2)
    solver_failure, ///< the SMT solver failed (exit 3)
    internal,       ///< a bug (exit 3)
};

/// One failure, with enough location to find it: file, JSON pointer or line:column, event index.
struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;      ///< one line, says what was expected
    std::string file;         ///< empty when not about a file
    std::string json_pointer; ///< RFC 6901 pointer into the document, empty when unknown
    std::size_t line = 0;     ///< 1-based; 0 when unknown
    std::size_t column = 0;   ///< 1-based; 0 when unknown
    std::optional<std::size_t> event_index{};

    /// "file:line:column: pointer: message" with the empty parts left out.
    [[nodiscard]] std::string to_string() const
    {
        std::string out;
        if (!file.empty()) {
            out += file;
            if (line != 0) {
                out += ":" + std::to_string(line);
                if (column != 0) {
                    out += ":" + std::to_string(column);
                }
            }
            out += ": ";
        }
        if (!json_pointer.empty()) {
            out += "at " + json_pointer + ": ";
        }
        out += message;
        return out;
    }
    /// Field by field.
    friend bool operator==(const Error&, const Error&) = default;
};

/// Result of an operation on external input.
template <class T> using Expected = ExpectedT<T, Error>;

/// Makes an error branch with the given code and message.
[[nodiscard]] inline tl::unexpected<Error> make_error(ErrorCode code, std::string message,
                                                      std::string json_pointer = {})
{
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.json_pointer = std::move(json_pointer);
    return tl::make_unexpected(std::move(e));
}

/// Makes an error branch about the file (or directory) `file`: "cannot read spec file", "cannot write file".
[[nodiscard]] inline tl::unexpected<Error> make_file_error(ErrorCode code, std::string file,
                                                           std::string message)
{
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.file = std::move(file);
    return tl::make_unexpected(std::move(e));
}

} // namespace pc5check

/// Aborts on a broken internal invariant (a bug); never used on input.
#define PC5CHECK_ASSERT(cond)                                                                                \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            ::pc5check::detail::assert_fail(#cond, __FILE__, __LINE__);                                      \
        }                                                                                                    \
    } while (false)

namespace pc5check::detail {
[[noreturn]] void assert_fail(const char* cond, const char* file, int line);
} // namespace pc5check::detail
