#include "trace/json_document.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using pc5check::Error;
using pc5check::ErrorCode;
using pc5check::trace::Limits;
using pc5check::trace::Position;
using pc5check::trace::detail::escape_pointer_token;
using pc5check::trace::detail::JsonDocument;
using pc5check::trace::detail::TextOrigin;
using pc5check::trace::detail::TextPositions;

namespace {

JsonDocument parse_ok(std::string_view text, std::size_t first_line = 1, const Limits& limits = {})
{
    TextOrigin origin;
    origin.at = Position{first_line, 1};
    auto r = JsonDocument::parse(text, origin, limits);
    REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
    return std::move(*r);
}

Error parse_error(std::string_view text, std::size_t first_line = 1, const Limits& limits = {})
{
    TextOrigin origin;
    origin.at = Position{first_line, 1};
    auto r = JsonDocument::parse(text, origin, limits);
    REQUIRE_MESSAGE(!r.has_value(), text);
    return r.error();
}

/// The value at `pointer` (unescaped keys without '/'), by walking the tape.
JsonDocument::Ref at(const JsonDocument& doc, std::string_view pointer)
{
    JsonDocument::Ref r = 0;
    while (!pointer.empty()) {
        pointer.remove_prefix(1);
        const std::string_view token = pointer.substr(0, pointer.find('/'));
        pointer.remove_prefix(token.size());
        if (doc.kind(r) == JsonDocument::Kind::object) {
            const auto m = doc.member(r, token);
            REQUIRE(m.has_value());
            r = *m;
        } else {
            const std::size_t want = std::stoul(std::string(token));
            std::optional<JsonDocument::Ref> found;
            doc.for_each_element(r, [&](std::size_t i, JsonDocument::Ref e) {
                if (i == want) {
                    found = e;
                }
                return !found;
            });
            REQUIRE(found.has_value());
            r = *found;
        }
    }
    return r;
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("json document: values, positions and the tape's shape")
    {
        const std::string text =
            "{\"a\": [10, {\"b/c\": \"x\\\"y\", \"d~\": null}],\n \"e\": {\"f\": {\"g\": 1}}}";
        const JsonDocument doc = parse_ok(text, 5);
        CHECK(doc.position(0) == Position{5, 1});
        const auto a1 = at(doc, "/a/1");
        CHECK(doc.kind(a1) == JsonDocument::Kind::object);
        CHECK(doc.position(a1) == Position{5, 12});
        const auto bc = doc.member(a1, "b/c");
        REQUIRE(bc.has_value());
        CHECK(doc.token(*bc) == "\"x\\\"y\"");
        CHECK(doc.string(*bc) == "x\"y");
        CHECK(doc.position(*bc) == Position{5, 20});
        CHECK(doc.kind(*doc.member(a1, "d~")) == JsonDocument::Kind::null);
        CHECK(doc.position(at(doc, "/e")) == Position{6, 7});
        CHECK(doc.position(at(doc, "/e/f/g")).line == 6);
        CHECK(doc.node(at(doc, "/a")).size == 2);
        CHECK_FALSE(doc.member(0, "x").has_value());
        // Positions asked for out of order come out the same.
        CHECK(doc.position(at(doc, "/a/0")) == Position{5, 8});
        CHECK(doc.position(at(doc, "/e")) == Position{6, 7});
    }

    TEST_CASE("json document: numbers are typed as nlohmann types them")
    {
        const std::string text =
            R"([0, -0, 1, -1, 18446744073709551615, 18446744073709551616, 1.5, 1e2, -9223372036854775809, 1e-999])";
        const JsonDocument doc = parse_ok(text);
        const nlohmann::json ours = doc.to_json(0);
        const nlohmann::json theirs = nlohmann::json::parse(text);
        REQUIRE(ours.size() == theirs.size());
        for (std::size_t i = 0; i < ours.size(); ++i) {
            INFO(i);
            CHECK(ours[i].type() == theirs[i].type());
            CHECK(ours[i] == theirs[i]);
        }
        // Strings with every kind of escape decode as nlohmann decodes them.
        const std::string strings =
            R"({"k": ["\"\\\/\b\f\n\r\t", "\u00e9\u20ac\ud83d\ude00", "", "plain é"]})";
        CHECK(parse_ok(strings).to_json(0) == nlohmann::json::parse(strings));
    }

    TEST_CASE("json document: duplicates in objects too large for a linear search")
    {
        std::string text = "{";
        for (int i = 0; i < 40; ++i) {
            text += "\"k" + std::to_string(i) + "\": 0, ";
        }
        text += "\"k3\": 1}";
        const Error e = parse_error(text);
        CHECK(e.json_pointer == "/k3");
        CHECK(e.column == text.rfind("\"k3\"") + 1);
        CHECK(e.message == "duplicate key 'k3'; expected each key once per object (first at line 1, column " +
                               std::to_string(text.find("\"k3\"") + 1) + ")");
        // 40 distinct keys: no duplicate.
        (void)parse_ok(text.substr(0, text.rfind(", ")) + "}");
    }

    TEST_CASE("json document: duplicate keys also when escaped, with the pointer of the object")
    {
        Error e = parse_error("{\"x\": [0, {\"k\": 1,\n \"\\u006b\": 2}]}");
        CHECK(e.json_pointer == "/x/1/k");
        CHECK(e.message.find("duplicate key 'k'") == 0);
        CHECK(e.message.find("(first at line 1, column 12)") != std::string::npos);
        CHECK(e.line == 2);
        CHECK(e.column == 2);
        // Surrogate pairs decode to one character.
        e = parse_error("{\"\\ud83d\\ude00\": 1, \"\xF0\x9F\x98\x80\": 2}");
        CHECK(e.message.find("duplicate key '\xF0\x9F\x98\x80'") == 0);
        (void)parse_ok(R"([{"k": 1}, {"k": 2}])");
        // A syntax error later in the text wins over a duplicate key (as when nlohmann parsed first).
        e = parse_error(R"({"a": 1, "a": 2, "b": tru})");
        CHECK(e.message.find("invalid JSON") == 0);
    }

    TEST_CASE("json document: nesting limit and number overflow")
    {
        const std::size_t max = Limits{}.max_nesting;
        const std::string deep = std::string(max, '[') + std::string(max, ']');
        (void)parse_ok(deep);
        Error e = parse_error("[" + deep + "]");
        CHECK(e.code == ErrorCode::limit);
        CHECK(e.column == max + 1);
        CHECK(e.message ==
              "expected JSON nested at most 100 levels deep (limit --max-nesting), found deeper nesting");

        e = parse_error("[1e308, 1e-999, 123456789012345678901234567890, -2E+400]", 3);
        CHECK(e.code == ErrorCode::bad_input);
        CHECK(e.line == 3);
        CHECK(e.column == 49);
        CHECK(e.message ==
              "invalid JSON: expected a number within the range of a double; number overflow parsing "
              "'-2E+400'");
        // A value inside a document counts the containers open around it.
        TextOrigin origin;
        origin.depth = 2;
        Limits limits;
        limits.max_nesting = 3;
        CHECK(JsonDocument::parse("{}", origin, limits).has_value());
        CHECK_FALSE(JsonDocument::parse("{\"a\": []}", origin, limits).has_value());
    }

    TEST_CASE("json document: configured nesting and number length limits")
    {
        Limits limits;
        limits.max_nesting = 3;
        (void)parse_ok("[[[]]]", 1, limits);
        Error e = parse_error("{\"a\": [[[1]]]}", 1, limits);
        CHECK(e.column == 9);
        limits.max_nesting = 1000;
        (void)parse_ok(std::string(500, '[') + std::string(500, ']'), 1, limits);

        limits.max_number_chars = 5;
        e = parse_error("[12345, -1.5,\n -123456, 1234567]", 1, limits);
        CHECK(e.code == ErrorCode::limit);
        CHECK(e.line == 2);
        CHECK(e.column == 2);
        CHECK(e.message == "expected JSON numbers of at most 5 characters (limit --max-number-chars), found "
                           "one of 7 characters");
        // Strings and keys are not numbers.
        (void)parse_ok(R"({"1234567": "1234567"})", 1, limits);
    }

    TEST_CASE("json document: syntax errors are worded as nlohmann words them, at the same place")
    {
        // Each text and the parser's message; the position is that of the last byte nlohmann read. The
        // words are nlohmann's up to "last read"; for an invalid literal nlohmann's excerpt reaches back
        // over the tokens before it ('"a": tru}', '{} x'), the parser's shows the literal alone.
        const std::pair<const char*, const char*> cases[] = {
            {R"({"a" 1})",
             "syntax error while parsing object separator - unexpected number literal; expected ':'"},
            {R"({"a": 1,})",
             "syntax error while parsing object key - unexpected '}'; expected string literal"},
            {R"([1,])", "syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal"},
            {R"([1 2])", "syntax error while parsing array - unexpected number literal; expected ']'"},
            {R"({"a": 1])", "syntax error while parsing object - unexpected ']'; expected '}'"},
            {R"({"a": tru})", "syntax error while parsing value - invalid literal; last read: 'tru}'"},
            {R"({"a": NaN})", "syntax error while parsing value - invalid literal; last read: 'N'"},
            {R"({'a': 1})", "syntax error while parsing object key - invalid literal; last read: '''; "
                            "expected string literal"},
            {R"({"a": -x})",
             "syntax error while parsing value - invalid number; expected digit after '-'; last "
             "read: '-x'"},
            {R"({"a": 1.})",
             "syntax error while parsing value - invalid number; expected digit after '.'; last "
             "read: '1.}'"},
            {R"({"a": "x\q"})",
             "syntax error while parsing value - invalid string: forbidden character after "
             "backslash; last read: '\"x\\q'"},
            {"{\"a\": \"x\ny\"}",
             "syntax error while parsing value - invalid string: control character U+000A "
             "(LF) must be escaped to \\u000A or \\n; last read: '\"x<U+000A>'"},
            {R"({"a)",
             "syntax error while parsing object key - invalid string: missing closing quote; last read: "
             "'\"a'; expected string literal"},
            {"{} x",
             "syntax error while parsing value - invalid literal; last read: 'x'; expected end of input"},
            {"[1", "syntax error while parsing array - unexpected end of input; expected ']'"},
            {"{\"a\": \"\xC3(\"}",
             "syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last "
             "read: '\"\\xC3('"},
        };
        for (const auto& c : cases) {
            // Not structured bindings: INFO's lambda captures `text` (Clang 14 cannot).
            const auto& text = c.first;
            const auto& message = c.second;
            INFO(text);
            const Error e = parse_error(text);
            CHECK(e.code == ErrorCode::bad_input);
            CHECK(e.message == std::string("invalid JSON: ") + message);
            // The same input through nlohmann: the same words and position (1-based byte of the last read).
            try {
                const nlohmann::json j = nlohmann::json::parse(text);
                FAIL_CHECK("nlohmann accepted it");
            } catch (const nlohmann::json::parse_error& pe) {
                const std::string what = pe.what();
                const std::string ascii = pc5check::trace::detail::printable(what, 1000, true);
                const std::string_view words(message);
                const bool literal = words.find("invalid literal; last read: '") != std::string_view::npos;
                if (literal) {
                    // The same sentence; nlohmann's excerpt ends with the parser's, and what follows it
                    // (the closing quote, "; expected ...") is the same.
                    const std::size_t cut =
                        words.find("last read: '") + std::string_view("last read: '").size();
                    CHECK(ascii.find(words.substr(0, cut)) != std::string::npos);
                    CHECK(ascii.find(words.substr(cut)) != std::string::npos);
                } else {
                    CHECK(ascii.find(message) != std::string::npos);
                }
                CHECK(e.column == pe.byte);
            }
        }
    }

    TEST_CASE("json document: garbage does not crash or hang")
    {
        std::uint32_t state = 12345;
        const std::string alphabet = "{}[]\",:\\ \n\tu0123456789abcdefe-+.trufalsn\xC3\xA9\xFF";
        std::size_t read = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string text;
            for (int i = 0; i < 40; ++i) {
                state = state * 1664525U + 1013904223U;
                text += alphabet[(state >> 16U) % alphabet.size()];
            }
            const auto r = JsonDocument::parse(text, TextOrigin{}, Limits{});
            bool nlohmann_reads = true;
            try {
                const nlohmann::json j = nlohmann::json::parse(text);
                nlohmann_reads = !j.is_discarded();
            } catch (const nlohmann::json::exception&) {
                nlohmann_reads = false;
            }
            // Refused exactly when nlohmann refuses, or for a duplicate key.
            CHECK((r.has_value() || r.error().message.starts_with("duplicate key")) == nlohmann_reads);
            read += r.has_value() ? 1U : 0U;
        }
        for (const char* text : {"", R"(")", R"("\)", R"("\u12)", R"({"a)", R"({"a":)", "]]]}}}",
                                 "\xEF\xBB\xBF", R"({"\ud800\u)", "\xEF\xBB"}) {
            CHECK_FALSE(JsonDocument::parse(text, TextOrigin{}, Limits{}).has_value());
        }
        MESSAGE("random texts that read: " << read);
    }

    TEST_CASE("json document: helpers")
    {
        CHECK(escape_pointer_token("a/b~c") == "a~1b~0c");
        TextOrigin origin;
        origin.at = Position{10, 1};
        const TextPositions p("ab\ncd", origin);
        CHECK(p.at(4) == Position{11, 2});
        CHECK(p.at(1) == Position{10, 2});
        CHECK(TextPositions("\xC3\xA9x", TextOrigin{}).at(2).column == 2);
        CHECK(TextPositions("ab", TextOrigin{}).at(99).column == 3);           // clamped to the end
        CHECK(TextPositions("\xEF\xBB\xBFx", TextOrigin{}).at(3).column == 1); // a byte order mark takes none
        CHECK(pc5check::trace::detail::is_blank("\xEF\xBB\xBF \t\r\n"));
        CHECK_FALSE(pc5check::trace::detail::is_blank(" x"));
    }

    TEST_CASE("json document: positions of an ASCII text found by memchr are the counted ones")
    {
        const std::string text = "{\"a\": 1,\n  \"bb\": [\n\n 2, 3],\r\n\t\"c\": \"x y\"}\n";
        TextOrigin origin;
        origin.at = Position{7, 5};
        TextPositions counted(text, origin);
        TextPositions ascii(text, origin);
        ascii.set_ascii(true);
        for (std::size_t offset = 0; offset <= text.size() + 1; ++offset) {
            CHECK(ascii.at(offset) == counted.at(offset));
        }
        for (std::size_t offset = text.size() + 1; offset-- > 0;) { // backwards: from the start again
            CHECK(ascii.at(offset) == counted.at(offset));
        }
        for (const std::size_t offset : {std::size_t{30}, std::size_t{3}, std::size_t{17}, std::size_t{0}}) {
            CHECK(ascii.at(offset) == counted.at(offset));
        }
    }

    TEST_CASE("json document: a tape given back is reused by the next document, whatever their sizes")
    {
        std::string large = "[";
        for (int i = 0; i < 5000; ++i) {
            large += (i == 0 ? "" : ",") + std::string(R"({"k": "v", "n": -1.5e3, "t": [true, null]})");
        }
        large += "]";
        const std::vector<std::string> texts = {large, R"({"a": {"b": [1, 2]}})", "7", large,
                                                R"(["é", "\u00e9"])"};
        for (int round = 0; round < 2; ++round) {
            for (const std::string& text : texts) {
                const JsonDocument doc = parse_ok(text);
                CHECK(doc.to_json(0) == nlohmann::json::parse(text));
                JsonDocument moved = parse_ok(R"({"x": 1})");
                moved = parse_ok(text); // move assignment hands the old tape back
                CHECK(moved.to_json(0) == nlohmann::json::parse(text));
            }
        }
    }
}
