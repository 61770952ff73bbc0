#pragma once
/// \file JSON string literals as nlohmann 3.11.2 writes them with `ensure_ascii = false`, for the
/// streaming JSON writer (json_writer.h): reports written without a DOM stay byte-identical to dump().

#include <string>
#include <string_view>

namespace pc5check::report {

/// Appends `text` to `out` as a JSON string literal, quotes included: `"` `\` and the control
/// characters with a short escape become `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other bytes below 0x20
/// `\u00xx` (lowercase hex); everything else, DEL and UTF-8 included, is copied as is.
///
/// Invalid UTF-8 (where nlohmann's default throws) becomes one U+FFFD per maximal invalid subpart, as
/// nlohmann's `error_handler_t::replace` does (Unicode 15, 3.9 "U+FFFD Substitution of Maximal
/// Subparts"): a lead byte with its valid continuation bytes up to the first byte that cannot continue
/// the sequence, or a byte that starts none. Report strings come from validated JSON input, so this
/// only keeps a report well-formed should one ever get through.
void append_json_string(std::string& out, std::string_view text);

} // namespace pc5check::report
