#pragma once
/// \file The number of checks that passed per rule, as a replay reports it (ReplayResult::passes).

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc5check::machine {

/// Rule id -> number of checks of that rule that passed, in id order (the order the reports list them).
/// A sorted list rather than a std::map, and the ids in one buffer: a trace's result holds two buffers
/// for its counts instead of a node and a key string per rule (the rule ids of an ordinary trace's
/// ~40 passes were a sixth of the allocations of `check`, and with -j N they were freed on another
/// thread than the one that made them).
class RulePasses {
    struct Entry {
        std::size_t offset = 0; ///< of the id in ids_
        std::size_t length = 0;
        std::size_t count = 0;
    };

  public:
    /// An entry as read: the id (valid while the list is not changed) and its count.
    using value_type = std::pair<std::string_view, std::size_t>;

    /// Reads the entries in id order.
    class ConstIterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = RulePasses::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = value_type;

        ConstIterator() = default;
        [[nodiscard]] value_type operator*() const { return {owner_->id(*at_), at_->count}; }
        ConstIterator& operator++()
        {
            ++at_;
            return *this;
        }
        ConstIterator operator++(int)
        {
            ConstIterator before = *this;
            ++at_;
            return before;
        }
        friend bool operator==(const ConstIterator& a, const ConstIterator& b) { return a.at_ == b.at_; }

      private:
        friend class RulePasses;
        ConstIterator(const RulePasses* owner, const Entry* at) : owner_(owner), at_(at) {}
        const RulePasses* owner_ = nullptr;
        const Entry* at_ = nullptr;
    };
    using const_iterator = ConstIterator;

    RulePasses() = default;
    /// Entries in any order; a rule given twice keeps its last count.
    RulePasses(std::initializer_list<std::pair<std::string_view, std::size_t>> entries);

    /// The count of `rule`, added with 0 when it has none (so `++passes[id]` counts a pass).
    [[nodiscard]] std::size_t& operator[](std::string_view rule);
    /// Adds `count` passes of `rule`, which must not sort before any rule held: how a replay, which
    /// knows its rules in id order, builds the list without searching it (and the spool's reader).
    void append(std::string_view rule, std::size_t count);
    /// The count of `rule`, which must be held.
    [[nodiscard]] std::size_t at(std::string_view rule) const;
    /// 1 when `rule` is held, else 0.
    [[nodiscard]] std::size_t count(std::string_view rule) const { return contains(rule) ? 1 : 0; }
    [[nodiscard]] bool contains(std::string_view rule) const;

    [[nodiscard]] const_iterator begin() const { return {this, entries_.data()}; }
    [[nodiscard]] const_iterator end() const { return {this, entries_.data() + entries_.size()}; }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool empty() const { return entries_.empty(); }
    /// Room for `n` entries whose ids take `id_bytes` in all.
    void reserve(std::size_t n, std::size_t id_bytes = 0)
    {
        entries_.reserve(n);
        ids_.reserve(id_bytes);
    }
    void clear()
    {
        entries_.clear();
        ids_.clear();
    }

    /// The same ids with the same counts (in whatever order they were added).
    friend bool operator==(const RulePasses& a, const RulePasses& b);

  private:
    [[nodiscard]] std::string_view id(const Entry& e) const
    {
        return std::string_view(ids_).substr(e.offset, e.length);
    }
    /// The first entry whose id does not sort before `rule`.
    [[nodiscard]] std::size_t lower_bound(std::string_view rule) const;

    std::vector<Entry> entries_; ///< sorted by rule id, ids unique
    std::string ids_;            ///< the ids, in the order they were added
};

} // namespace pc5check::machine
