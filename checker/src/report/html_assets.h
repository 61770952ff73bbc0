#pragma once
/// \file The inline stylesheet and script of the HTML report (the page loads nothing from elsewhere).

#include <string_view>

namespace pc5check::report::html {

/// The page's `<style>` content: layout, verdict colours, the message sequence chart.
[[nodiscard]] std::string_view stylesheet();

/// The page's `<script>` content: expand/collapse all, a "only failing" filter, opening the trace
/// that holds a linked element. The page is complete without it (<details>/<summary>).
[[nodiscard]] std::string_view script();

} // namespace pc5check::report::html
