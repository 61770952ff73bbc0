#include "pc5check/trace/trace.h"
#include "trace/stream_detail.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using pc5check::trace::Event;
using pc5check::trace::Limits;
using pc5check::trace::parse_trace;
using pc5check::trace::Position;
using pc5check::trace::Trace;

namespace {

#ifdef PC5CHECK_TEST_SANITIZED // set by tests/CMakeLists.txt in a sanitizer build
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

/// What the reader did with one input, judged against nlohmann's parse of the same text (an
/// independent JSON implementation): refused as invalid JSON when nlohmann refuses it, refused for the
/// contract (or a duplicate key or a limit) although it is JSON, or read, with values agreeing.
enum class Outcome : std::uint8_t { invalid_json, refused, read };

/// Tallies of many differential runs.
struct Tally {
    std::size_t invalid_json = 0;
    std::size_t refused = 0;
    std::size_t read = 0;

    void add(Outcome o)
    {
        (o == Outcome::invalid_json ? invalid_json : o == Outcome::refused ? refused : read) += 1;
    }
    [[nodiscard]] std::size_t total() const { return invalid_json + refused + read; }
};

/// Line:column of byte `offset` of `text` counted here, independently of the reader: lines after '\n',
/// columns in UTF-8 characters, a leading byte order mark taking none.
Position position_in(std::string_view text, std::size_t offset, std::size_t first_line)
{
    Position p{first_line, 1};
    const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    for (std::size_t i = start; i < offset; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) {
            ++p.column;
        }
    }
    return p;
}

/// Runs the reader on `text` and fails the test where it disagrees with nlohmann: it must refuse as
/// invalid JSON exactly what nlohmann refuses (or hit a nesting/number limit first), and what it reads
/// must carry nlohmann's values (IEs with their JSON number types, times, event count). With
/// `offsets` (from Writer, shifted by `shift` bytes), event and IE positions are checked too.
Outcome differential(std::string_view text, std::size_t first_line = 1, const Limits& limits = {},
                     const std::map<std::string, std::size_t>* offsets = nullptr, std::size_t shift = 0)
{
    const auto ours = parse_trace(text, "t.json", first_line, limits);
    json theirs;
    bool valid = true;
    try {
        theirs = json::parse(text.begin(), text.end());
    } catch (const json::exception&) {
        valid = false;
    }
    if (!valid) {
        if (ours) {
            FAIL_CHECK("the reader accepted what nlohmann refuses:\n" << text);
        } else if (ours.error().code != pc5check::ErrorCode::limit &&
                   text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
            CHECK_MESSAGE(ours.error().message.starts_with("invalid JSON"), ours.error().to_string());
        }
        return Outcome::invalid_json;
    }
    if (!ours) {
        CHECK_MESSAGE(!ours.error().message.starts_with("invalid JSON"), ours.error().to_string() << "\n"
                                                                                                  << text);
        return Outcome::refused;
    }
    const json& events = theirs.at("events");
    REQUIRE(ours->events.size() == events.size());
    double at = 0.0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const Event& e = ours->events[i];
        const json& ev = events[i];
        INFO("event " << i);
        const json ie = ev.contains("ie") ? ev.at("ie") : json::object();
        CHECK(e.ie.to_json() == ie);
        if (ie.is_object()) {
            for (auto it = ie.begin(); it != ie.end(); ++it) {
                CHECK(e.ie.to_json().at(it.key()).type() == it.value().type());
            }
        }
        at = ev.contains("at") ? ev.at("at").get<double>() : at;
        CHECK(e.at == at);
        CHECK(e.pointer == "/events/" + std::to_string(i));
        if (offsets != nullptr) {
            const std::string p = "/events/" + std::to_string(i);
            CHECK(e.position == position_in(text, offsets->at(p) + shift, first_line));
            for (const auto& [name, position] : e.ie.positions()) {
                if (const auto o = offsets->find(p + "/ie/" + name); o != offsets->end()) {
                    CHECK(position == position_in(text, o->second + shift, first_line));
                }
            }
        }
    }
    CHECK(ours->spec == theirs.at("spec").get<std::string>());
    CHECK(ours->line == position_in(text, text.find('{'), first_line).line);
    return Outcome::read;
}

[[nodiscard]] std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

[[nodiscard]] std::vector<fs::path> files_under(const std::string& dir)
{
    std::vector<fs::path> out;
    for (const auto& entry : fs::recursive_directory_iterator(std::string(PC5CHECK_SOURCE_DIR) + "/" + dir)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".json" || ext == ".jsonl")) {
            out.push_back(entry.path());
        }
    }
    return out;
}

/// Each document of a file with its first line: the file, or each non-blank line of a `.jsonl` file.
[[nodiscard]] std::vector<std::pair<std::string, std::size_t>> documents(const fs::path& path)
{
    const std::string text = read_file(path);
    if (path.extension() != ".jsonl") {
        return {{text, 1}};
    }
    std::vector<std::pair<std::string, std::size_t>> out;
    std::istringstream in(text);
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) {
            out.emplace_back(line, n);
        }
    }
    return out;
}

/// Every feature of the format in one document: vendor metadata, non-ASCII text, all link and expect
/// members, IE values of every JSON type, `ie` null, `sec` "none" and empty, `at` absent, integral and
/// with an exponent, attacker steps with an annotation.
constexpr std::string_view kFull =
    R"({"format":"pc5-trace/1","spec":"ts33536-r17","title":"Größe — 試験","source":{"vendor":"acme",)"
    R"("device":"x1","tags":["a",1,-2,3.5,true,null,{}]},"observer":"initiator","link":{"k_nrp_id":305419896,)"
    R"("k_nrp_sess_id":4660,"selected_algs":{"nea":"NEA2","nia":"NIA2"},)"
    R"("k_nrp_sess":"00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF",)"
    R"("initiator_sec_cap":{"nea":["NEA0","NEA2"],"nia":["NIA1","NIA2"]},)"
    R"("signalling_policy":{"integrity":"REQUIRED","ciphering":"PREFERRED"}},)"
    R"("keys":[{"k_nrp_id":305419896,"k_nrp":"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"}],)"
    R"("events":[{"at":0.5,"from":"initiator","msg":"REKEYING_REQUEST","ie":{"ue_sec_cap":{"nea":["NEA0","NEA2"],)"
    R"("nia":["NIA1","NIA2"]},"nonce_1":"000102030405060708090a0b0c0d0e0f","msb_k_nrp_sess_id":171,)"
    R"("reauth":false,"x":-3,"y":1.25,"z":null,"é/~":"ü"},"sec":{"ctx":4660,"count":12,"bearer":1,)"
    R"("direction":0,"mac":"0a0B0c0d","ciphered":false},"pdu":"0102"},)"
    R"({"from":"target","msg":"SECURITY_MODE_COMMAND","ie":null,"sec":"none"},)"
    R"({"at":2,"from":"target","msg":"DATA","sec":{},"pdu":""},)"
    R"({"at":1e-3,"from":"initiator","msg":"RELEASE","ie":{}}],)"
    R"("expect":{"verdict":"violation","rules":["ORDER"],"max_missing":1,"timeout_ms":500,"assumed":["x"],)"
    R"("unverified":["ORDER"],"limit":"time"},)"
    R"("attacker_steps":[{"event":1,"attack":"injected","action":"replay"},{"event":0,"attack":"dropped"}]})";

/// Calls `visit` with each single-character mutant of `text`: every character deleted, doubled, and
/// replaced by each of a set of characters that break syntax, hex, names, numbers and positions.
/// Every `step`-th character position from `first` (step 1: all of them).
template <class Visit>
void for_each_character_mutant(const std::string& text, Visit visit, std::size_t first = 0,
                               std::size_t step = 1)
{
    constexpr std::string_view kReplacements = "\"{}[],:0 1-.eEx\\\na\xC3\t/";
    for (std::size_t i = first; i < text.size(); i += step) {
        std::string deleted = text;
        deleted.erase(i, 1);
        visit(deleted);
        std::string doubled = text;
        doubled.insert(i, 1, text[i]);
        visit(doubled);
        for (const char c : kReplacements) {
            if (c != text[i]) {
                std::string replaced = text;
                replaced[i] = c;
                visit(replaced);
            }
        }
    }
}

/// Serialises JSON with a chosen member order and layout, and optionally one member written twice
/// (nlohmann always sorts keys and never repeats one).
struct Writer {
    bool reversed = false;      ///< members in reverse key order (`link` before `events`)
    std::string indent;         ///< empty: compact
    std::string newline = "\n"; ///< "\r\n" for CRLF files
    std::string colon = ":";    ///< e.g. " : "
    std::string duplicate_at;   ///< pointer of an object whose first member is written twice
    bool write_duplicate = false;
    /// If set: the byte offset at which each value was written, by JSON pointer (keys as written).
    std::map<std::string, std::size_t>* offsets = nullptr;

    [[nodiscard]] std::string write(const json& v) const
    {
        std::string out;
        write(v, "", 0, out);
        return out;
    }

  private:
    void line(std::size_t depth, std::string& out) const
    {
        if (indent.empty()) {
            return;
        }
        out += newline;
        for (std::size_t i = 0; i < depth; ++i) {
            out += indent;
        }
    }

    void write(const json& v, const std::string& pointer, std::size_t depth, std::string& out) const
    {
        if (offsets != nullptr) {
            (*offsets)[pointer] = out.size();
        }
        if (v.is_object()) {
            std::vector<std::pair<std::string, const json*>> members;
            for (auto it = v.begin(); it != v.end(); ++it) {
                members.emplace_back(it.key(), &it.value());
            }
            if (reversed) {
                std::reverse(members.begin(), members.end());
            }
            if (write_duplicate && pointer == duplicate_at && !members.empty()) {
                members.insert(members.begin() + 1, members.front());
            }
            out += '{';
            for (std::size_t i = 0; i < members.size(); ++i) {
                out += i == 0 ? "" : ",";
                line(depth + 1, out);
                out += json(members[i].first).dump() + colon;
                write(*members[i].second, pointer + "/" + members[i].first, depth + 1, out);
            }
            if (!members.empty()) {
                line(depth, out);
            }
            out += '}';
        } else if (v.is_array()) {
            out += '[';
            for (std::size_t i = 0; i < v.size(); ++i) {
                out += i == 0 ? "" : ",";
                line(depth + 1, out);
                write(v[i], pointer + "/" + std::to_string(i), depth + 1, out);
            }
            if (!v.empty()) {
                line(depth, out);
            }
            out += ']';
        } else {
            out += v.dump();
        }
    }
};

/// Pointers of every value in `v` (unescaped keys; the tests' keys hold no '/' but one, skipped).
void pointers(const json& v, const std::string& at, std::vector<std::string>& out)
{
    out.push_back(at);
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (it.key().find_first_of("/~") == std::string::npos) {
                pointers(it.value(), at + "/" + it.key(), out);
            }
        }
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            pointers(v[i], at + "/" + std::to_string(i), out);
        }
    }
}

/// Values to put in place of another: each JSON type, the integer limits of the format's fields,
/// strings the contract gives meaning to.
[[nodiscard]] std::vector<json> replacements()
{
    std::vector<json> r = {
        json(nullptr),
        json(true),
        json(false),
        json(0U),
        json(-1),
        json(1U),
        json(31U),
        json(32U),
        json(65535U),
        json(65536U),
        json(4294967295U),
        json(4294967296U),
        json(1000000U),
        json(1000001U),
        json(0.5),
        json(-0.5),
        json(1.0),
        json(""),
        json("none"),
        json("NEA2"),
        json("NIA1"),
        json("initiator"),
        json("DATA"),
        json("REQUIRED"),
        json("conforms"),
        json("injected"),
        json("0a0b0c0d"),
        json("abc"),
        json("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
        json::object(),
        json::array(),
        json::array({"NEA0"}),
        json::object({{"nea", "NEA0"}}),
    };
    r.emplace_back(std::numeric_limits<std::uint64_t>::max());
    return r;
}

/// Sets the value at `pointer`, or erases it if `value` is nullopt; false if there is nothing there.
[[nodiscard]] bool mutate(json& doc, const std::string& pointer, const std::optional<json>& value)
{
    if (pointer.empty()) {
        return false;
    }
    const json::json_pointer p(pointer);
    if (!doc.contains(p)) {
        return false;
    }
    if (value) {
        doc[p] = *value;
        return true;
    }
    json& parent = doc[p.parent_pointer()];
    if (parent.is_object()) {
        parent.erase(p.back());
    } else {
        parent.erase(std::stoul(p.back()));
    }
    return true;
}

/// A writer that indents by one space and ends lines with CRLF: positions move against the compact text.
Writer indented_with_crlf()
{
    Writer w;
    w.indent = " ";
    w.newline = "\r\n";
    return w;
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("reader agreement: every shipped trace reads, with nlohmann's values")
    {
        Tally tally;
        for (const char* dir : {"traces", "tests/data/trace", "tests/data/external"}) {
            for (const fs::path& path : files_under(dir)) {
                for (const auto& document : documents(path)) {
                    // Not a structured binding: Clang 14 cannot capture one in INFO's lambda.
                    const std::string& text = document.first;
                    const std::size_t line = document.second;
                    INFO(path.string() << ":" << line);
                    const Outcome o = differential(text, line);
                    CHECK(o == Outcome::read);
                    tally.add(o);
                }
            }
        }
        CHECK(tally.read >= 137); // 77 .json files and 60 .jsonl lines
        MESSAGE("corpus documents read: " << tally.read);
    }

    TEST_CASE("reader agreement: the bad inputs of the catalogues")
    {
        Tally tally;
        for (const char* dir : {"tests/data/bad", "tests/bad-input/files"}) {
            for (const fs::path& path : files_under(dir)) {
                for (const auto& document : documents(path)) {
                    // Not a structured binding: Clang 14 cannot capture one in INFO's lambda.
                    const std::string& text = document.first;
                    const std::size_t line = document.second;
                    INFO(path.string() << ":" << line);
                    tally.add(differential(text, line));
                }
            }
        }
        // Most are refused by the reader; some read and fail later (limits, spec checks).
        CHECK(tally.invalid_json >= 8);
        CHECK(tally.refused > 30);
        CHECK(tally.read > 0);
    }

    TEST_CASE("reader agreement: layouts and key orders give the written positions")
    {
        const json doc = json::parse(kFull);
        Tally tally;
        for (const bool reversed : {false, true}) {
            for (const char* indent : {"", " ", "  ", "\t"}) {
                for (const char* newline : {"\n", "\r\n"}) {
                    for (const char* colon : {":", " : ", ":\n "}) {
                        std::map<std::string, std::size_t> offsets;
                        Writer w;
                        w.reversed = reversed;
                        w.indent = indent;
                        w.newline = newline;
                        w.colon = colon;
                        w.offsets = &offsets;
                        const std::string text = w.write(doc);
                        for (const std::string& prefix :
                             {std::string(), std::string("\n\n  "), std::string("\r\n\t"),
                              std::string("\xEF\xBB\xBF")}) {
                            for (const std::size_t first_line : {std::size_t{1}, std::size_t{7}}) {
                                const Outcome o = differential(prefix + text + "\n", first_line, {}, &offsets,
                                                               prefix.size());
                                CHECK(o == Outcome::read);
                                tally.add(o);
                            }
                        }
                    }
                }
            }
        }
        CHECK(tally.read == 2 * 4 * 2 * 3 * 4 * 2);
    }

    TEST_CASE("reader agreement: unknown top-level members")
    {
        const json doc = json::parse(kFull);
        const auto with = [&](std::string_view member) {
            std::string text = Writer{}.write(doc);
            return text.insert(1, std::string(member) + ",");
        };
        CHECK(differential(with(R"("vendor_note":"x")")) == Outcome::read);
        CHECK(differential(with(R"("n":[1,2,{"a":[{"b":null}]}])")) == Outcome::read);
        CHECK(differential(with(R"("deep":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]])")) == Outcome::read);
        CHECK(differential(with(R"("esc":"a\"b\u00e9")")) == Outcome::read);
        CHECK(differential(with(R"("source":1)")) == Outcome::refused);        // kFull has a source
        CHECK(differential(with(R"("n":{"a":1,"a":2})")) == Outcome::refused); // duplicate inside
        CHECK(differential(with(R"("title":"again")")) == Outcome::refused);   // duplicate known key
    }

    TEST_CASE("reader agreement: IE names of any length and spelling have their own positions")
    {
        const std::string head =
            R"({"format":"pc5-trace/1","spec":"s","link":{"k_nrp_id":1,"k_nrp_sess_id":2},"events":[)";
        for (const std::size_t length : {std::size_t{100}, std::size_t{129}, std::size_t{600}}) {
            for (const char c : {'a', '/', '~'}) {
                const std::string name(length, c);
                std::string text = head;
                text += R"({"from":"target","msg":"DATA","ie":{")";
                text += name;
                text += R"(":1}}]})";
                const auto t = parse_trace(text, "t.json");
                REQUIRE(t.has_value());
                CHECK(t->events[0].ie.find(name)->position.column == text.rfind(':') + 2);
                CHECK(differential(text) == Outcome::read);
            }
        }
    }

    TEST_CASE("reader agreement: the nesting and number limits")
    {
        const std::string text(kFull);
        Tally tally;
        for (std::size_t nesting = 1; nesting <= 8; ++nesting) {
            for (const std::size_t number_chars :
                 {std::size_t{1}, std::size_t{3}, std::size_t{9}, std::size_t{40}}) {
                Limits limits;
                limits.max_nesting = nesting;
                limits.max_number_chars = number_chars;
                const Outcome o = differential(text, 1, limits);
                // kFull nests 6 deep (/events/0/ie/ue_sec_cap/nea) and its longest number has 9 characters.
                CHECK((o == Outcome::read) == (nesting >= 6 && number_chars >= 9));
                tally.add(o);
            }
        }
        CHECK(tally.refused > 0);
        CHECK(tally.read > 0);
    }

    TEST_CASE("reader agreement: times and IE numbers come out as nlohmann reads them")
    {
        const std::string head =
            R"({"format":"pc5-trace/1","spec":"s","link":{"k_nrp_id":1,"k_nrp_sess_id":2},"events":[)";
        Tally tally;
        for (const char* at : {"0",
                               "0.0",
                               "-0",
                               "-0.0",
                               "1",
                               "0.1",
                               "0.30000000000000004",
                               "1e-7",
                               "1E+2",
                               "2.5e-308",
                               "1e308",
                               "1e309",
                               "123456789.123456789",
                               "18446744073709551615",
                               "18446744073709551616",
                               "9007199254740993",
                               "-1",
                               "01",
                               "1.",
                               ".5",
                               "1e"}) {
            INFO(at);
            tally.add(differential(head + R"({"at":)" + at + R"(,"from":"target","msg":"DATA","ie":{"v":)" +
                                   at + "}}]}"));
        }
        CHECK(tally.read >= 12);
        CHECK(tally.invalid_json >= 5);
    }

    TEST_CASE("reader agreement: single-character mutations")
    {
        // Deletions, duplications and replacements of each character of the full document, compact
        // and indented (with CRLF): broken syntax, broken hex, names, numbers, and shifted positions.
        const json doc = json::parse(kFull);
        Writer pretty = indented_with_crlf();
        Tally tally;
        // Under the sanitizers (several times slower) every other position: the even ones of the compact
        // document, the odd ones of the indented one.
        const std::size_t step = kSanitized ? 2 : 1;
        std::size_t first = 0;
        for (const std::string& text : {std::string(kFull), pretty.write(doc)}) {
            for_each_character_mutant(
                text, [&](const std::string& mutant) { tally.add(differential(mutant)); }, first, step);
            first = kSanitized ? 1 : 0;
        }
        MESSAGE("character mutants: " << tally.total() << " (" << tally.read << " read, " << tally.refused
                                      << " refused, " << tally.invalid_json << " invalid JSON)");
        CHECK(tally.read > 1000 / step);
        CHECK(tally.invalid_json > 10000 / step);
    }

    TEST_CASE("reader agreement: structural mutations (dropped members, swapped types, duplicate keys)")
    {
        std::vector<json> seeds = {json::parse(kFull)};
        const std::string corpus_file =
            std::string(PC5CHECK_SOURCE_DIR) + "/traces/ts33536-r17/conform-reauth.json";
        seeds.push_back(json::parse(read_file(corpus_file)));
        const std::vector<json> values = replacements();
        Tally tally;
        for (const json& seed : seeds) {
            std::vector<std::string> at;
            pointers(seed, "", at);
            for (const std::string& p : at) {
                INFO(p);
                json dropped = seed;
                if (mutate(dropped, p, std::nullopt)) {
                    tally.add(differential(Writer{}.write(dropped)));
                }
                for (const json& v : values) {
                    json swapped = seed;
                    if (mutate(swapped, p, v)) {
                        Writer w;
                        w.reversed = (tally.total() % 2) != 0; // both key orders, half each
                        tally.add(differential(w.write(swapped)));
                    }
                }
                if (const json& target = seed.at(json::json_pointer(p));
                    target.is_object() && !target.empty()) {
                    Writer w;
                    w.duplicate_at = p;
                    w.write_duplicate = true;
                    const auto r = parse_trace(w.write(seed), "t.json");
                    REQUIRE_FALSE(r.has_value());
                    CHECK(r.error().message.starts_with("duplicate key"));
                    CHECK(r.error().json_pointer.starts_with(p));
                }
            }
        }
        MESSAGE("structural mutants: " << tally.total() << " (" << tally.read << " read, " << tally.refused
                                       << " refused)");
        CHECK(tally.read > 500);
        CHECK(tally.refused > 1000);
    }
}

namespace {

/// Reads one `events` element as the stream does (parse_event, at file position `at` as event `index`)
/// and as part of a whole one-line document, and fails the test unless both agree: both refuse, or
/// both give the same event, positions shifted by where the element sits.
Outcome event_differential(const std::string& text, const Position& at, std::size_t index, double previous_at)
{
    const std::optional<Event> streamed =
        pc5check::trace::detail::parse_event(text, "t.json", at, index, previous_at);
    const std::string head =
        R"({"format":"pc5-trace/1","spec":"s","link":{"k_nrp_id":1,"k_nrp_sess_id":2},"events":[)";
    // In a whole document, the element is event 0 with no previous time: compare with index 0 and 0.0.
    const std::optional<Event> streamed_as_first =
        pc5check::trace::detail::parse_event(text, "t.json", Position{1, head.size() + 1}, 0, 0.0);
    const auto whole = parse_trace(head + text + "]}", "t.json");
    if (!whole) {
        CHECK_MESSAGE(!streamed,
                      "parse_event accepted what a whole read refuses: " << whole.error().to_string());
        CHECK_FALSE(streamed_as_first.has_value());
        return whole.error().message.starts_with("invalid JSON") ? Outcome::invalid_json : Outcome::refused;
    }
    REQUIRE_MESSAGE(streamed.has_value(), text);
    REQUIRE(streamed_as_first.has_value());
    REQUIRE(whole->events.size() == 1);
    const Event& e = whole->events[0];
    CHECK(streamed_as_first->position == e.position);
    CHECK(streamed_as_first->ie.positions() == e.ie.positions());
    CHECK(streamed_as_first->ie == e.ie);
    CHECK(streamed_as_first->at == e.at);
    CHECK(streamed->pointer == "/events/" + std::to_string(index));
    CHECK(streamed->ie == e.ie);
    // The streamed positions are the whole read's shifted to `at`.
    const auto shifted = [&](Position p) {
        return p.line == 1 ? Position{at.line, at.column + p.column - (head.size() + 1)}
                           : Position{at.line + p.line - 1, p.column};
    };
    CHECK(streamed->position == shifted(e.position));
    for (const auto& [name, p] : e.ie.positions()) {
        CHECK(streamed->ie.positions().at(name) == shifted(p));
    }
    return Outcome::read;
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("reader agreement: streamed events read as in a whole document, at any position and index")
    {
        std::vector<json> docs = {json::parse(kFull)};
        for (const auto& path : files_under("traces")) {
            if (path.extension() == ".json") {
                docs.push_back(json::parse(read_file(path)));
            }
        }
        Writer pretty;
        pretty.indent = "  ";
        Writer crlf;
        crlf.indent = "\t";
        crlf.newline = "\r\n";
        crlf.colon = " : ";
        const std::array<Position, 3> starts{{{1, 1}, {7, 13}, {120000, 3}}};
        Tally tally;
        for (const json& doc : docs) {
            for (const json& ev : doc.at("events")) {
                for (const Writer* w : {&pretty, &crlf}) {
                    const std::string text = w->write(ev);
                    for (const auto& at : starts) {
                        tally.add(event_differential(text, at, 0, 0.0));
                        tally.add(event_differential(text, at, 999'999, 2.5));
                    }
                }
                tally.add(event_differential(" \n" + Writer{}.write(ev) + "\n ", {4, 9}, 3, 1.0));
            }
        }
        MESSAGE("event elements: " << tally.total() << " (" << tally.read << " read)");
        CHECK(tally.refused + tally.invalid_json == 0);
        CHECK(tally.read > 1000);
    }

    TEST_CASE("reader agreement: single-character mutations of streamed events")
    {
        const json doc = json::parse(kFull);
        Writer pretty = indented_with_crlf();
        Tally tally;
        for (const json& ev : doc.at("events")) {
            for_each_character_mutant(pretty.write(ev), [&](const std::string& mutant) {
                tally.add(event_differential(mutant, {3, 5}, 1, 0.5));
            });
        }
        MESSAGE("event mutants: " << tally.total() << " (" << tally.read << " read, " << tally.refused
                                  << " refused, " << tally.invalid_json << " invalid JSON)");
        CHECK(tally.read > 100);
        CHECK(tally.invalid_json > 1000);
    }
}
