#pragma once
/// \file Typed trees compiled once into flat code with their variable
/// slots, def indices, operators and external functions resolved, evaluated without walking the
/// `shared_ptr`-linked tree. The replay builds one Code per spec (machine::Program) and shares it by
/// every trace and thread.
///
/// Code::evaluate gives what expr::evaluate gives on the same tree (value, reason, and the same calls of
/// external functions in the same order): it runs the typed fast path of evaluate.cpp on the flat code,
/// computing each operator with the one function operators.h has for it (also the values of `if`,
/// set literals and the set and map builders, whose operands it reads in place), and leaves every node
/// whose operands are not all known and present to the tree evaluator (evaluate_node, the three-valued
/// rules), exactly where the tree's own fast path gives up. (operators.h is the one definition of each
/// operator; the three-valued rules stay with the tree evaluator.)

#include "pc5check/expr/expr.h"
#include "pc5check/expr/ops.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pc5check::expr {

class Code;

/// The mutable part of compiled evaluation, one per evaluating thread (a replaying machine): the
/// external functions bound for its scope and an argument buffer and a result per call site, reused
/// from call to call so that passing a key or a PDU, or getting a key or a MAC-I back, reuses its bytes'
/// storage instead of allocating.
class CodeScratch {
  public:
    /// Resolves the external functions `code` calls in `scope` (whose functions must outlive their use
    /// here; the map's nodes stay where they are when the map is moved) and sizes the buffers.
    void bind(const Code& code, const Scope& scope);

  private:
    friend class Code;
    friend class CodeRun;
    std::vector<const ExternalFunction*> functions_; ///< by Code's function index; nullptr: not in scope
    std::vector<std::vector<Value>> arguments_;      ///< by call site
    /// By call site: the value of its last call, valid until the site is called again (an operand read
    /// in place, as a variable's value is).
    std::vector<Value> results_;
};

/// What compiled code reads while evaluating: the Env (its def cache, and its lookup() for a variable
/// without a slot value), the scope's functions through the bound scratch, and the slot table.
struct Frame {
    const Env& env;
    const Scope& scope;                  ///< the functions the tree evaluator calls (fallback)
    std::span<const Value* const> slots; ///< by Node::slot; nullptr: ask env.lookup()
    CodeScratch& scratch;                ///< bound to `scope` (CodeScratch::bind)
};

/// Typed trees compiled into one flat array of instructions.
class Code {
  public:
    /// Index of a compiled tree's root.
    using Entry = std::uint32_t;

    /// `names`: the variable names of the scope the trees were checked against, by slot (what
    /// Node::slot indexes). A variable whose slot names another variable is read through Env::find.
    explicit Code(std::vector<std::string_view> names) : names_(std::move(names)) {}

    /// Compiles `root` (a typed tree that outlives the code); a node met before (trees share the
    /// subtrees of their defs) keeps its code.
    [[nodiscard]] Entry add(const Node& root);
    /// The entry of a tree added before, or nullopt.
    [[nodiscard]] std::optional<Entry> find(const Node& root) const;
    /// expr::evaluate(tree of `entry`, frame.env, frame.scope), from the compiled code.
    [[nodiscard]] Value evaluate(Entry entry, const Frame& frame) const;
    /// `out` = evaluate(entry, frame), copied into the storage `out` has when the value is kept
    /// somewhere already (a variable, a def, a call's result): a key or a set assigned to a variable
    /// from event to event reuses its bytes instead of allocating.
    void evaluate_into(Entry entry, const Frame& frame, Value& out) const;
    /// Names of the external functions the code calls, by function index.
    [[nodiscard]] const std::vector<std::string>& functions() const { return functions_; }
    /// Call sites of external functions, each with its number of arguments.
    [[nodiscard]] const std::vector<std::uint32_t>& call_sites() const { return call_site_arity_; }

  private:
    friend class CodeRun;

    /// What an instruction does; each mirrors one case of evaluate.cpp's typed fast path.
    enum class Op : std::uint8_t {
        literal,     ///< node->literal
        slot,        ///< a variable read from the frame's slot table (a = slot)
        variable,    ///< a variable read through Env::find / Env::lookup
        logical_not, ///< ! a
        negate,      ///< - a
        connective,  ///< a && b, a || b, a => b
        equal_int,   ///< a == b / a != b on integers (op says which)
        equal_bool,  ///< the same on bools
        equal_value, ///< the same on any other type, operands read in place
        member,      ///< a in b
        ordering,    ///< a < b ...
        arithmetic,  ///< a + b ...
        ite,         ///< if a then b else c
        present,     ///< present(a)
        known,       ///< known(a)
        subset,      ///< subset(a, b)
        get,         ///< get(a, b, c)
        length,      ///< len(a), size(a)
        external,    ///< a call of Scope::functions: c = function index, d = call site
        set_literal, ///< {elements}: the elements are args_[first_arg ..][arity]
        set_union,   ///< union(a, b)
        insert,      ///< insert(a, b)
        put,         ///< put(a, b, c)
        tree,        ///< anything else: the tree evaluator
    };
    struct Instr {
        Op op = Op::tree;
        std::uint8_t sub = 0;              ///< the BinaryOp or Builtin
        TypeKind type = TypeKind::boolean; ///< node->type.kind
        std::uint32_t def = kNoDef;        ///< node->def
        std::uint32_t a = 0;               ///< first operand (an entry), or the slot
        std::uint32_t b = 0;               ///< second operand
        std::uint32_t c = 0;               ///< third operand, or the function index of an external call
        std::uint32_t d = 0;               ///< the call site of an external call
        std::uint32_t first_arg = 0;       ///< external, set_literal: first of its arguments in args_
        std::uint32_t arity = 0;           ///< external, set_literal: number of arguments
        const Node* node = nullptr;        ///< the source node (fallback, names, literals)
    };

    [[nodiscard]] Entry compile(const Node& n);
    [[nodiscard]] Instr compile_binary(const Node& n, Instr i);
    [[nodiscard]] Instr compile_call(const Node& n, Instr i);

    std::vector<std::string_view> names_;
    std::vector<Instr> code_;
    std::vector<Entry> args_; ///< arguments of external calls, elements of set literals
    std::unordered_map<const Node*, Entry> entries_;
    std::vector<std::string> functions_;
    std::vector<std::uint32_t> call_site_arity_;
};

} // namespace pc5check::expr
