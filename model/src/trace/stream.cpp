/// \file TraceStream: a `.json` trace document read in two passes, so memory follows the header and
/// the largest event instead of the file. Pass 1 finds the top-level members, copies every one but
/// `events` into a header document (with `"events": []`) read by parse_trace, and skips over `events`.
/// Pass 2 cuts `events` into its elements and reads each on its own with the one reader
/// (detail::parse_event: the JSON parser of json_document.h, then the event's contract).
///
/// Two passes because writers put `events` anywhere: nlohmann (our generator among them) sorts keys,
/// so `events` comes before `link` and `keys`, which the replay needs first. The cutting is lenient
/// (strings, brackets); the reader judges the header document and every element strictly, and the
/// punctuation between elements is checked here, so a document streams to its end only if it is
/// valid. Anything else stops the stream, and the caller reads the file whole: its error then comes
/// out exactly as from parse_trace, which lets an error anywhere in the file (bad JSON at the end)
/// take precedence over one found earlier (a bad event at the start).

#include "pc5check/trace/trace.h"
#include "trace/json_document.h"
#include "trace/stream_detail.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pc5check::trace {

namespace {

namespace fs = std::filesystem;

constexpr int kEnd = -1;
constexpr std::size_t kChunk = std::size_t{1} << 16U;

[[nodiscard]] bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Ends a number or literal (as in the position scanner).
[[nodiscard]] bool is_delimiter(int c)
{
    return c == kEnd || is_ws(c) || c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}' ||
           c == '"';
}

/// Moves `p` over byte `c` the way the position scanner counts (columns count UTF-8 characters).
void advance(Position& p, int c)
{
    if (c == '\n') {
        ++p.line;
        p.column = 1;
    } else if ((static_cast<unsigned>(c) & 0xC0U) != 0x80U) {
        ++p.column;
    }
}

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

/// The high bit of each byte of `w` that equals `c` (and perhaps of bytes above one that does: a
/// test for "any", not "which").
[[nodiscard]] std::uint64_t bytes_equal(std::uint64_t w, unsigned char c)
{
    const std::uint64_t x = w ^ (kOnes * c);
    return (x - kOnes) & ~x & kHigh;
}

[[nodiscard]] std::uint64_t load8(const char* p)
{
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// Moves `p` over the bytes `s`, as advance() byte by byte does; 8 bytes at a time where they hold
/// no line break (then the column grows by the bytes that are not UTF-8 continuation bytes).
void advance(Position& p, std::string_view s)
{
    std::size_t i = 0;
    for (; s.size() - i >= sizeof(std::uint64_t); i += sizeof(std::uint64_t)) {
        const std::uint64_t w = load8(s.data() + i);
        if (bytes_equal(w, '\n') != 0) {
            for (std::size_t k = i; k < i + sizeof(std::uint64_t); ++k) {
                advance(p, static_cast<unsigned char>(s[k]));
            }
            continue;
        }
        // A continuation byte is 10xxxxxx: bit 7 set, bit 6 clear.
        const std::uint64_t continuation = w & ~(w << 1U) & kHigh;
        p.column += sizeof(std::uint64_t) - static_cast<std::size_t>(std::popcount(continuation));
    }
    for (; i < s.size(); ++i) {
        advance(p, static_cast<unsigned char>(s[i]));
    }
}

} // namespace

/// The open file and where pass 2 stands in it.
struct TraceStream::State {
    struct Closer {
        void operator()(std::FILE* f) const { (void)std::fclose(f); }
    };

    std::string path;
    std::unique_ptr<std::FILE, Closer> file;
    std::vector<char> buffer = std::vector<char>(kChunk);
    std::size_t begin = 0;     ///< next unread byte of `buffer`
    std::size_t end = 0;       ///< bytes of `buffer` filled
    std::uintmax_t offset = 0; ///< file offset of buffer[begin]
    bool read_error = false;

    Position at{1, 1};           ///< file position of the next byte (pass 2, and pass 1 up to `events`)
    bool count = true;           ///< whether `at` follows the bytes read
    std::string* copy = nullptr; ///< where the bytes read go, if anywhere

    std::uintmax_t events_offset = 0; ///< the `[` of `events`
    std::uintmax_t events_end = 0;    ///< just after its `]`
    Position events_at;               ///< the `[`'s position
    std::size_t next_index = 0;
    double previous_at = 0.0;
    bool done = false;
    bool failed = false;

    [[nodiscard]] int peek()
    {
        if (begin == end && !fill()) {
            return kEnd;
        }
        return static_cast<unsigned char>(buffer[begin]);
    }

    int take()
    {
        const int c = peek();
        if (c == kEnd) {
            return c;
        }
        ++begin;
        ++offset;
        if (count) {
            advance(at, c);
        }
        if (copy != nullptr) {
            *copy += static_cast<char>(c);
        }
        return c;
    }

    /// Moves over the next `n` buffered bytes as `n` take()s would.
    void consume(std::size_t n)
    {
        const std::string_view bytes(buffer.data() + begin, n);
        if (count) {
            advance(at, bytes);
        }
        if (copy != nullptr) {
            copy->append(bytes);
        }
        begin += n;
        offset += n;
    }

    bool fill()
    {
        if (read_error || !file) {
            return false;
        }
        const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
        read_error = n == 0 && std::ferror(file.get()) != 0;
        begin = 0;
        end = n;
        return n > 0;
    }

    bool seek(std::uintmax_t to)
    {
        if (std::fseek(file.get(), static_cast<long>(to), SEEK_SET) != 0) {
            return false;
        }
        begin = end = 0;
        offset = to;
        return true;
    }

    void skip_ws()
    {
        while (is_ws(peek())) {
            (void)take();
        }
    }

    /// Reads the string or container at the cursor (a '"', '{' or '[') to its end: a string to its
    /// closing quote (a backslash takes the byte after it), a container to its matching bracket
    /// (brackets inside strings do not count); false at the end of the file. Goes through the buffer
    /// and consume()s what it passed, so that counting and copying go by runs, not bytes.
    bool skip_balanced()
    {
        std::size_t depth = 0;
        bool in_string = false;
        bool escape = false;
        while (true) {
            if (begin == end && !fill()) {
                return false;
            }
            const char* const data = buffer.data();
            std::size_t i = begin;
            bool complete = false;
            while (i < end) {
                if (in_string && !escape) {
                    // Inside a string: skip 16 (or 8) bytes at a time while none is a quote or a
                    // backslash.
#if defined(__SSE2__)
                    while (end - i >= sizeof(__m128i)) {
                        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
                        const __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
                        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
                        if (mask != 0) {
                            i += static_cast<std::size_t>(std::countr_zero(mask));
                            break;
                        }
                        i += sizeof(__m128i);
                    }
#endif
                    while (end - i >= sizeof(std::uint64_t)) {
                        const std::uint64_t w = load8(data + i);
                        if ((bytes_equal(w, '"') | bytes_equal(w, '\\')) != 0) {
                            break;
                        }
                        i += sizeof(std::uint64_t);
                    }
                    if (i == end) {
                        break;
                    }
                }
                const char c = data[i++];
                if (in_string) {
                    if (escape) {
                        escape = false;
                    } else if (c == '\\') {
                        escape = true;
                    } else if (c == '"') {
                        in_string = false;
                        complete = depth == 0;
                    }
                } else if (c == '"') {
                    in_string = true;
                } else if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    complete = --depth == 0;
                }
                if (complete) {
                    break;
                }
            }
            consume(i - begin);
            if (complete) {
                return true;
            }
        }
    }

    /// Reads a string from its opening quote to its closing one; false at the end of the file.
    bool skip_string() { return skip_balanced(); }

    /// Reads one value leniently: a string, a container to its matching bracket, or a number or literal
    /// up to the next delimiter. The reader checks the text strictly afterwards.
    bool skip_value()
    {
        const int first = peek();
        if (first == '"' || first == '{' || first == '[') {
            return skip_balanced();
        }
        if (is_delimiter(first)) {
            return false;
        }
        while (!is_delimiter(peek())) {
            (void)take();
        }
        return true;
    }

    /// Pass 1: the document with `events` replaced by `[]`, or nullopt when it is not an object with
    /// exactly one `events` array (as far as a lenient scan can tell).
    [[nodiscard]] std::optional<std::string> header_document()
    {
        std::string header;
        copy = &header;
        const std::array<int, 3> bom{0xEF, 0xBB, 0xBF};
        if (peek() == bom[0]) {
            // As for a whole document (json_document.h): a UTF-8 byte order mark takes no column.
            count = false;
            for (const int b : bom) {
                if (take() != b) {
                    return std::nullopt;
                }
            }
            count = true;
        }
        skip_ws();
        if (take() != '{') {
            return std::nullopt;
        }
        bool seen_events = false;
        skip_ws();
        if (peek() == '}') {
            return std::nullopt; // no `events`
        }
        while (true) {
            skip_ws();
            if (peek() != '"') {
                return std::nullopt;
            }
            const std::size_t key_start = header.size();
            if (!skip_string()) {
                return std::nullopt;
            }
            const std::string_view key_text = std::string_view(header).substr(key_start);
            const auto key_doc = detail::JsonDocument::parse(key_text, detail::TextOrigin{}, Limits{});
            if (!key_doc || key_doc->kind(0) != detail::JsonDocument::Kind::string) {
                return std::nullopt;
            }
            const std::string key = key_doc->string(0);
            skip_ws();
            if (take() != ':') {
                return std::nullopt;
            }
            skip_ws();
            if (key == "events") {
                if (seen_events || peek() != '[') {
                    return std::nullopt;
                }
                seen_events = true;
                events_offset = offset;
                events_at = at;
                copy = nullptr;
                count = false; // nothing after `events` needs a file position on success
                if (!skip_value()) {
                    return std::nullopt;
                }
                events_end = offset;
                copy = &header;
                header += "[]";
            } else if (!skip_value()) {
                return std::nullopt;
            }
            skip_ws();
            const int c = take();
            if (c == '}') {
                break;
            }
            if (c != ',') {
                return std::nullopt;
            }
        }
        skip_ws();
        if (peek() != kEnd || read_error || !seen_events) {
            return std::nullopt;
        }
        copy = nullptr;
        return header;
    }

    /// Pass 2: the next element of `events`.
    [[nodiscard]] std::optional<Event> next_event(const std::string& file_label)
    {
        if (done || failed) {
            return std::nullopt;
        }
        skip_ws();
        if (next_index > 0) {
            const int c = take();
            if (c == ']') {
                return finish_array();
            }
            if (c != ',') {
                return stop();
            }
            skip_ws();
        } else if (peek() == ']') {
            (void)take();
            return finish_array();
        }
        const Position element_at = at;
        std::string element;
        copy = &element;
        const bool read = skip_value();
        copy = nullptr;
        if (!read || offset >= events_end) {
            return stop();
        }
        std::optional<Event> event =
            detail::parse_event(element, file_label, element_at, next_index, previous_at);
        if (!event) {
            return stop();
        }
        ++next_index;
        previous_at = event->at;
        return event;
    }

    [[nodiscard]] std::optional<Event> finish_array()
    {
        // The array must end where pass 1 found its end, and the file must still be the same.
        done = true;
        failed = offset != events_end || read_error;
        return std::nullopt;
    }

    [[nodiscard]] std::optional<Event> stop()
    {
        failed = true;
        return std::nullopt;
    }
};

TraceStream::TraceStream(std::unique_ptr<State> state, Trace header)
    : state_(std::move(state)), header_(std::move(header))
{
}

TraceStream::~TraceStream() = default;
TraceStream::TraceStream(TraceStream&&) noexcept = default;
TraceStream& TraceStream::operator=(TraceStream&&) noexcept = default;

std::optional<TraceStream> TraceStream::open(const std::string& path)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::is_regular_file(status)) {
        return std::nullopt; // pipes cannot be read twice; errors come from the whole-file reader
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec || size > detail::kMaxFileSize) {
        return std::nullopt;
    }
    auto state = std::make_unique<State>();
    state->path = path;
    state->file.reset(std::fopen(path.c_str(), "rb"));
    if (!state->file) {
        return std::nullopt;
    }
    const std::optional<std::string> header_text = state->header_document();
    if (!header_text) {
        return std::nullopt;
    }
    Expected<Trace> header = parse_trace(*header_text, path, 1);
    if (!header || !state->seek(state->events_offset)) {
        return std::nullopt;
    }
    state->at = state->events_at;
    state->count = true;
    (void)state->take(); // the `[`
    return TraceStream(std::move(state), std::move(*header));
}

std::optional<Event> TraceStream::next() { return state_->next_event(header_.file); }

std::size_t TraceStream::events() const { return state_->next_index; }

bool TraceStream::failed() const { return state_->failed; }

} // namespace pc5check::trace
