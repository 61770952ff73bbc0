#pragma once
/// \file A streaming JSON writer: the JSON report's trace entries written straight to text, laid out
/// byte for byte as nlohmann's `dump(2)` of the same document, without building one (on a large corpus
/// building, dumping and freeing a DOM per trace was a fifth of a `check` run).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::report {

/// Appends one JSON value (objects, arrays, strings, unsigned integers) to a string in the layout of
/// nlohmann's `dump(2)`: a member or element per line, two spaces more per level, `"key": value`,
/// `[]` and `{}` for empty containers, strings as append_json_string writes them.
///
/// dump() writes an object's members in key order (std::map): so must the caller, in increasing byte
/// order of the keys (checked in debug builds).
class JsonWriter {
  public:
    /// Writes to the end of `out` (which must outlive the writer); the value starts where `out` ends,
    /// and every line it adds is indented `indent` more spaces than dump(2) would, for a value nested
    /// that deep in a document written by someone else.
    explicit JsonWriter(std::string& out, std::size_t indent = 0) : out_(&out), indent_(indent) {}

    /// Opens an object: next come pairs of key() and a value, then end_object().
    void begin_object();
    /// Closes the innermost container, which must be an object with no key awaiting its value.
    void end_object();
    /// Opens an array: next come its elements, then end_array().
    void begin_array();
    /// Closes the innermost container, which must be an array.
    void end_array();

    /// The key of the next member of the innermost container, an object: greater than the last key.
    void key(std::string_view name);
    /// A string value.
    void value(std::string_view text);
    /// An unsigned integer value, in decimal.
    void value(std::size_t number);

    /// key(name), then value(text).
    void member(std::string_view name, std::string_view text);
    /// key(name), then value(number).
    void member(std::string_view name, std::size_t number);

  private:
    struct Container {
        bool object = false;
        bool empty = true;
        std::string last_key; ///< debug builds: for the key order check
    };

    void begin_value();
    void new_line(Container& container);
    void open(char bracket, bool object);
    void close(char bracket, bool object);

    std::string* out_;
    std::size_t indent_;
    std::vector<Container> open_; ///< the containers not closed yet, outermost first
    bool after_key_ = false;      ///< a key was written, its value not yet
};

} // namespace pc5check::report
