/// \file RulePasses: pass counts per rule id in a sorted list.

#include "pc5check/machine/rule_passes.h"

#include "pc5check/common/error.h"

#include <algorithm>

namespace pc5check::machine {

namespace {

bool id_less(const RulePasses::value_type& entry, std::string_view rule) { return entry.first < rule; }

} // namespace

RulePasses::RulePasses(std::initializer_list<value_type> entries)
{
    for (const auto& [rule, count] : entries) {
        (*this)[rule] = count;
    }
}

std::vector<RulePasses::value_type>::const_iterator RulePasses::find(std::string_view rule) const
{
    return std::lower_bound(entries_.begin(), entries_.end(), rule, id_less);
}

std::size_t& RulePasses::operator[](std::string_view rule)
{
    auto it = std::lower_bound(entries_.begin(), entries_.end(), rule, id_less);
    if (it == entries_.end() || it->first != rule) {
        it = entries_.emplace(it, std::string(rule), 0);
    }
    return it->second;
}

void RulePasses::append(std::string_view rule, std::size_t count)
{
    if (!entries_.empty() && entries_.back().first == rule) {
        entries_.back().second += count;
        return;
    }
    PC5CHECK_ASSERT((entries_.empty() || entries_.back().first < rule) && "rules appended in id order");
    entries_.emplace_back(std::string(rule), count);
}

std::size_t RulePasses::at(std::string_view rule) const
{
    const auto it = find(rule);
    PC5CHECK_ASSERT(it != entries_.end() && it->first == rule && "at() of a rule without passes");
    return it->second;
}

bool RulePasses::contains(std::string_view rule) const
{
    const auto it = find(rule);
    return it != entries_.end() && it->first == rule;
}

} // namespace pc5check::machine
