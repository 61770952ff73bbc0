/// Tests of JSON string literals for the streaming writer (checker/src/report/json_escape.cpp): the
/// same bytes as nlohmann's dump() with ensure_ascii = false, and U+FFFD for invalid UTF-8 where
/// dump() would throw (as its error_handler_t::replace writes it).

#include "report/json_escape.h"

#include <array>
#include <cstddef>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace {

using pc5check::report::append_json_string;

std::string literal_of(std::string_view text)
{
    std::string out;
    append_json_string(out, text);
    return out;
}

/// What nlohmann 3.11.2 writes for `text`, invalid UTF-8 replaced.
std::string nlohmann_literal(const std::string& text)
{
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// "e2 86 92": the bytes of a test input, for a failure message.
std::string hex(std::string_view text)
{
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += out.empty() ? "" : " ";
        out += kDigits[u >> 4U];
        out += kDigits[u & 0xFU];
    }
    return out;
}

/// Input and its literal.
struct Case {
    std::string_view text;
    std::string_view literal;
};

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("json_escape: quotes, backslash, the short escapes and other control characters")
    {
        using namespace std::string_view_literals;
        const std::array cases{
            Case{"", R"("")"},
            Case{"plain ASCII ~!@#$%^&*()/", R"("plain ASCII ~!@#$%^&*()/")"},
            Case{"\"", R"("\"")"},
            Case{"\\", R"("\\")"},
            Case{"\b", R"("\b")"},
            Case{"\f", R"("\f")"},
            Case{"\n", R"("\n")"},
            Case{"\r", R"("\r")"},
            Case{"\t", R"("\t")"},
            Case{"\0"sv, R"("\u0000")"},
            Case{"\x01", R"("\u0001")"},
            Case{"\x07", R"("\u0007")"},
            Case{"\x0b", R"("\u000b")"},
            Case{"\x1a", R"("\u001a")"},
            Case{"\x1f", R"("\u001f")"},
            Case{"\x7f", "\"\x7f\""}, // DEL is not a control character to JSON
            Case{"/", R"("/")"},      // nlohmann does not escape the solidus
            Case{"a\"b\\c\nd", R"("a\"b\\c\nd")"},
        };
        for (const Case& c : cases) {
            CAPTURE(c.literal);
            CHECK(literal_of(c.text) == c.literal);
            CHECK(literal_of(c.text) == nlohmann_literal(std::string(c.text)));
        }
    }

    TEST_CASE("json_escape: valid UTF-8 of every length is copied as is")
    {
        const std::array<std::string_view, 6> texts{
            "K\xC3\xA4se",               // U+00E4, 2 bytes
            "\xC2\x80 \xDF\xBF",         // U+0080, U+07FF: 2-byte bounds
            "\xE2\x86\x92 \xE0\xA0\x80", // U+2192, U+0800
            "\xED\x9F\xBF \xEE\x80\x80", // U+D7FF, U+E000: either side of the surrogates
            "\xEF\xBF\xBF",              // U+FFFF
            "\xF0\x9F\x98\x80 \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF", // U+1F600, U+10000, U+10FFFF
        };
        for (const auto text : texts) {
            CAPTURE(text);
            CHECK(literal_of(text) == "\"" + std::string(text) + "\"");
            CHECK(literal_of(text) == nlohmann_literal(std::string(text)));
        }
    }

    TEST_CASE("json_escape: each invalid UTF-8 sequence becomes one U+FFFD")
    {
        const std::string fffd = "\xEF\xBF\xBD";
        const std::array cases{
            Case{"\x80", "\xEF\xBF\xBD"},                 // lone continuation byte
            Case{"a\xBF\x62", "a\xEF\xBF\xBD\x62"},       // continuation byte between ASCII ('b')
            Case{"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"}, // C0, C1 start no sequence (overlong '/')
            Case{"\xE0\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, // overlong: E0 needs A0..BF
            Case{"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, // surrogate U+D800
            Case{"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, // > U+10FFFF
            Case{"\xF5", "\xEF\xBF\xBD"}, // F5..FF start no sequence
            Case{"\xFF\xFE", "\xEF\xBF\xBD\xEF\xBF\xBD"},
            Case{"\xE2\x86", "\xEF\xBF\xBD"},             // truncated at the end: one U+FFFD
            Case{"\xE2\x86\x41", "\xEF\xBF\xBD\x41"},     // cut short by ASCII ('A'), which is kept
            Case{"\xF0\x9F\x98\"", "\xEF\xBF\xBD\\\""},   // cut short by a quote, which is escaped
            Case{"\xC3\xC3\xA4", "\xEF\xBF\xBD\xC3\xA4"}, // cut short by a lead byte, which starts anew
        };
        for (const Case& c : cases) {
            CAPTURE(c.text);
            CHECK(literal_of(c.text) == "\"" + std::string(c.literal) + "\"");
            CHECK(literal_of(c.text) == nlohmann_literal(std::string(c.text)));
            // What the writer writes is valid JSON with valid UTF-8: nlohmann reads it back.
            CHECK(nlohmann::json::parse(literal_of(c.text)).get<std::string>().find(fffd) !=
                  std::string::npos);
        }
    }

    TEST_CASE("json_escape: as nlohmann writes every 1- and 2-byte string and 3 to 4 bytes of a boundary set")
    {
        for (unsigned a = 0; a < 256; ++a) {
            for (unsigned b = 0; b < 257; ++b) { // 256: the 1-byte string
                std::string text(1, static_cast<char>(a));
                if (b < 256) {
                    text += static_cast<char>(b);
                }
                if (literal_of(text) != nlohmann_literal(text)) {
                    CAPTURE(a);
                    CAPTURE(b);
                    FAIL("differs from nlohmann");
                }
            }
        }
        // The bytes where validity changes (Unicode Table 3-7), and a few that need an escape.
        const std::array<unsigned char, 34> bytes{0x00, 0x08, 0x0A, 0x1F, 0x20, '"',  '\\', 'A',  0x7F,
                                                  0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                                  0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1,
                                                  0xF3, 0xF4, 0xF5, 0xFE, 0xFF, 0x09, 0x0D};
        std::size_t compared = 0;
        std::string text;
        for (const auto a : bytes) {
            for (const auto b : bytes) {
                for (const auto c : bytes) {
                    for (std::size_t d = 0; d <= bytes.size(); ++d) { // bytes.size(): the 3-byte string
                        text = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)};
                        if (d < bytes.size()) {
                            text += static_cast<char>(bytes[d]);
                        }
                        ++compared;
                        if (literal_of(text) != nlohmann_literal(text)) {
                            CAPTURE(hex(text));
                            FAIL("differs from nlohmann");
                        }
                    }
                }
            }
        }
        CHECK(compared == 34U * 34U * 34U * 35U);
    }
}
