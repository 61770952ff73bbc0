#pragma once
/// \file Private to the trace reader: the one JSON lexer and parser of `pc5-trace/1` documents.
///
/// One pass over the text gives a flat tape of nodes (objects, arrays, strings, numbers, literals)
/// holding byte offsets; line:column is counted only for the offsets a trace or an error needs. The
/// pass checks everything JSON-level the contract asks for (docs/trace-format.md section 1): syntax,
/// well-formed UTF-8, duplicate keys at every depth, numbers within the range of a double, and the
/// nesting and number-length limits. Its syntax errors are worded as nlohmann's parser words them
/// ("syntax error while parsing object separator - unexpected string literal; expected ':'"), so
/// that messages stay what users and the bad-input catalogue know. reader.cpp reads the contract
/// from the tape; stream.cpp uses the same parser for each event of a streamed document.
///
/// Why an own parser and not a library (measured with bench/reader_compare.cpp on 2,000 generated
/// traces, ~6 MB; the numbers are in docs/performance.md, "One trace reader"): nlohmann's DOM keeps no
/// positions and drops duplicate keys, which is why there used to be a second scan for positions; RapidJSON's
/// SAX reader gives offsets but its own error texts and no duplicate check; simdjson's On-Demand is the
/// fastest raw scan but reports errors without positions and leaves duplicates, limits and wording to a
/// second pass as well. The tape needs none of that twice.
///
/// Speed (docs/performance.md, "Back to the old scanner's speed", "Events read as they are parsed" and
/// "Parity with the old scanner"): against the single-pass scanner it replaced (d586e3e), `check -q -j 1`
/// wall time, paired runs, medians: a 101 MB `.jsonl` of short traces 0.94, one 20,000-event `.jsonl`
/// line 0.77, one 200,000-event `.json` 0.78, the corpus 0.87; in callgrind instructions 0.963 on the
/// 101 MB file and 1.018 on one 2,000-event `.jsonl` line (the reader as first written: 1.27-1.37). What
/// keeps it there: the tape and the parser's memory are reused per thread (the lines of a `.jsonl` file
/// or the events of a stream, parsed one after another, allocate no tape; a line's text and a trace's
/// event storage are given back and reused too), a document's events are read as soon as each is
/// parsed and leave the tape (ElementSink), strings are scanned 16 bytes at a time, the common path is
/// inlined into the parsing loop and the rare one is not, line:column is found with memchr in ASCII
/// texts, and reader.cpp goes through each object once (Fields) instead of searching members by key.

#include "pc5check/common/error.h"
#include "pc5check/common/json_pointer.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::trace::detail {

/// Where a text sits in its file: the position of its first byte, and the containers open around it
/// (a streamed event sits inside the root object and `events`: 2).
struct TextOrigin {
    Position at{1, 1};
    std::size_t depth = 0;
};

/// Line:column of byte offsets of one text (columns count UTF-8 characters, a tab is one column, a
/// byte order mark at the start of a document takes none). Cheap for increasing offsets.
class TextPositions {
  public:
    TextPositions(std::string_view text, const TextOrigin& origin);
    /// The position of byte `offset` (the text's size: just after its end).
    [[nodiscard]] Position at(std::size_t offset) const;
    /// Tells that no byte after the byte order mark is 0x80 or above (the parser knows it of a valid
    /// text): a column is then a byte, and lines are found with memchr.
    void set_ascii(bool ascii) { ascii_ = ascii; }

  private:
    std::string_view text_;
    std::size_t start_;          ///< first counted byte (after a byte order mark)
    bool ascii_ = false;         ///< see set_ascii
    Position origin_;            ///< position of text_[start_]
    mutable std::size_t offset_; ///< the cursor: position_ is that of text_[offset_]
    mutable Position position_;
};

/// One parsed JSON document (or one value of one, see TextOrigin) as a tape of nodes in text order;
/// an object's members are its key (a string node) followed by the value's nodes.
class JsonDocument {
  public:
    enum class Kind : std::uint8_t { object, array, string, number, true_literal, false_literal, null };

    /// Index of a node on the tape; the root is 0.
    using Ref = std::uint32_t;

    struct Node {
        std::uint32_t offset = 0; ///< first byte of the value (a string's opening quote); texts < 4 GiB
        Ref end = 0;              ///< the node after this value's subtree
        std::uint32_t size = 0;   ///< members or elements; a string's bytes between its quotes
        Kind kind = Kind::null;
        bool escaped = false;  ///< a string with backslash escapes
        bool integral = false; ///< a number without fraction or exponent
        bool negative = false; ///< a number with a minus sign
    };

    /// Takes each element of the root object's `events` array as soon as it is parsed: the document so
    /// far, the element (its subtree complete on the tape) and its index. The element's nodes leave the
    /// tape afterwards, so the tape of a long trace holds one event instead of all of them: the `events`
    /// node keeps its element count but has no elements. An error found later in the text still fails
    /// the parse, so what the sink took is only good if the parse succeeds.
    using ElementSink = std::function<void(const JsonDocument& doc, Ref element, std::size_t index)>;

    /// Parses `text` as one JSON value placed at `origin`, applying the nesting and number-length
    /// limits. The error has no file, says what was expected, and carries the pointer (duplicate keys)
    /// and line:column where the text goes wrong; it is the same with or without `events`.
    [[nodiscard]] static ExpectedT<JsonDocument, Error> parse(std::string_view text, const TextOrigin& origin,
                                                              const Limits& limits,
                                                              const ElementSink* events = nullptr);

    [[nodiscard]] const Node& node(Ref r) const { return nodes_[r]; }
    [[nodiscard]] Kind kind(Ref r) const { return nodes_[r].kind; }
    /// The position of the value's first character.
    [[nodiscard]] Position position(Ref r) const { return positions_.at(nodes_[r].offset); }

    /// The value as written: a string with its quotes, a number or literal; for messages.
    [[nodiscard]] std::string_view token(Ref r) const;
    /// A string's value (escapes decoded).
    [[nodiscard]] std::string string(Ref r) const;
    /// A string's text between its quotes (its value when it has no escapes: see Node::escaped).
    [[nodiscard]] std::string_view raw_string(Ref r) const
    {
        return text_.substr(std::size_t{nodes_[r].offset} + 1, nodes_[r].size);
    }
    /// Whether string node `r` has the value `s`.
    [[nodiscard]] bool string_equals(Ref r, std::string_view s) const;

    /// How nlohmann types a JSON number: a non-negative integer that fits 64 bits is unsigned, a negative
    /// one that fits is signed, anything else (fraction, exponent, too large) a double.
    struct Number {
        enum class Type : std::uint8_t { unsigned_integer, signed_integer, floating } type = Type::floating;
        std::uint64_t u = 0;
        std::int64_t i = 0;
        double d = 0.0;
        /// The value as a double.
        [[nodiscard]] double as_double() const;
    };
    [[nodiscard]] Number number(Ref r) const;

    /// Calls `f(key, value)` for each member of object `r`, in text order; stops when f returns false.
    template <class F> void for_each_member(Ref r, F&& f) const
    {
        for (Ref i = r + 1; i < nodes_[r].end; i = nodes_[i + 1].end) {
            if (!f(i, i + 1)) {
                return;
            }
        }
    }
    /// Calls `f(index, element)` for each element of array `r`.
    template <class F> void for_each_element(Ref r, F&& f) const
    {
        std::size_t index = 0;
        for (Ref i = r + 1; i < nodes_[r].end; i = nodes_[i].end) {
            if (!f(index++, i)) {
                return;
            }
        }
    }
    /// The value of member `key` of object `r`, if any.
    [[nodiscard]] std::optional<Ref> member(Ref r, std::string_view key) const;

    /// The subtree `r` as nlohmann JSON (numbers typed as nlohmann types them).
    [[nodiscard]] nlohmann::json to_json(Ref r) const;

    /// A document gives its tape back to a per-thread spare when it goes, so that the next one parsed
    /// on the thread (the next `.jsonl` line, the next streamed event) reuses the memory.
    ~JsonDocument();
    JsonDocument(JsonDocument&& other) noexcept = default;
    JsonDocument& operator=(JsonDocument&& other) noexcept;
    JsonDocument(const JsonDocument&) = delete;
    JsonDocument& operator=(const JsonDocument&) = delete;

  private:
    JsonDocument(std::string_view text, const TextOrigin& origin) : text_(text), positions_(text, origin) {}
    friend class JsonParser;
    /// Hands nodes_ to the thread's spare (if it is the larger and not too large).
    void recycle();

    std::string_view text_;
    std::vector<Node> nodes_;
    TextPositions positions_;
};

/// Whether `text` holds nothing but JSON whitespace (and perhaps a UTF-8 byte order mark).
[[nodiscard]] bool is_blank(std::string_view text);

using pc5check::escape_pointer_token; // common/json_pointer.h

/// `s` made fit for a one-line message: control characters escaped (and, if `ascii_only`, every
/// non-ASCII byte), cut after `max` characters with "...".
[[nodiscard]] std::string printable(std::string_view s, std::size_t max, bool ascii_only = false);

} // namespace pc5check::trace::detail
