#include "pc5check/trace/trace.h"
#include "trace/position_index.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace pc5check::trace {

namespace {

namespace fs = std::filesystem;

/// Largest trace file read (DESIGN.md input limits): larger ones are refused before reading.
constexpr std::uintmax_t kMaxFileSize = std::uintmax_t{1} << 30U;

[[nodiscard]] tl::unexpected<Error> file_error(ErrorCode code, const std::string& path, std::string message)
{
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.file = path;
    return tl::make_unexpected(std::move(e));
}

[[nodiscard]] std::string size_limit_message(std::uintmax_t found)
{
    return "expected a trace file of at most " + std::to_string(kMaxFileSize) + " bytes (1 GiB), found " +
           (found > kMaxFileSize ? std::to_string(found) + " bytes" : std::string("more"));
}

struct FileCloser {
    void operator()(std::FILE* f) const { (void)std::fclose(f); }
};

[[nodiscard]] Expected<std::string> read_file(const std::string& path)
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
        if (!ec && size > kMaxFileSize) {
            return file_error(ErrorCode::limit, path, size_limit_message(size));
        }
    }
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return file_error(ErrorCode::io, path, "cannot read file: " + std::generic_category().message(errno));
    }
    // Read in chunks with the limit re-checked: the size may change, and pipes have none.
    std::string text;
    std::vector<char> chunk(std::size_t{1} << 16U);
    while (true) {
        const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get());
        text.append(chunk.data(), n);
        if (text.size() > kMaxFileSize) {
            return file_error(ErrorCode::limit, path, size_limit_message(0));
        }
        if (n < chunk.size()) {
            break;
        }
    }
    if (std::ferror(file.get()) != 0) {
        return file_error(ErrorCode::io, path, "cannot read file: read error");
    }
    return text;
}

[[nodiscard]] bool is_trace_file_name(const fs::path& p)
{
    return p.extension() == ".json" || p.extension() == ".jsonl";
}

} // namespace

Expected<std::vector<Expected<Trace>>> read_trace_file(const std::string& path)
{
    Expected<std::string> text = read_file(path);
    if (!text) {
        return tl::make_unexpected(std::move(text).error());
    }
    if (detail::is_blank(*text)) {
        return file_error(ErrorCode::bad_input, path,
                          "expected a pc5-trace/1 JSON document, found an empty file");
    }
    std::vector<Expected<Trace>> traces;
    if (fs::path(path).extension() != ".jsonl") {
        traces.push_back(parse_trace(*text, path, 1));
        return traces;
    }
    const std::string_view all = *text;
    std::size_t line = 1;
    for (std::size_t start = 0; start <= all.size(); ++line) {
        std::size_t end = all.find('\n', start);
        if (end == std::string_view::npos) {
            end = all.size();
        }
        std::string_view document = all.substr(start, end - start);
        if (document.ends_with('\r')) {
            document.remove_suffix(1);
        }
        if (!detail::is_blank(document)) {
            traces.push_back(parse_trace(document, path, line));
        }
        start = end + 1;
    }
    return traces;
}

Expected<std::vector<std::string>> collect_trace_files(const std::vector<std::string>& paths)
{
    std::vector<std::string> files;
    for (const std::string& path : paths) {
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
