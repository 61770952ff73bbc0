/// \file TraceSpool: trace results written to a temporary file as compact binary records and read back
/// (record format: spool_record.h).

#include "pc5check/checker/check.h"
#include "spool_record.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>

namespace pc5check::checker {

namespace {

using spool::RecordReader;
using spool::RecordWriter;

/// Reads a record into `t`, a result read before (or a new one): every field the record carries is
/// written, so nothing of the last record is left, and its strings and vectors keep their storage (the
/// rule IDs of the passes were a fifth of the allocations of `check` when each record had a new result).
/// A field not spooled (ReplayResult::steps) is empty in every result read back.
void get_record(RecordReader& r, TraceResult& t)
{
    r(t);
    PC5CHECK_ASSERT(r.done() && "spool record longer than its fields");
}

} // namespace

void ResultTally::add(const TraceResult& result)
{
    if (result.error) {
        ++bad;
        return;
    }
    switch (result.replay.verdict) {
    case machine::Verdict::conforms:
        ++conforms;
        break;
    case machine::Verdict::violation:
        ++violations;
        break;
    case machine::Verdict::inconclusive:
        ++inconclusive;
        break;
    }
}

void TraceSpool::Closer::operator()(std::FILE* f) const { (void)std::fclose(f); }

TraceSpool::TraceSpool(Storage storage)
    : TraceSpool(storage == Storage::temporary_file ? std::tmpfile() : nullptr)
{
    if (file_) {
        // Records are a few hundred bytes: written out 64 KiB at a time, not a system call each.
        (void)std::setvbuf(file_.get(), nullptr, _IOFBF, std::size_t{1} << 16U);
    }
}

TraceSpool::TraceSpool(std::FILE* file) : file_(file) {}

void TraceSpool::append(const TraceResult& result)
{
    ++count_;
    tally_.add(result);
    if (!write_error_.empty()) {
        return;
    }
    record_.clear();
    RecordWriter writer(record_);
    writer(result);
    if (!file_) {
        memory_.push_back(record_);
        return;
    }
    std::array<unsigned char, 8> size{};
    for (std::size_t k = 0; k < size.size(); ++k) {
        size[k] = static_cast<unsigned char>((record_.size() >> (8U * k)) & 0xFFU);
    }
    errno = 0;
    // After a read-back the stream must be positioned before it is written (C11 7.21.5.3); only then:
    // a seek flushes the buffer and, to the end, costs glibc an fstat and an lseek (once per trace
    // before, a tenth of the calling thread's time with -j 2).
    const bool positioned = !read_back_ || std::fseek(file_.get(), 0, SEEK_END) == 0;
    read_back_ = false;
    const bool ok = positioned && std::fwrite(size.data(), 1, size.size(), file_.get()) == size.size() &&
                    std::fwrite(record_.data(), 1, record_.size(), file_.get()) == record_.size();
    if (!ok) {
        write_error_ = std::generic_category().message(errno);
    }
}

Expected<void> TraceSpool::finish()
{
    errno = 0;
    if (write_error_.empty() && file_ && std::fflush(file_.get()) != 0) {
        write_error_ = std::generic_category().message(errno);
    }
    if (!write_error_.empty()) {
        // tmpfile() makes it in /tmp (glibc's P_tmpdir; TMPDIR is not consulted).
        return make_error(ErrorCode::io,
                          "cannot write the temporary file in /tmp that keeps the results: " + write_error_);
    }
    return {};
}

void TraceSpool::for_each(const std::function<void(const TraceResult&)>& visit) const
{
    TraceResult result;
    if (!file_) {
        for (const auto& bytes : memory_) {
            RecordReader reader(bytes);
            get_record(reader, result);
            visit(result);
        }
        return;
    }
    PC5CHECK_ASSERT(write_error_.empty() && "results read back after a failed write");
    (void)std::fflush(file_.get());
    (void)std::fseek(file_.get(), 0, SEEK_SET);
    read_back_ = true;
    std::string bytes;
    for (std::size_t i = 0; i < count_; ++i) {
        std::array<unsigned char, 8> size{};
        bool ok = std::fread(size.data(), 1, size.size(), file_.get()) == size.size();
        std::size_t n = 0;
        for (std::size_t k = 0; k < size.size(); ++k) {
            n |= static_cast<std::size_t>(size[k]) << (8U * k);
        }
        bytes.resize(n);
        ok = ok && std::fread(bytes.data(), 1, n, file_.get()) == n;
        PC5CHECK_ASSERT(ok && "cannot read the temporary result file back");
        RecordReader reader(bytes);
        get_record(reader, result);
        visit(result);
    }
}

void CheckRun::for_each_trace(const std::function<void(const TraceResult&)>& visit) const
{
    for (const auto& t : traces) {
        visit(t);
    }
    if (spool) {
        spool->for_each(visit);
    }
}

ResultTally CheckRun::tally() const
{
    ResultTally out = spool ? spool->tally() : ResultTally{};
    for (const auto& t : traces) {
        out.add(t);
    }
    return out;
}

} // namespace pc5check::checker
