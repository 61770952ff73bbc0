#include "pc5check/machine/rule_passes.h"

#include <doctest/doctest.h>
#include <string>
#include <utility>
#include <vector>

namespace {

using pc5check::machine::RulePasses;

std::vector<std::pair<std::string, std::size_t>> entries(const RulePasses& p) { return {p.begin(), p.end()}; }

} // namespace

TEST_SUITE("machine")
{
    TEST_CASE("rule passes are listed in id order however they were added")
    {
        RulePasses p;
        ++p["REPLAY"];
        ++p["ORDER"];
        p["REPLAY"] += 2;
        ++p["NONCE_REUSE"];
        CHECK(entries(p) == std::vector<std::pair<std::string, std::size_t>>{
                                {"NONCE_REUSE", 1}, {"ORDER", 1}, {"REPLAY", 3}});
        CHECK(p.size() == 3);
        CHECK(p.at("REPLAY") == 3);
        CHECK(p.contains("ORDER"));
        CHECK(p.count("ORDER") == 1);
        CHECK_FALSE(p.contains("ORDE"));
        CHECK(p.count("SMC_NEW_CONTEXT") == 0);
    }

    TEST_CASE("rule passes from a list: sorted, a repeated rule keeps its last count")
    {
        const RulePasses p{{"REPLAY", 5}, {"ORDER", 7}, {"REPLAY", 123'456}};
        CHECK(entries(p) ==
              std::vector<std::pair<std::string, std::size_t>>{{"ORDER", 7}, {"REPLAY", 123'456}});
        CHECK(p == RulePasses{{"ORDER", 7}, {"REPLAY", 123'456}});
        CHECK_FALSE(p == RulePasses{{"ORDER", 7}, {"REPLAY", 1}});
        CHECK(RulePasses{}.empty());
    }

    TEST_CASE("rule passes appended in id order give what counting them one by one gives")
    {
        RulePasses appended;
        appended.append("ACTIVATION_UNCHANGED", 2);
        appended.append("ORDER", 8);
        appended.append("ORDER", 1); // the same rule again: added to its count
        appended.append("REPLAY", 8);
        RulePasses counted;
        counted["REPLAY"] += 8;
        counted["ORDER"] += 9;
        counted["ACTIVATION_UNCHANGED"] += 2;
        CHECK(appended == counted);
    }

    TEST_CASE("rule passes: a copy keeps its ids when the original changes or goes, ids of any length")
    {
        const std::string long_id = "TS33536-6.3.3.2.2-SMC-PROTECTED-UNDER-THE-NEW-CONTEXT";
        RulePasses original;
        original.append("A", 1);
        original.append(long_id, 2);
        ++original["B-IN-THE-MIDDLE-OF-THE-LIST-AND-LONGER-THAN-SSO"];
        const RulePasses copy = original;
        original.clear();
        original.append("Z", 9);
        CHECK(entries(copy) ==
              std::vector<std::pair<std::string, std::size_t>>{
                  {"A", 1}, {"B-IN-THE-MIDDLE-OF-THE-LIST-AND-LONGER-THAN-SSO", 1}, {long_id, 2}});
        RulePasses moved = std::move(original);
        CHECK(entries(moved) == std::vector<std::pair<std::string, std::size_t>>{{"Z", 9}});
        CHECK_FALSE(copy == moved);
        CHECK(copy.at(long_id) == 2);
    }
}
