#pragma once
/// \file Private to the trace reader: a minimal JSON scanner that finds where values start in the
/// text (line:column in file coordinates), detects duplicate object keys and excessive nesting.
///
/// nlohmann::json keeps no positions and silently keeps the last of duplicate keys, so the reader
/// scans the raw text once more. The scanner never fails: on text that is not JSON it records
/// whatever it recognises (the reader reports nlohmann's syntax error in that case).

#include "pc5check/trace/trace.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pc5check::trace::detail {

/// Where one JSON value sits in the scanned text.
struct Located {
    std::size_t offset = 0; ///< byte offset of the value's first character
    Position value;         ///< position of the value's first character
    Position key;           ///< position of its member key's opening quote; 0:0 for elements and root
};

/// The first key that occurs twice in one object.
struct DuplicateKey {
    std::string pointer; ///< JSON pointer of the second occurrence
    std::string key;     ///< the key, unescaped
    Position first;      ///< the first occurrence's opening quote
    Position second;     ///< the second occurrence's opening quote
};

/// Where a scanned text sits in its document. The default is a whole document; a value scanned on
/// its own (an event of a streamed trace) gives its file position, the containers open around it and
/// its JSON pointer, so positions, pointers and the nesting limit come out as in a whole-document scan.
struct ScanOrigin {
    Position at{1, 1};     ///< file position of the text's first character
    std::size_t depth = 0; ///< containers open around the text
    std::string pointer;   ///< JSON pointer of the text's value
};

/// A number token longer than Limits::max_number_chars.
struct LongNumber {
    Position at;            ///< where the token starts
    std::size_t length = 0; ///< its length in characters
};

/// Positions of (selected) values of one JSON document, by JSON pointer (RFC 6901).
class PositionIndex {
  public:
    /// Values whose pointer is longer than this are never recorded (keeps the scan linear).
    static constexpr std::size_t kMaxPointerLength = 512;

    /// Which values to record, given their JSON pointer.
    using Filter = std::function<bool(std::string_view pointer)>;

    /// Scans `text` in one linear pass and records the values `record` accepts; `first_line` is the
    /// file line of the text's first character. The scan stops at the first container nested deeper
    /// than `limits.max_nesting` and notes the first number longer than `limits.max_number_chars`.
    [[nodiscard]] static PositionIndex scan(std::string_view text, std::size_t first_line,
                                            const Filter& record, const Limits& limits = {});
    /// The same for a text that is one value inside a document (see ScanOrigin).
    [[nodiscard]] static PositionIndex scan(std::string_view text, const ScanOrigin& origin,
                                            const Filter& record, const Limits& limits = {});
    /// Scans `text` for the value at `pointer` and its ancestors (for error reports).
    [[nodiscard]] static PositionIndex scan_for(std::string_view text, std::size_t first_line,
                                                const std::string& pointer, const Limits& limits = {});
    /// The same for a text that is one value inside a document.
    [[nodiscard]] static PositionIndex scan_for(std::string_view text, const ScanOrigin& origin,
                                                const std::string& pointer, const Limits& limits = {});

    /// The recorded value at `pointer`, or nullptr.
    [[nodiscard]] const Located* find(const std::string& pointer) const;
    /// The first duplicate key found, in document order.
    [[nodiscard]] const std::optional<DuplicateKey>& duplicate() const { return duplicate_; }
    /// Where the first container nested deeper than Limits::max_nesting opens.
    [[nodiscard]] const std::optional<Position>& too_deep() const { return too_deep_; }
    /// The first number token longer than Limits::max_number_chars.
    [[nodiscard]] const std::optional<LongNumber>& long_number() const { return long_number_; }
    /// Where the first number that overflows a double starts (nlohmann refuses it without position).
    [[nodiscard]] const std::optional<Position>& number_overflow() const { return number_overflow_; }

  private:
    friend class Scanner;
    std::unordered_map<std::string, Located> values_;
    std::optional<DuplicateKey> duplicate_;
    std::optional<Position> too_deep_;
    std::optional<Position> number_overflow_;
    std::optional<LongNumber> long_number_;
};

/// Line:column (file coordinates, columns count UTF-8 characters) of byte `offset` of `text`.
[[nodiscard]] Position position_of(std::string_view text, std::size_t offset, std::size_t first_line);

/// Whether `text` holds nothing but JSON whitespace (and perhaps a UTF-8 byte order mark).
[[nodiscard]] bool is_blank(std::string_view text);

/// Escapes one JSON pointer reference token ('~' -> "~0", '/' -> "~1").
[[nodiscard]] std::string escape_pointer_token(std::string_view token);

} // namespace pc5check::trace::detail
