#include "trace/names.h"

#include "pc5check/protocol/protocol.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace pc5check::trace {

namespace {

/// The one table per enum (STYLE.md): enumerator <-> JSON spelling.
constexpr std::array<std::pair<Observer, const char*>, 3> kObservers{{
    {Observer::air, "air"},
    {Observer::initiator, "initiator"},
    {Observer::target, "target"},
}};
constexpr std::array<std::pair<Role, const char*>, 2> kRoles{{
    {Role::initiator, "initiator"},
    {Role::target, "target"},
}};

template <class Enum, std::size_t N>
[[nodiscard]] const char* spelling(const std::array<std::pair<Enum, const char*>, N>& table, Enum value)
{
    for (const auto& [e, name] : table) {
        if (e == value) {
            return name;
        }
    }
    PC5CHECK_ASSERT(false && "enumerator missing from its spelling table");
    return "";
}

template <class Enum, std::size_t N>
[[nodiscard]] std::optional<Enum> parse(const std::array<std::pair<Enum, const char*>, N>& table,
                                        std::string_view name)
{
    for (const auto& [e, spelled] : table) {
        if (name == spelled) {
            return e;
        }
    }
    return std::nullopt;
}

template <class Enum, std::size_t N>
[[nodiscard]] std::vector<std::string> names_of(const std::array<std::pair<Enum, const char*>, N>& table)
{
    std::vector<std::string> names;
    names.reserve(N);
    for (const auto& entry : table) {
        names.emplace_back(entry.second);
    }
    return names;
}

/// The names of a protocol fact table (spec/pc5-protocol.json), as strings.
template <std::size_t N>
[[nodiscard]] std::vector<std::string> strings_of(const std::array<std::string_view, N>& table)
{
    return std::vector<std::string>(table.begin(), table.end());
}

} // namespace

const char* to_string(Observer o) { return spelling(kObservers, o); }

const char* to_string(Role r) { return spelling(kRoles, r); }

const std::vector<std::string>& contract_message_names()
{
    // spec/pc5-protocol.json: REKEYING_RESPONSE is the normative name, REKEYING_ACCEPT the seed's.
    static const std::vector<std::string> names = strings_of(protocol::kMessageNames);
    return names;
}

namespace detail {

const std::vector<std::string>& observer_names()
{
    static const std::vector<std::string> names = names_of(kObservers);
    return names;
}

const std::vector<std::string>& role_names()
{
    static const std::vector<std::string> names = names_of(kRoles);
    return names;
}

const std::vector<std::string>& nea_names()
{
    static const std::vector<std::string> names = strings_of(protocol::kNeaNames);
    return names;
}

const std::vector<std::string>& nia_names()
{
    static const std::vector<std::string> names = strings_of(protocol::kNiaNames);
    return names;
}

const std::vector<std::string>& policy_names()
{
    static const std::vector<std::string> names = strings_of(protocol::kPolicyNames);
    return names;
}

const std::vector<std::string>& verdict_names()
{
    static const std::vector<std::string> names{"conforms", "violation", "inconclusive"};
    return names;
}

std::optional<Observer> observer_from_string(std::string_view name) { return parse(kObservers, name); }

std::optional<Role> role_from_string(std::string_view name) { return parse(kRoles, name); }

} // namespace detail

} // namespace pc5check::trace
