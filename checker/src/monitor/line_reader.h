#pragma once
/// \file Lines of a file descriptor as they arrive (a file, a FIFO, a pipe on standard input), for
/// `monitor`: a read waits for the writer, and gives up when a stop descriptor becomes readable.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pc5check::checker::detail {

class LineReader {
  public:
    /// What next() and read_rest() found.
    enum class Status : std::uint8_t {
        line,     ///< a complete line (the last one may lack its newline)
        too_long, ///< a line over the limit: its text is dropped, its number counted
        end,      ///< end of input
        stopped,  ///< `stop_fd` became readable before more input came
        failed,   ///< a read error (error() says which)
    };

    /// Reads `fd` (not owned); `stop_fd` (-1: none) ends a wait; lines over `max_line_bytes` are
    /// reported as too long.
    LineReader(int fd, int stop_fd, std::uint64_t max_line_bytes);

    /// The next line into `line`, without its newline and a CR before it.
    [[nodiscard]] Status next(std::string& line);
    /// Everything left, appended to `text` (at most `max_line_bytes` in all: too_long beyond).
    [[nodiscard]] Status read_rest(std::string& text);
    /// 1-based number of the line next() returned last.
    [[nodiscard]] std::size_t line_number() const { return line_; }
    /// Why the last read failed.
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    /// Waits for input and reads some into the buffer: line when something was read.
    [[nodiscard]] Status fill();

    int fd_;
    int stop_fd_;
    std::uint64_t max_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0; ///< first unread byte of buffer_
    std::size_t end_ = 0;   ///< bytes of buffer_ filled
    std::size_t line_ = 0;
    std::string error_;
};

} // namespace pc5check::checker::detail
