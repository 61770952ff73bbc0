#pragma once
/// \file The manual page and the shell completions, written from the command line's own definition
/// (the CLI11 app `run` builds), so they list exactly the subcommands and options the binary parses.
/// The build runs `pc5check manual man|bash|zsh` and installs the output (checker/CMakeLists.txt).

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace pc5check::cli {

/// pc5check(1) in roff (man(7) macros): every visible subcommand with its usage, options and examples.
[[nodiscard]] std::string man_page(const CLI::App& app, std::string_view version);

/// A bash completion script (`complete -F`): subcommands, their options, the values of options with a
/// fixed set of values, file names elsewhere.
[[nodiscard]] std::string bash_completion(const CLI::App& app);

/// A zsh completion script (`#compdef pc5check`, `_arguments` per subcommand).
[[nodiscard]] std::string zsh_completion(const CLI::App& app);

/// Adds the hidden `manual` subcommand that prints one of the three; `format` receives its argument.
[[nodiscard]] CLI::App* add_manual_command(CLI::App& app, std::string& format);

} // namespace pc5check::cli
