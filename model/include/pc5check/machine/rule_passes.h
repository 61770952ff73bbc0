#pragma once
/// \file The number of checks that passed per rule, as a replay reports it (ReplayResult::passes).

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc5check::machine {

/// Rule id -> number of checks of that rule that passed, in id order (the order the reports list them).
/// A sorted list rather than a std::map: a trace's result holds one buffer for its counts instead of a
/// node (and often a key string) per rule, and reading it back from the check's spool builds the same.
class RulePasses {
  public:
    using value_type = std::pair<std::string, std::size_t>;
    using const_iterator = std::vector<value_type>::const_iterator;

    RulePasses() = default;
    /// Entries in any order; a rule given twice keeps its last count.
    RulePasses(std::initializer_list<value_type> entries);

    /// The count of `rule`, added with 0 when it has none (so `++passes[id]` counts a pass).
    [[nodiscard]] std::size_t& operator[](std::string_view rule);
    /// Adds `count` passes of `rule`, which must not sort before any rule held: how a replay, which
    /// knows its rules in id order, builds the list without searching it.
    void append(std::string_view rule, std::size_t count);
    /// The count of `rule`, which must be held.
    [[nodiscard]] std::size_t at(std::string_view rule) const;
    /// 1 when `rule` is held, else 0.
    [[nodiscard]] std::size_t count(std::string_view rule) const { return contains(rule) ? 1 : 0; }
    [[nodiscard]] bool contains(std::string_view rule) const;

    [[nodiscard]] const_iterator begin() const { return entries_.begin(); }
    [[nodiscard]] const_iterator end() const { return entries_.end(); }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool empty() const { return entries_.empty(); }
    void reserve(std::size_t n) { entries_.reserve(n); }
    void clear() { entries_.clear(); }

    /// `n` entries to be filled in id order through the mutable iterators (the spool's reader, which
    /// reads back entries it wrote in that order).
    void resize(std::size_t n) { entries_.resize(n); }
    [[nodiscard]] std::vector<value_type>::iterator begin() { return entries_.begin(); }
    [[nodiscard]] std::vector<value_type>::iterator end() { return entries_.end(); }

    /// Entry by entry.
    friend bool operator==(const RulePasses&, const RulePasses&) = default;

  private:
    [[nodiscard]] std::vector<value_type>::const_iterator find(std::string_view rule) const;

    std::vector<value_type> entries_; ///< sorted by rule id, ids unique
};

} // namespace pc5check::machine
