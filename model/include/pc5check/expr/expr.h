#pragma once
/// \file The spec expression language: parse, type-check, evaluate.
///
/// Surface syntax (precedence low to high):
///   e ::= "if" e "then" e "else" e
///       | e "=>" e            (right-assoc, implication)
///       | e "||" e | e "&&" e
///       | "!" e
///       | e ("=="|"!="|"<"|"<="|">"|">=") e | e "in" e
///       | e ("|") e | e ("&") e | e ("<<"|">>") e
///       | e ("+"|"-") e | e ("*"|"/"|"%") e
///       | "-" e
///       | atom
///   atom ::= "true" | "false" | "absent" | INT (decimal or 0x hex) | x"hexdigits"
///          | "{" [e ("," e)*] "}"                         set literal
///          | NAME ("." NAME)*                             variable, enum literal or Enum.LITERAL
///          | NAME "(" [e ("," e)*] ")"                    function call
///          | "(" e ")"
/// A dotted name that is not a variable of the Scope and names an enum literal (`NIA2` or `Nia.NIA2`)
/// is that literal. `def` names of the Scope are macros, expanded once (cycles are an error).
///
/// Built-in functions (type-checked here, evaluated here):
///   present(x: any) -> bool           x is not absent
///   len(b: bytes) -> int
///   size(s: set<T>) -> int
///   subset(a: set<T>, b: set<T>) -> bool
///   union(a: set<T>, b: set<T>) -> set<T>
///   insert(s: set<T>, x: T) -> set<T>
///   get(m: map, k: int, default: int) -> int
///   put(m: map, k: int, v: int) -> map
///   known(x: any) -> bool             x is not unknown (never unknown itself)
/// External functions (crypto etc.) are declared and implemented by the caller through Scope.
///
/// Three-valued semantics: `unknown` propagates (strict in every operator and call, with its reason)
/// except: false && u = false, true || u = true, false => u = true, u => true = true,
/// if c then a else b with unknown c is a when a == b, known(u) = false. `absent` compares equal to
/// absent and unequal to anything else with ==/!=; any other use of absent yields unknown with reason
/// "<what> is absent".

#include "pc5check/common/error.h"
#include "pc5check/expr/ast.h"
#include "pc5check/expr/type.h"
#include "pc5check/expr/value.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pc5check::expr {

/// What a real function accepts of one argument: the octets of a byte string, the range of an integer.
/// The evaluator's functions refuse other inputs (their value is unknown); the solver never rests a run
/// on such an input either.
struct ArgumentDomain {
    std::size_t octets = 0; ///< 0: any length
    std::int64_t min = INT64_MIN;
    std::int64_t max = INT64_MAX;
};

/// The meaning the Z3 encoding gives an external function (its axioms), declared beside the concrete
/// implementation (model/src/machine/builtins.cpp) so that one place says both. The encoding
/// (checker/src/smt) switches over `kind` without a default: a kind without a Z3 meaning does not
/// compile, and an ExternalFunction cannot be built without a SolverMeaning.
struct SolverMeaning {
    enum class Kind : std::uint8_t {
        /// Perfect crypto (a KDF): every argument is a function of the result.
        injective,
        /// A keyed derivation left open: only the first argument (the key) is a function of the result;
        /// whether the others matter is the solver's choice (least committed).
        injective_in_key,
        /// A MAC: injective, except that the null algorithm (`null_algorithm`: argument 0 equal to its
        /// index, NIA0) gives its fixed MAC, which no real MAC equals (TS 33.501 D.1: NIA0's MAC-I is 32
        /// zero bits).
        mac,
        /// A logged key found by an ID: the key in force at the start is found under its own ID shifted
        /// right by `id_shift` bits, and only there (how the concrete look-up of `keys` behaves).
        key_lookup,
        /// The empty int -> int map.
        empty_map,
    };
    /// What no result of the function equals: nothing, or a key in force at the start (fresh nonces or
    /// a new authentication run never give the initial key again).
    enum class DistinctFrom : std::uint8_t { nothing, initial_session_key, initial_root_key };

    Kind kind = Kind::injective;
    std::size_t result_octets = 0; ///< length of every result (a key length), 0 when not fixed
    DistinctFrom distinct_from = DistinctFrom::nothing;
    unsigned id_shift = 0;                 ///< key_lookup: how the ID argument relates to the initial ID
    std::vector<ArgumentDomain> domains{}; ///< per argument (shorter: the rest accept anything)
    /// Kind::mac: the null algorithm, by its index in the enumeration of argument 0, and the result it
    /// gives whatever the other arguments; with it the octet lengths of `domains` do not apply.
    struct NullAlgorithm {
        std::int64_t index = 0;
        std::vector<std::uint8_t> result;
    };
    std::optional<NullAlgorithm> null_algorithm{};

    /// Whether every integer argument lies within its domain's range (octet lengths are the crypto's own
    /// check, which says which key or nonce is too short).
    [[nodiscard]] bool integers_in_range(const std::vector<Value>& args) const;
};

/// Signature and implementation of a caller-provided function (e.g. `nrpik`, `nia`, `key_of`).
/// `impl` receives known-or-absent/unknown arguments; the evaluator first makes the call strict
/// (any unknown argument gives unknown without calling impl) unless `lazy_unknown` is set.
struct ExternalFunction {
    /// Writes the value of a call into `out`, the caller's storage: compiled code keeps one per call
    /// site, so a key or a MAC-I (a memo's stored result, say) is copied into bytes it already has
    /// rather than into a new vector at every call. `out` may hold anything before the call.
    using Impl = std::function<void(const std::vector<Value>& args, Value& out)>;
    /// The solver meaning is required: a function the Z3 encoding could not interpret does not compile.
    ExternalFunction(std::vector<Type> parameters, Type result_type, Impl implementation,
                     SolverMeaning solver_meaning, bool lazy = false, bool is_open = false)
        : params(std::move(parameters)), result(std::move(result_type)), impl(std::move(implementation)),
          meaning(std::move(solver_meaning)), lazy_unknown(lazy), open(is_open)
    {
    }
    std::vector<Type> params;
    Type result;
    Impl impl;
    SolverMeaning meaning;
    bool lazy_unknown = false;
    /// The value is left open by the spec variant (a derivation the source text leaves FFS): replay
    /// never knows it, and the solver may pick any value the function's axioms allow.
    bool open = false;

    /// Real crypto that computes the value from the arguments alone (a KDF or a MAC the spec does not
    /// leave open; not a look-up of logged keys): replay memoizes it, a counterexample recomputes it.
    [[nodiscard]] bool computed_from_arguments() const
    {
        return !open &&
               (meaning.kind == SolverMeaning::Kind::injective || meaning.kind == SolverMeaning::Kind::mac);
    }
};

/// Names visible to an expression: variables with types, enum types, macros (defs), functions.
struct Scope {
    std::map<std::string, Type> variables;
    std::vector<std::shared_ptr<const EnumDef>> enums;
    std::map<std::string, std::string> defs; ///< name -> expression source (a macro)
    std::map<std::string, ExternalFunction> functions;
};

/// Default bound on the nesting of an expression's source (brackets, set literals, call arguments,
/// if parts, operand chains) and on the height of the parsed tree: hostile input cannot exhaust the
/// stack here or in the tree walkers downstream.
inline constexpr std::size_t kDefaultMaxDepth = 200;

/// Parses expression source. Error messages give the character offset ("at offset 12: expected ')'").
/// Nesting deeper than `max_depth` is an error with code `limit` naming --max-expr-depth.
[[nodiscard]] Expected<NodePtr> parse(const std::string& source, std::size_t max_depth = kDefaultMaxDepth);

/// Resolves names (variables, enum literals, defs), checks types and returns a typed tree.
/// `expected` constrains the result type when given (e.g. bool for guards). Defs are parsed with
/// `max_depth`.
[[nodiscard]] Expected<NodePtr> type_check(const NodePtr& tree, const Scope& scope,
                                           const Type* expected = nullptr,
                                           std::size_t max_depth = kDefaultMaxDepth);

/// parse + type_check in one go.
[[nodiscard]] Expected<NodePtr> compile(const std::string& source, const Scope& scope,
                                        const Type* expected = nullptr,
                                        std::size_t max_depth = kDefaultMaxDepth);

/// Values of definitions (Node::def) in one environment: evaluate() stores the value of a def the
/// first time it meets it and reads it back wherever the same def is used again, until clear().
/// Sized once for a scope's defs (indices beyond are never kept).
class DefCache {
  public:
    explicit DefCache(std::size_t defs = 0) : values_(defs), stamps_(defs, 0) {}

    /// Forgets every value: the environment changed. Constant time.
    void clear() { ++generation_; }
    /// Forgets the value of def `def` only (a def reading something that changed).
    void forget(std::uint32_t def)
    {
        if (def < stamps_.size()) {
            stamps_[def] = 0;
        }
    }
    /// The kept value of def `def`, or nullptr.
    [[nodiscard]] const Value* find(std::uint32_t def) const
    {
        return def < values_.size() && stamps_[def] == generation_ ? &values_[def] : nullptr;
    }
    /// Keeps `v` as the value of def `def` (which must be < the size) and returns the kept value; it
    /// stays where it is until the next store of the same def (no other store moves it).
    const Value& store(std::uint32_t def, Value v)
    {
        values_[def] = std::move(v);
        stamps_[def] = generation_;
        return values_[def];
    }
    /// store() of a copy of `v`, made in the storage the def's previous value had (a key copied into
    /// bytes the cache already has instead of a new vector).
    const Value& store_copy(std::uint32_t def, const Value& v)
    {
        values_[def] = v;
        stamps_[def] = generation_;
        return values_[def];
    }
    [[nodiscard]] std::size_t size() const { return values_.size(); }

  private:
    std::vector<Value> values_;
    std::vector<std::uint64_t> stamps_;
    std::uint64_t generation_ = 1;
};

/// Values of variables at evaluation time.
class Env {
  public:
    Env() = default;
    Env(const Env&) = default;
    Env(Env&&) = default;
    Env& operator=(const Env&) = default;
    Env& operator=(Env&&) = default;
    virtual ~Env() = default;
    /// Value of a variable the type checker accepted. Never fails: unlogged data is Unknown.
    [[nodiscard]] virtual Value lookup(const std::string& name) const = 0;
    /// Fast path of lookup(): the value of `variable` (a node with Node::slot set against the scope
    /// this Env was built for) without a copy, or nullptr to make the evaluator call lookup(). The
    /// returned value must stay unchanged for the duration of the evaluate() call.
    [[nodiscard]] virtual const Value* find(const Node& /*variable*/) const { return nullptr; }
    /// Where evaluate() may keep the values of defs for as long as this Env's values stay unchanged,
    /// or nullptr (every use of a def evaluates it). Only for an Env whose trees were all checked
    /// against one scope, since Node::def indexes that scope's defs.
    [[nodiscard]] virtual DefCache* def_cache() const { return nullptr; }
};

/// Evaluates a typed tree. `scope` supplies external function implementations.
[[nodiscard]] Value evaluate(const Node& tree, const Env& env, const Scope& scope);

} // namespace pc5check::expr
