#include "report/proof_text.h"

namespace pc5check::report::proof {

namespace {

std::string number(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>()) : "?";
}

} // namespace

std::string str(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool holds(const nlohmann::json& property)
{
    const std::string v = str(property, "verdict");
    return v == "proven" || v == "holds up to depth";
}

std::string verdict_phrase(const nlohmann::json& property)
{
    const std::string v = str(property, "verdict");
    const std::string how = str(property, "how");
    if (v == "proven") {
        return how.empty() ? v : v + " (" + how + ")";
    }
    if (v == "holds up to depth" || v == "violated") {
        return (v == "violated" ? "violated at depth " : "holds up to depth ") + number(property, "depth");
    }
    return how.empty() ? v : v + ": " + how;
}

std::string witness_phrase(const nlohmann::json& witness, const std::string& noun)
{
    const std::string file = str(witness, "file");
    return file.empty() ? "(use --cex-dir to write the " + noun + " as a trace)" : noun + ": " + file;
}

std::string steps_text(const nlohmann::json& witness)
{
    std::string out;
    for (const auto& s : witness.value("steps", nlohmann::json::array())) {
        const std::string detail = str(s, "detail");
        out += "  " + number(s, "index") + ". " + (s.value("by_attacker", false) ? "[attacker] " : "") +
               str(s, "action") + " " + str(s, "msg") + (detail.empty() ? "" : "  (" + detail + ")") + "\n";
    }
    const auto check = witness.value("check", nlohmann::json::object());
    const std::string command = str(check, "command");
    if (!command.empty()) {
        std::string verdict = str(check, "verdict");
        for (const auto& r : check.value("rules", nlohmann::json::array())) {
            verdict += " " + r.get<std::string>();
        }
        out += command + ": " + verdict + "\n";
    }
    return out;
}

std::string rests_on_text(const nlohmann::json& rests_on)
{
    std::string assumptions;
    for (const auto& a : rests_on.value("assumptions", nlohmann::json::array())) {
        assumptions += (assumptions.empty() ? "" : ", ") + str(a, "id");
    }
    std::string unconfirmed;
    for (const auto& p : rests_on.value("parameters", nlohmann::json::array())) {
        if (!p.value("confirmed", true)) {
            unconfirmed += (unconfirmed.empty() ? "" : ", ") + str(p, "id") + "=" + str(p, "value");
        }
    }
    std::string out;
    if (!assumptions.empty()) {
        out += "rests on assumptions: " + assumptions + "\n";
    }
    if (!unconfirmed.empty()) {
        out += "unconfirmed parameters: " + unconfirmed + "\n";
    }
    return out;
}

} // namespace pc5check::report::proof
