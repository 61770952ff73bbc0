/// \file RulePasses: pass counts per rule id in a sorted list.

#include "pc5check/machine/rule_passes.h"

#include "pc5check/common/error.h"

#include <algorithm>

namespace pc5check::machine {

RulePasses::RulePasses(std::initializer_list<std::pair<std::string_view, std::size_t>> entries)
{
    for (const auto& [rule, count] : entries) {
        (*this)[rule] = count;
    }
}

std::size_t RulePasses::lower_bound(std::string_view rule) const
{
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), rule,
                                     [this](const Entry& e, std::string_view r) { return id(e) < r; });
    return static_cast<std::size_t>(it - entries_.begin());
}

std::size_t& RulePasses::operator[](std::string_view rule)
{
    const std::size_t k = lower_bound(rule);
    if (k == entries_.size() || id(entries_[k]) != rule) {
        entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(k),
                        Entry{ids_.size(), rule.size(), 0});
        ids_ += rule;
    }
    return entries_[k].count;
}

void RulePasses::append(std::string_view rule, std::size_t count)
{
    if (!entries_.empty() && id(entries_.back()) == rule) {
        entries_.back().count += count;
        return;
    }
    PC5CHECK_ASSERT((entries_.empty() || id(entries_.back()) < rule) && "rules appended in id order");
    entries_.push_back(Entry{ids_.size(), rule.size(), count});
    ids_ += rule;
}

std::size_t RulePasses::at(std::string_view rule) const
{
    const std::size_t k = lower_bound(rule);
    PC5CHECK_ASSERT(k < entries_.size() && id(entries_[k]) == rule && "at() of a rule without passes");
    return entries_[k].count;
}

bool RulePasses::contains(std::string_view rule) const
{
    const std::size_t k = lower_bound(rule);
    return k < entries_.size() && id(entries_[k]) == rule;
}

bool operator==(const RulePasses& a, const RulePasses& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

} // namespace pc5check::machine
