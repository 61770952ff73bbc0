#pragma once
/// \file The symbolic engine's vocabulary: values the trace leaves open (Term, Sym, Leaf), the rule
/// checks it leaves undecided (Instance), what a step reads (StepInput). Private to checker/src/smt.

#include "pc5check/expr/expr.h"
#include "pc5check/machine/result.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>
#include <z3++.h>

namespace pc5check::smt::detail {

using expr::Type;
using expr::Value;

/// A value the trace does not fix: whether it is there, and what it is (free when not there, so a
/// use of an absent value behaves like the concrete `unknown`).
struct Term {
    Term(z3::expr p, z3::expr v) : present(std::move(p)), value(std::move(v)) {}
    Term(const Term&) = default;
    Term(Term&&) noexcept = default;
    Term& operator=(const Term&) = default;
    /// By copy: z3++.h 4.8.12's move assignment would leak the overwritten terms (z3_assign.h). A state
    /// variable's Sym is overwritten at every step.
    Term& operator=(Term&& other) noexcept { return *this = static_cast<const Term&>(other); }
    ~Term() = default;

    z3::expr present;
    z3::expr value;
};

/// Known (or absent) value, or a term. A Value here is never Unknown.
using Sym = std::variant<Value, Term>;

/// Z3 integer that no int64 can equal: "no entry" in a map.
constexpr const char* kNoEntry = "1180591620717411303424"; // 2^70

/// A value the trace leaves open, as reported in assumptions.
struct Leaf {
    std::string what; ///< "event 4: sec.mac (MAC-I not logged)"
    Type type;
    std::optional<z3::expr> present; ///< when its presence is open too
    z3::expr value;
};

/// A rule check at one step that the trace does not decide.
struct Instance {
    const spec::Rule* rule = nullptr;
    const spec::Check* check = nullptr;
    std::size_t event = 0;           ///< event index (for an inserted message: the event it precedes)
    bool hidden = false;             ///< at an unlogged message the solver may insert
    std::size_t slot = 0;            ///< which inserted-message slot, when hidden
    z3::expr holds;                  ///< applies => assert
    z3::expr literal;                ///< check!i
    std::vector<std::size_t> leaves; ///< open values it depends on (capped)
    bool leaves_truncated = false;
    machine::Finding finding; ///< pre-rendered (offender, templates), outcome filled in later
};

/// What one step reads besides the state.
struct StepInput {
    std::unordered_map<std::string, Sym> fields;
    Sym msg{Value{}};
    Sym from{Value{}};
    std::size_t event = 0;
    bool hidden = false;
    std::size_t slot = 0;
    std::optional<z3::expr> active;    ///< hidden slots: the message was really sent
    std::optional<z3::expr> delivered; ///< one-UE logs: the peer received what the observer sent
    /// prove/query: the attacker, not the sender, put the message on the air (the sender's send
    /// transitions do not fire, the checks blaming the sender do not bind, the link does not see it).
    std::optional<z3::expr> injected;
    const trace::Event* observed = nullptr;
};

/// Capped dependency set.
struct Deps {
    std::vector<std::size_t> leaves;
    bool truncated = false;
    void add(std::size_t leaf)
    {
        if (std::find(leaves.begin(), leaves.end(), leaf) != leaves.end()) {
            return;
        }
        if (leaves.size() >= 12) {
            truncated = true;
            return;
        }
        leaves.push_back(leaf);
    }
    void add(const Deps& other)
    {
        for (const auto l : other.leaves) {
            add(l);
        }
        truncated = truncated || other.truncated;
    }
};
} // namespace pc5check::smt::detail
