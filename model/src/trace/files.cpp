#include "pc5check/trace/trace.h"
#include "trace/json_document.h"
#include "trace/stream_detail.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pc5check::trace {

namespace {

namespace fs = std::filesystem;

[[nodiscard]] tl::unexpected<Error> file_error(ErrorCode code, const std::string& path, std::string message)
{
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.file = path;
    return tl::make_unexpected(std::move(e));
}

/// `found`: the size if known (0: more than the limit, size unknown).
[[nodiscard]] std::string size_limit_message(std::string_view what, std::uint64_t limit, std::uintmax_t found)
{
    return "expected " + std::string(what) + " of at most " + std::to_string(limit) +
           " bytes (limit --max-file-bytes), found " +
           (found > limit ? std::to_string(found) + " bytes" : std::string("more"));
}

struct FileCloser {
    void operator()(std::FILE* f) const { (void)std::fclose(f); }
};

/// The rest of an open stream, in chunks with the limit re-checked: the size may change, and pipes
/// have none.
[[nodiscard]] Expected<std::string> read_all(std::FILE* file, const std::string& name,
                                             std::uint64_t max_bytes)
{
    std::string text;
    std::vector<char> chunk(std::size_t{1} << 16U);
    while (true) {
        const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file);
        text.append(chunk.data(), n);
        if (text.size() > max_bytes) {
            return file_error(ErrorCode::limit, name, size_limit_message("a trace file", max_bytes, 0));
        }
        if (n < chunk.size()) {
            break;
        }
    }
    if (std::ferror(file) != 0) {
        return file_error(ErrorCode::io, name, "cannot read file: read error");
    }
    return text;
}

[[nodiscard]] Expected<std::string> read_file(const std::string& path, std::uint64_t max_bytes)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec) {
        return file_error(ErrorCode::io, path, "cannot read file: " + ec.message());
    }
    if (fs::is_directory(status)) {
        return file_error(ErrorCode::io, path, "cannot read file: it is a directory");
    }
    if (fs::is_regular_file(status)) {
        const std::uintmax_t size = fs::file_size(path, ec);
        if (!ec && size > max_bytes) { // refused before reading
            return file_error(ErrorCode::limit, path, size_limit_message("a trace file", max_bytes, size));
        }
    }
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return file_error(ErrorCode::io, path, "cannot read file: " + std::generic_category().message(errno));
    }
    return read_all(file.get(), path, max_bytes);
}

/// Texts of documents given back by recycle_document on this thread, into which its next `.jsonl`
/// lines are read: a file of short lines then allocates no text per line (each allocation of a few kB
/// made the allocator sort its bins of small blocks again). More than one: with -j N the reading
/// thread gets its documents' texts back a batch at a time, when their results are handed on.
thread_local std::vector<std::string>
    t_spare_texts; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// Largest text kept for reuse (1 MiB): a long line's memory goes with it.
constexpr std::size_t kMaxSpareText = std::size_t{1} << 20U;
/// Texts kept for reuse at most: a window of documents in flight (check -j N reads 64 per job ahead).
constexpr std::size_t kMaxSpareTexts = 256;
/// Bytes kept for reuse at most, all texts together.
constexpr std::size_t kMaxSpareBytes = std::size_t{16} << 20U;
thread_local std::size_t t_spare_bytes = 0; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// A text given back on this thread (empty, its memory kept), or a new one.
[[nodiscard]] std::string spare_text()
{
    if (t_spare_texts.empty()) {
        return {};
    }
    std::string text = std::move(t_spare_texts.back());
    t_spare_texts.pop_back();
    t_spare_bytes -= text.capacity();
    text.clear();
    return text;
}

/// A whole text as one document (a `.json` file).
[[nodiscard]] Expected<void> whole_document(Expected<std::string>&& text, const std::string& name,
                                            const std::function<void(Expected<RawDocument>&&)>& on_document)
{
    if (!text) {
        return tl::make_unexpected(std::move(text).error());
    }
    if (detail::is_blank(*text)) {
        return file_error(ErrorCode::bad_input, name,
                          "expected a pc5-trace/1 JSON document, found an empty file");
    }
    on_document(RawDocument{std::move(*text), 1});
    return {};
}

/// The lines of an open stream as documents (a `.jsonl` file): each is handed on before the next is
/// read, so memory follows the longest line, not the stream.
[[nodiscard]] Expected<void> line_documents(std::FILE* file, const std::string& name,
                                            const std::function<void(Expected<RawDocument>&&)>& on_document,
                                            const Limits& limits)
{
    std::string document;
    std::vector<char> chunk(std::size_t{1} << 16U);
    std::size_t line = 1;
    bool any = false;
    bool too_long = false;
    const auto flush = [&]() {
        std::string_view text = document;
        if (text.ends_with('\r')) {
            text.remove_suffix(1);
        }
        if (too_long) {
            Error e;
            e.code = ErrorCode::limit;
            e.file = name;
            e.line = line;
            e.message = size_limit_message("a .jsonl line", limits.max_file_bytes, 0);
            on_document(tl::make_unexpected(std::move(e)));
            any = true;
        } else if (!detail::is_blank(text)) {
            // The line's text moves on with it; the next line is read into a text given back, if any.
            document.resize(text.size());
            RawDocument raw{std::move(document), line};
            document = spare_text();
            on_document(std::move(raw));
            any = true;
        }
        document.clear();
        too_long = false;
        ++line;
    };
    while (true) {
        const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file);
        std::string_view data(chunk.data(), n);
        while (!data.empty()) {
            const std::size_t end = data.find('\n');
            const std::string_view part = data.substr(0, end);
            if (document.size() + part.size() > limits.max_file_bytes) {
                too_long = true;
                document.clear();
                document.shrink_to_fit();
            } else if (!too_long) {
                document.append(part);
            }
            if (end == std::string_view::npos) {
                break;
            }
            flush();
            data.remove_prefix(end + 1);
        }
        if (n < chunk.size()) {
            break;
        }
    }
    if (std::ferror(file) != 0) {
        return file_error(ErrorCode::io, name, "cannot read file: read error");
    }
    flush();
    if (!any) {
        return file_error(ErrorCode::bad_input, name,
                          "expected a pc5-trace/1 JSON document, found an empty file");
    }
    return {};
}

[[nodiscard]] bool is_trace_file_name(const fs::path& p)
{
    return p.extension() == ".json" || p.extension() == ".jsonl";
}

} // namespace

void recycle_document(RawDocument&& done)
{
    std::string text = std::move(done.text);
    done.text = std::string();
    const std::size_t bytes = text.capacity();
    if (bytes <= kMaxSpareText && t_spare_texts.size() < kMaxSpareTexts &&
        t_spare_bytes + bytes <= kMaxSpareBytes) {
        t_spare_bytes += bytes;
        t_spare_texts.push_back(std::move(text));
    }
}

Expected<void> for_each_trace_in_file(const std::string& path,
                                      const std::function<void(Expected<Trace>&&)>& on_document,
                                      const Limits& limits)
{
    return for_each_document_in_file(
        path,
        [&](Expected<RawDocument>&& doc) {
            if (!doc) {
                on_document(tl::make_unexpected(std::move(doc).error()));
                return;
            }
            Expected<Trace> trace = parse_trace(doc->text, path, doc->line, limits);
            recycle_document(std::move(*doc));
            on_document(std::move(trace));
        },
        limits);
}

Expected<void> for_each_document_in_file(const std::string& path,
                                         const std::function<void(Expected<RawDocument>&&)>& on_document,
                                         const Limits& limits)
{
    if (fs::path(path).extension() != ".jsonl") {
        return whole_document(read_file(path, limits.max_file_bytes), path, on_document);
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        return file_error(ErrorCode::io, path, "cannot read file: it is a directory");
    }
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return file_error(ErrorCode::io, path, "cannot read file: " + std::generic_category().message(errno));
    }
    return line_documents(file.get(), path, on_document, limits);
}

Expected<void> for_each_document_in_stream(std::FILE* stream, const std::string& name, InputFormat format,
                                           const std::function<void(Expected<RawDocument>&&)>& on_document,
                                           const Limits& limits)
{
    if (format == InputFormat::json) {
        return whole_document(read_all(stream, name, limits.max_file_bytes), name, on_document);
    }
    return line_documents(stream, name, on_document, limits);
}

Expected<std::vector<Expected<Trace>>> read_trace_file(const std::string& path, const Limits& limits)
{
    std::vector<Expected<Trace>> traces;
    auto read = for_each_trace_in_file(
        path, [&traces](Expected<Trace>&& doc) { traces.push_back(std::move(doc)); }, limits);
    if (!read) {
        return tl::make_unexpected(std::move(read).error());
    }
    return traces;
}

Expected<std::vector<std::string>> collect_trace_files(const std::vector<std::string>& paths)
{
    std::vector<std::string> files;
    for (const std::string& path : paths) {
        if (path == kStandardInputPath) {
            files.push_back(path); // read by for_each_document_in_stream
            continue;
        }
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            return file_error(
                ErrorCode::io, path,
                "cannot read file or directory: " +
                    (ec ? ec.message()
                        : std::make_error_code(std::errc::no_such_file_or_directory).message()));
        }
        if (!fs::is_directory(status)) {
            files.push_back(path);
            continue;
        }
        std::vector<std::string> found;
        for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code entry_ec;
            if (it->is_regular_file(entry_ec) && is_trace_file_name(it->path())) {
                found.push_back(it->path().string());
            }
        }
        if (ec) {
            return file_error(ErrorCode::io, path, "cannot read directory: " + ec.message());
        }
        if (found.empty()) {
            return file_error(ErrorCode::bad_input, path,
                              "no .json or .jsonl trace files in directory " + path);
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
    }
    return files;
}

} // namespace pc5check::trace
