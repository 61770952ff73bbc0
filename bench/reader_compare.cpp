/// \file pc5check_reader_compare: how fast candidate JSON readers go through the same trace documents —
/// the measurement behind the choice of the trace reader (trace/json_document.h, docs/performance.md
/// "One trace reader"). Each line of a `.jsonl` file is read, in one run and interleaved round by
/// round, by:
///   nlohmann     nlohmann::json::parse (a DOM; no positions, keeps one of duplicate keys)
///   rapidjson    RapidJSON's SAX Reader with a handler that does nothing (validating UTF-8)
///   simdjson     simdjson On-Demand, every value visited (the document must be walked to be checked)
///   pc5check     trace::parse_trace: the whole reader, JSON and contract, building the Trace
/// Built with -DPC5CHECK_BUILD_BENCH=ON when rapidjson-dev and libsimdjson-dev are installed.
///
/// Usage: pc5check_reader_compare FILE.jsonl [ROUNDS]
/// Prints per reader the best round's MB/s and its ratio to pc5check's.

#include "pc5check/trace/trace.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <rapidjson/reader.h>
#include <simdjson.h>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// A SAX handler that accepts everything (RapidJSON still checks syntax and encoding).
struct NullHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NullHandler> {
    // NOLINTNEXTLINE(readability-identifier-naming): RapidJSON's handler interface
    bool Default() { return true; }
};

/// Visits every value of an On-Demand value (simdjson checks what it visits).
simdjson::error_code walk(simdjson::ondemand::value v, std::size_t& count)
{
    ++count;
    simdjson::ondemand::json_type type{};
    if (const auto e = v.type().get(type); e != simdjson::SUCCESS) {
        return e;
    }
    switch (type) {
    case simdjson::ondemand::json_type::object:
        for (auto field : v.get_object()) {
            std::string_view key;
            if (const auto e = field.unescaped_key().get(key); e != simdjson::SUCCESS) {
                return e;
            }
            if (const auto e = walk(field.value(), count); e != simdjson::SUCCESS) {
                return e;
            }
        }
        return simdjson::SUCCESS;
    case simdjson::ondemand::json_type::array:
        for (auto element : v.get_array()) {
            simdjson::ondemand::value ev;
            if (const auto e = element.get(ev); e != simdjson::SUCCESS) {
                return e;
            }
            if (const auto e = walk(ev, count); e != simdjson::SUCCESS) {
                return e;
            }
        }
        return simdjson::SUCCESS;
    case simdjson::ondemand::json_type::string: {
        std::string_view s;
        return v.get_string().get(s);
    }
    case simdjson::ondemand::json_type::number: {
        simdjson::ondemand::number n;
        return v.get_number().get(n);
    }
    case simdjson::ondemand::json_type::boolean: {
        bool b = false;
        return v.get_bool().get(b);
    }
    case simdjson::ondemand::json_type::null:
        break;
    }
    return simdjson::SUCCESS;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: pc5check_reader_compare FILE.jsonl [ROUNDS]\n";
        return 2;
    }
    const int rounds = argc > 2 ? std::stoi(argv[2]) : 5;
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<std::string> lines;
    std::size_t bytes = 0;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            bytes += line.size();
            lines.push_back(std::move(line));
        }
    }
    // simdjson wants padding after each document.
    std::vector<simdjson::padded_string> padded;
    padded.reserve(lines.size());
    for (const std::string& l : lines) {
        padded.emplace_back(l);
    }
    simdjson::ondemand::parser simd;
    std::size_t sink = 0;
    const std::vector<std::pair<std::string, std::function<bool()>>> readers = {
        {"nlohmann",
         [&] {
             for (const std::string& l : lines) {
                 sink += nlohmann::json::parse(l).size();
             }
             return true;
         }},
        {"rapidjson",
         [&] {
             for (const std::string& l : lines) {
                 rapidjson::Reader reader;
                 NullHandler handler;
                 rapidjson::StringStream ss(l.c_str());
                 if (reader
                         .Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag>(
                             ss, handler)
                         .IsError()) {
                     return false;
                 }
             }
             return true;
         }},
        {"simdjson",
         [&] {
             for (const simdjson::padded_string& l : padded) {
                 simdjson::ondemand::document doc;
                 if (simd.iterate(l).get(doc) != simdjson::SUCCESS) {
                     return false;
                 }
                 simdjson::ondemand::value root;
                 if (doc.get_value().get(root) != simdjson::SUCCESS ||
                     walk(root, sink) != simdjson::SUCCESS) {
                     return false;
                 }
             }
             return true;
         }},
        {"pc5check",
         [&] {
             std::size_t line = 1;
             for (const std::string& l : lines) {
                 const auto t = pc5check::trace::parse_trace(l, "bench.jsonl", line++);
                 if (!t) {
                     std::cerr << t.error().to_string() << "\n";
                     return false;
                 }
                 sink += t->events.size();
             }
             return true;
         }},
    };
    std::vector<double> best(readers.size(), 1e300);
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t i = 0; i < readers.size(); ++i) {
            const auto start = std::chrono::steady_clock::now();
            if (!readers[i].second()) {
                std::cerr << readers[i].first << ": a document did not read\n";
                return 1;
            }
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            best[i] = std::min(best[i], took.count());
        }
    }
    const double ours = best.back();
    std::cout << "documents=" << lines.size() << " bytes=" << bytes << " rounds=" << rounds
              << " sink=" << sink << "\n";
    for (std::size_t i = 0; i < readers.size(); ++i) {
        std::cout << readers[i].first << ": " << static_cast<double>(bytes) / best[i] / 1e6
                  << " MB/s, time ratio to pc5check " << best[i] / ours << "\n";
    }
    return 0;
}
