/// \file LineReader: see line_reader.h.

#include "monitor/line_reader.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <system_error>
#include <unistd.h>

namespace pc5check::checker::detail {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 16U;
} // namespace

LineReader::LineReader(int fd, int stop_fd, std::uint64_t max_line_bytes)
    : fd_(fd), stop_fd_(stop_fd), max_(max_line_bytes), buffer_(kBufferBytes)
{
}

LineReader::Status LineReader::fill()
{
    while (true) {
        // The stop descriptor is looked at first: a writer that never pauses cannot keep it unseen.
        std::array<pollfd, 2> fds{pollfd{fd_, POLLIN, 0}, pollfd{stop_fd_, POLLIN, 0}};
        const nfds_t count = stop_fd_ >= 0 ? 2 : 1;
        if (::poll(fds.data(), count, -1) < 0) {
            if (errno == EINTR) {
                continue; // a signal: its handler wrote to stop_fd, seen by the next poll
            }
            error_ = std::generic_category().message(errno);
            return Status::failed;
        }
        if (count == 2 && (fds[1].revents & POLLIN) != 0) {
            return Status::stopped;
        }
        if (fds[0].revents == 0) {
            continue;
        }
        const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
        if (n > 0) {
            begin_ = 0;
            end_ = static_cast<std::size_t>(n);
            return Status::line;
        }
        if (n == 0) {
            // A signal that came with the end of input was handled after poll() had seen only the end:
            // its byte is in the pipe now, and a run stopped by a signal says so.
            pollfd stop{stop_fd_, POLLIN, 0};
            return stop_fd_ >= 0 && ::poll(&stop, 1, 0) > 0 ? Status::stopped : Status::end;
        }
        if (errno != EINTR && errno != EAGAIN) {
            error_ = std::generic_category().message(errno);
            return Status::failed;
        }
    }
}

LineReader::Status LineReader::next(std::string& line)
{
    line.clear();
    bool too_long = false;
    bool started = false; ///< bytes of this line were read (a last line without newline counts)
    while (true) {
        const char* start = buffer_.data() + begin_;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
        const std::size_t n = newline != nullptr ? static_cast<std::size_t>(newline - start) : end_ - begin_;
        started = started || n != 0 || newline != nullptr;
        if (!too_long && line.size() + n > max_) {
            too_long = true;
            line.clear();
            line.shrink_to_fit();
        } else if (!too_long) {
            line.append(start, n);
        }
        begin_ += n;
        if (newline == nullptr) {
            const Status filled = fill();
            if (filled == Status::line) {
                continue;
            }
            if (filled != Status::end || !started) {
                return filled;
            }
        } else {
            ++begin_;
        }
        ++line_;
        if (!too_long && !line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return too_long ? Status::too_long : Status::line;
    }
}

LineReader::Status LineReader::read_rest(std::string& text)
{
    while (true) {
        if (text.size() + (end_ - begin_) > max_) {
            return Status::too_long;
        }
        text.append(buffer_.data() + begin_, end_ - begin_);
        begin_ = end_;
        const Status filled = fill();
        if (filled != Status::line) {
            return filled == Status::end ? Status::line : filled;
        }
    }
}

} // namespace pc5check::checker::detail
