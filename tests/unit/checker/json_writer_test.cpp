/// Tests of the streaming JSON writer (checker/src/report/json_writer.cpp): the layout of nlohmann's
/// dump(2), byte for byte, at any base indentation.

#include "report/json_writer.h"

#include <cstddef>
#include <doctest/doctest.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;
using pc5check::report::JsonWriter;

/// `text` with every line after the first indented `indent` more spaces.
std::string indented(const std::string& text, std::size_t indent)
{
    std::string out;
    for (const char c : text) {
        out += c;
        if (c == '\n') {
            out.append(indent, ' ');
        }
    }
    return out;
}

/// A document with every kind of value the writer has, nested three deep, written by `w`.
void write_sample(JsonWriter& w)
{
    w.begin_object();
    w.key("a \"key\"\n");
    w.value("escaped \\ \t \x01 and UTF-8 \xE2\x86\x92");
    w.key("empty_array");
    w.begin_array();
    w.end_array();
    w.key("empty_object");
    w.begin_object();
    w.end_object();
    w.key("list");
    w.begin_array();
    w.value(std::size_t{0});
    w.value(std::numeric_limits<std::size_t>::max());
    w.value("");
    w.begin_array();
    w.begin_array();
    w.end_array();
    w.end_array();
    w.begin_object();
    w.member("deep", "er");
    w.key("deepest");
    w.begin_object();
    w.member("n", std::size_t{42});
    w.end_object();
    w.end_object();
    w.end_array();
    w.member("z", std::size_t{7});
    w.end_object();
}

/// The same document as a DOM.
json sample_json()
{
    return {{"a \"key\"\n", "escaped \\ \t \x01 and UTF-8 \xE2\x86\x92"},
            {"empty_array", json::array()},
            {"empty_object", json::object()},
            {"list",
             {0U,
              std::numeric_limits<std::size_t>::max(),
              "",
              json::array({json::array()}),
              {{"deep", "er"}, {"deepest", {{"n", 42U}}}}}},
            {"z", 7U}};
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("json_writer: empty containers are [] and {}")
    {
        std::string out;
        JsonWriter object(out);
        object.begin_object();
        object.end_object();
        CHECK(out == "{}");
        out.clear();
        JsonWriter array(out, 4);
        array.begin_array();
        array.end_array();
        CHECK(out == "[]");
    }

    TEST_CASE("json_writer: nesting, separators and numbers as dump(2)")
    {
        std::string out;
        JsonWriter w(out);
        write_sample(w);
        CHECK(out == sample_json().dump(2));
        CHECK(json::parse(out) == sample_json());
    }

    TEST_CASE("json_writer: a base indentation indents every line after the first")
    {
        for (const std::size_t indent : {std::size_t{2}, std::size_t{4}, std::size_t{8}}) {
            CAPTURE(indent);
            std::string out = "prefix ";
            JsonWriter w(out, indent);
            write_sample(w);
            CHECK(out == "prefix " + indented(sample_json().dump(2), indent));
        }
    }

    TEST_CASE("json_writer: scalars at the top level and one-element containers")
    {
        std::string out;
        JsonWriter(out).value("top");
        CHECK(out == R"("top")");
        out.clear();
        JsonWriter(out).value(std::size_t{123});
        CHECK(out == "123");
        out.clear();
        JsonWriter w(out);
        w.begin_array();
        w.begin_object();
        w.member("k", "v");
        w.end_object();
        w.end_array();
        CHECK(out == json::array({{{"k", "v"}}}).dump(2));
    }
}
