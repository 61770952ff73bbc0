/// \file Agreement of the two interpreters (docs/architecture.md): on every fully observed trace, the
/// concrete replay, the symbolic check (partial evaluation) and the symbolic check with Z3 evaluating
/// everything but crypto on known inputs must give the same verdict and the same violated rule IDs.
///
///   agreement corpus SPEC_DIR FILE...          traces of corpus files (not fully observed ones are
///                                              counted and skipped)
///   agreement random SPEC_DIR COUNT SEED       COUNT random traces (conforming and mutated, both
///                                              spec variants) from `gen`; a disagreement names its seed
///   agreement slices SPEC_DIR COUNT SEED       COUNT random traces made partial (as captures are),
///                                              symbolic check solved in slices vs as one problem
///                                              (checker/src/smt/slices.h): same verdict and rule IDs
/// Exit 0 when everything agrees, 1 on any disagreement, 2 on bad usage or input.

#include "pc5check/checker/check.h"
#include "pc5check/checker/gen.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/machine/machine.h"
#include "pc5check/protocol/protocol.h"

#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

struct Tally {
    std::size_t compared = 0;
    std::size_t skipped = 0;
    std::size_t disagreements = 0;
    std::map<std::string, std::size_t> verdicts;
};

std::string outcome(const machine::ReplayResult& r)
{
    std::string s = machine::to_string(r.verdict);
    s += " [";
    for (const auto& id : r.violated_rules()) {
        s += " " + id;
    }
    return s + " ]";
}

bool fully_observed(const trace::Trace& t, const machine::ReplayResult& concrete)
{
    // Checks the spec itself leaves open (the seed's FFS key derivation) are unverified in both
    // interpreters; what must not be open is the trace: every guard decided, both UEs observed.
    return !checker::leaves_values_open(t) && concrete.assumptions.empty();
}

/// Compares the three interpreters on one trace; prints and counts a disagreement.
void compare(const spec::Spec& spec, const trace::Trace& t, const std::string& label, Tally& tally)
{
    auto concrete = machine::replay(spec, t);
    if (!concrete) {
        std::cerr << "ERROR " << label << ": " << concrete.error().to_string() << "\n";
        ++tally.disagreements;
        return;
    }
    if (!fully_observed(t, *concrete)) {
        ++tally.skipped;
        return;
    }
    smt::SymbolicOptions pe;
    pe.timeout_ms = 60'000;
    smt::SymbolicOptions pure = pe;
    pure.partial_evaluation = false;
    auto a = smt::check_symbolic(spec, t, pe);
    auto b = smt::check_symbolic(spec, t, pure);
    ++tally.compared;
    ++tally.verdicts[machine::to_string(concrete->verdict)];
    const std::string want = outcome(*concrete);
    const std::string got_a = a ? outcome(*a) : "error: " + a.error().to_string();
    const std::string got_b = b ? outcome(*b) : "error: " + b.error().to_string();
    if (got_a != want || got_b != want) {
        ++tally.disagreements;
        std::cerr << "DISAGREE " << label << ": concrete " << want << ", symbolic " << got_a
                  << ", symbolic (Z3 evaluates) " << got_b << "\n";
        for (const auto* r : {&*concrete, a ? &*a : nullptr, b ? &*b : nullptr}) {
            if (r == nullptr) {
                continue;
            }
            std::cerr << "  "
                      << (r == &*concrete                      ? "concrete"
                          : r->mode == machine::Mode::symbolic ? "symbolic"
                                                               : "?")
                      << ":\n";
            for (const auto& f : r->findings) {
                std::cerr << "    " << f.rule
                          << (f.outcome == machine::Outcome::violation ? " violation" : " unverified")
                          << " at event " << f.event << ": " << f.observed
                          << (f.reason.empty() ? "" : " (" + f.reason + ")") << "\n";
            }
            for (const auto& c : r->explanation) {
                std::cerr << "    conflict: " << c.what << "\n";
            }
        }
    }
}

/// `t` made partial the way captures are (the kind by seed): no keys; no keys and every third PDCP
/// protection not logged; keys but every other protection not logged; the initiator's own log without
/// keys.
trace::Trace make_partial(trace::Trace t, std::uint64_t seed)
{
    const auto kind = seed % 4;
    if (kind != 2) {
        t.keys.clear();
        t.link.k_nrp_sess.reset();
    }
    const std::size_t every = kind == 1 ? 3 : kind == 2 ? 2 : 0;
    for (std::size_t i = 0; every != 0 && i < t.events.size(); i += every) {
        t.events[i].sec = trace::Sec{};
    }
    if (kind == 3) {
        t.observer = trace::Observer::initiator;
    }
    return t;
}

/// Compares the symbolic check in slices with the one-problem check on one partial trace.
void compare_slices(const spec::Spec& spec, const trace::Trace& t, const std::string& label, Tally& tally)
{
    smt::SymbolicOptions sliced;
    sliced.timeout_ms = 60'000;
    sliced.proof_budget =
        0; // proofs refine unverified checks only; verdict and rule IDs do not wait for them
    smt::SymbolicOptions whole = sliced;
    whole.slices = false;
    auto a = smt::check_symbolic(spec, t, sliced);
    auto b = smt::check_symbolic(spec, t, whole);
    if (a && b &&
        (a->verdict == machine::Verdict::inconclusive || b->verdict == machine::Verdict::inconclusive)) {
        ++tally.skipped; // a limit, not an answer: nothing to compare
        return;
    }
    ++tally.compared;
    const std::string got_a = a ? outcome(*a) : "error: " + a.error().to_string();
    const std::string got_b = b ? outcome(*b) : "error: " + b.error().to_string();
    ++tally.verdicts[got_b.substr(0, got_b.find(' '))];
    if (got_a != got_b) {
        ++tally.disagreements;
        std::cerr << "DISAGREE " << label << ": in slices " << got_a << ", as one problem " << got_b << "\n";
    }
}

int summary(const Tally& t)
{
    std::cout << "compared " << t.compared << " traces (";
    bool first = true;
    for (const auto& [verdict, n] : t.verdicts) {
        std::cout << (first ? "" : ", ") << n << " " << verdict;
        first = false;
    }
    std::cout << "), skipped " << t.skipped << " (open values; with slices: a solver limit), "
              << t.disagreements << " disagreement(s)\n";
    return t.disagreements == 0 && t.compared > 0 ? 0 : 1;
}

/// Every pair of a real ciphering and a real integrity algorithm the crypto computes (all but the null
/// ones, as spec/pc5-protocol.json lists them), so that random traces cover each MAC algorithm.
std::vector<gen::LinkAlgorithms> real_algorithm_pairs()
{
    const auto real = [](const protocol::AlgorithmFamily& family) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < family.names.size(); ++i) {
            if (i != family.null_index && family.implemented[i]) {
                names.emplace_back(family.names[i]);
            }
        }
        return names;
    };
    std::vector<gen::LinkAlgorithms> pairs;
    for (const std::string& nia : real(protocol::kNia)) {
        for (const std::string& nea : real(protocol::kNea)) {
            pairs.push_back(gen::LinkAlgorithms{nea, nia});
        }
    }
    return pairs;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 3 && args[0] == "corpus") {
        checker::CheckOptions options;
        options.spec_dirs = {args[1]};
        checker::SpecCache specs(options);
        Tally tally;
        for (std::size_t i = 2; i < args.size(); ++i) {
            auto file = trace::read_trace_file(args[i]);
            if (!file) {
                std::cerr << "ERROR " << file.error().to_string() << "\n";
                return 2;
            }
            for (auto& doc : *file) {
                if (!doc) {
                    std::cerr << "ERROR " << doc.error().to_string() << "\n";
                    return 2;
                }
                auto spec = specs.get(doc->spec);
                if (!spec) {
                    std::cerr << "ERROR " << spec.error().to_string() << "\n";
                    return 2;
                }
                compare(**spec, *doc, doc->file + ":" + std::to_string(doc->line), tally);
            }
        }
        return summary(tally);
    }
    if (args.size() == 4 && (args[0] == "random" || args[0] == "slices")) {
        checker::CheckOptions options;
        options.spec_dirs = {args[1]};
        checker::SpecCache specs(options);
        const std::size_t count = std::stoull(args[2]);
        const std::uint64_t seed = std::stoull(args[3]);
        Tally tally;
        // Every pair of real algorithms the crypto computes, each for four traces in a row (both specs).
        const std::vector<gen::LinkAlgorithms> pairs = real_algorithm_pairs();
        const auto started = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < count; ++i) {
            const std::string spec_id = i % 4 == 3 ? gen::kSeedSpecId : gen::kNormativeSpecId;
            const std::uint64_t s = seed + i;
            const gen::LinkAlgorithms& algs = pairs[(i / 4) % pairs.size()];
            auto t = gen::make_random_trace(spec_id, s, "", algs);
            if (!t) {
                std::cerr << "ERROR gen " << spec_id << " seed " << s << ": " << t.error().to_string()
                          << "\n";
                return 2;
            }
            auto spec = specs.get(spec_id);
            if (!spec) {
                std::cerr << "ERROR " << spec.error().to_string() << "\n";
                return 2;
            }
            const std::string label =
                args[0] + " " + spec_id + " seed " + std::to_string(s) + " " + algs.nea + "/" + algs.nia;
            if (args[0] == "slices") {
                compare_slices(**spec, make_partial(std::move(*t), s), label, tally);
            } else {
                compare(**spec, *t, label, tally);
            }
        }
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                .count();
        std::cout << "random traces " << count << " from seed " << seed << " in " << ms << " ms; ";
        return summary(tally);
    }
    std::cerr << "usage: agreement corpus SPEC_DIR FILE... | agreement random|slices SPEC_DIR COUNT SEED\n";
    return 2;
}
