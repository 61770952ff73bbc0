#pragma once
/// \file The inline stylesheet and script of the HTML reports, and the frame of their pages (the page
/// loads nothing from elsewhere).

#include <ostream>
#include <string_view>

namespace pc5check::report::html {

/// The page's `<style>` content: layout, verdict colours, the message sequence chart.
[[nodiscard]] std::string_view stylesheet();

/// The page's `<script>` content: expand/collapse all, a "only failing" filter, opening the trace
/// that holds a linked element. The page is complete without it (<details>/<summary>).
[[nodiscard]] std::string_view script();

/// Writes the start of a page, up to the opening `<main>`: the <head> with `title` (escaped here) and
/// the stylesheet, and the dark header "pc5check `heading`" (escaped) over `sub_html` (markup: the
/// caller escapes what it puts there).
void write_page_start(std::ostream& out, std::string_view title, std::string_view heading,
                      std::string_view sub_html);

/// Writes the end of a page: `<footer>` holding `footer_html` (markup), the script, closing tags.
void write_page_end(std::ostream& out, std::string_view footer_html);

} // namespace pc5check::report::html
