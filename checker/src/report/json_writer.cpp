#include "report/json_writer.h"

#include "pc5check/common/error.h"
#include "report/json_escape.h"

#include <array>
#include <charconv>
#include <system_error>

namespace pc5check::report {

namespace {

constexpr std::size_t kIndentStep = 2; // dump(2)

} // namespace

void JsonWriter::begin_object() { open('{', true); }

void JsonWriter::end_object() { close('}', true); }

void JsonWriter::begin_array() { open('[', false); }

void JsonWriter::end_array() { close(']', false); }

void JsonWriter::key(std::string_view name)
{
    PC5CHECK_ASSERT(!open_.empty() && open_.back().object && !after_key_);
    Container& container = open_.back();
#ifndef NDEBUG
    PC5CHECK_ASSERT(container.empty || container.last_key < name);
    container.last_key = name;
#endif
    new_line(container);
    append_json_string(*out_, name);
    *out_ += ": ";
    after_key_ = true;
}

void JsonWriter::value(std::string_view text)
{
    begin_value();
    append_json_string(*out_, text);
}

void JsonWriter::value(std::size_t number)
{
    begin_value();
    std::array<char, 24> digits{};
    const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), number);
    PC5CHECK_ASSERT(ec == std::errc());
    out_->append(digits.data(), end);
}

void JsonWriter::member(std::string_view name, std::string_view text)
{
    key(name);
    value(text);
}

void JsonWriter::member(std::string_view name, std::size_t number)
{
    key(name);
    value(number);
}

void JsonWriter::begin_value()
{
    if (open_.empty()) {
        return; // the top-level value
    }
    Container& container = open_.back();
    if (container.object) {
        PC5CHECK_ASSERT(after_key_);
        after_key_ = false;
    } else {
        new_line(container);
    }
}

void JsonWriter::new_line(Container& container)
{
    *out_ += container.empty ? "\n" : ",\n";
    container.empty = false;
    out_->append(indent_ + kIndentStep * open_.size(), ' ');
}

void JsonWriter::open(char bracket, bool object)
{
    begin_value();
    *out_ += bracket;
    open_.emplace_back().object = object;
}

void JsonWriter::close(char bracket, bool object)
{
    PC5CHECK_ASSERT(!open_.empty() && open_.back().object == object && !after_key_);
    const bool empty = open_.back().empty;
    open_.pop_back();
    if (!empty) {
        *out_ += '\n';
        out_->append(indent_ + kIndentStep * open_.size(), ' ');
    }
    *out_ += bracket;
}

} // namespace pc5check::report
