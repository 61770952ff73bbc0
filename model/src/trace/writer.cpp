#include "pc5check/common/hex.h"
#include "pc5check/trace/trace.h"
#include "trace/hex.h"
#include "trace/names.h"

#include <string>

namespace pc5check::trace {

namespace {

using nlohmann::json;

[[nodiscard]] json sec_caps_json(const SecCaps& caps) { return json{{"nea", caps.nea}, {"nia", caps.nia}}; }

[[nodiscard]] json link_json(const Link& link)
{
    json j{{"k_nrp_id", link.k_nrp_id}, {"k_nrp_sess_id", link.k_nrp_sess_id}};
    if (link.selected_nea || link.selected_nia) {
        json algs = json::object();
        if (link.selected_nea) {
            algs["nea"] = *link.selected_nea;
        }
        if (link.selected_nia) {
            algs["nia"] = *link.selected_nia;
        }
        j["selected_algs"] = std::move(algs);
    }
    if (link.k_nrp_sess) {
        j["k_nrp_sess"] = to_hex_digits(*link.k_nrp_sess);
    }
    if (link.initiator_sec_cap) {
        j["initiator_sec_cap"] = sec_caps_json(*link.initiator_sec_cap);
    }
    if (link.signalling_policy) {
        j["signalling_policy"] = json{{"integrity", link.signalling_policy->integrity},
                                      {"ciphering", link.signalling_policy->ciphering}};
    }
    return j;
}

[[nodiscard]] json sec_json(const Sec& sec)
{
    if (sec.kind == Sec::Kind::none) {
        return "none";
    }
    json j = json::object();
    if (sec.ctx) {
        j["ctx"] = *sec.ctx;
    }
    if (sec.count) {
        j["count"] = *sec.count;
    }
    if (sec.bearer) {
        j["bearer"] = *sec.bearer;
    }
    if (sec.direction) {
        j["direction"] = *sec.direction;
    }
    if (sec.mac) {
        j["mac"] = to_hex_digits(*sec.mac);
    }
    if (sec.ciphered) {
        j["ciphered"] = *sec.ciphered;
    }
    return j;
}

[[nodiscard]] json event_json(const Event& event)
{
    json j{{"at", event.at}, {"from", to_string(event.from)}, {"msg", event.msg}};
    if (!event.ie.decoded() || !event.ie.empty()) { // null: IEs not decoded
        j["ie"] = event.ie.to_json();
    }
    if (event.sec.kind != Sec::Kind::not_logged) {
        j["sec"] = sec_json(event.sec);
    }
    if (event.pdu) {
        j["pdu"] = to_hex_digits(*event.pdu);
    }
    return j;
}

} // namespace

json to_json(const Trace& trace)
{
    json j{{"format", detail::kFormat},
           {"spec", trace.spec},
           {"observer", to_string(trace.observer)},
           {"link", link_json(trace.link)}};
    if (!trace.title.empty()) {
        j["title"] = trace.title;
    }
    if (!trace.keys.empty()) {
        json keys = json::array();
        for (const KeyEntry& key : trace.keys) {
            keys.push_back(json{{"k_nrp_id", key.k_nrp_id}, {"k_nrp", to_hex_digits(key.k_nrp)}});
        }
        j["keys"] = std::move(keys);
    }
    json events = json::array();
    for (const Event& event : trace.events) {
        events.push_back(event_json(event));
    }
    j["events"] = std::move(events);
    if (trace.expect) {
        const Expect& e = *trace.expect;
        j["expect"] = json{{"verdict", e.verdict}, {"rules", e.rules}};
        if (e.max_missing) {
            j["expect"]["max_missing"] = *e.max_missing;
        }
        if (e.timeout_ms) {
            j["expect"]["timeout_ms"] = *e.timeout_ms;
        }
        if (!e.assumed.empty()) {
            j["expect"]["assumed"] = e.assumed;
        }
        if (!e.unverified.empty()) {
            j["expect"]["unverified"] = e.unverified;
        }
        if (!e.limit.empty()) {
            j["expect"]["limit"] = e.limit;
        }
    }
    if (!trace.attacker_steps.empty()) {
        json steps = json::array();
        for (const AttackerStep& a : trace.attacker_steps) {
            steps.push_back(json{{"event", a.event}, {"attack", a.injected ? "injected" : "dropped"}});
        }
        j["attacker_steps"] = std::move(steps);
    }
    return j;
}

} // namespace pc5check::trace
