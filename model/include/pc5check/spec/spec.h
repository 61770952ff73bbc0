#pragma once
/// \file The protocol as data: a spec document (`pc5-spec/1`, schema in spec/pc5-spec.schema.json)
/// loaded, resolved and type-checked into an immutable `Spec`.
///
/// Expressions see these names (all type-checked when the spec loads):
///   msg: Msg, from: Role, index: int, enabled: bool (the sender has an enabled send transition)
///   ie.<name>[.<field>]   IEs of the current event (absent when the message does not carry them)
///   sec.logged: bool, sec.protected: bool, sec.ctx/count/bearer/direction: int, sec.mac: bytes,
///   sec.ciphered: bool, pdu: bytes   (unknown when not logged, absent when `"sec": "none"`)
///   <role>.<var>, <role>.state   state variables of initiator, target and link
///   param.<id>            parameters
///   init.<...>            only in state-variable initialisers: the trace's `link` and keys
/// plus the external functions of machine/builtins.h (crypto, key look-up).

#include "pc5check/common/error.h"
#include "pc5check/expr/expr.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pc5check::spec {

/// A reference into a 3GPP document.
struct ClauseRef {
    std::string doc;     ///< "TS 33.536"
    std::string clause;  ///< "5.3.3.1.4.3"
    std::string release; ///< "Rel-17" (may be empty)
    std::string note;    ///< e.g. "UNCONFIRMED: derived, text not seen"

    /// "TS 33.536 5.3.3.1.4.3 (Rel-17)".
    [[nodiscard]] std::string to_string() const;
    /// Field by field.
    friend bool operator==(const ClauseRef&, const ClauseRef&) = default;
};

/// The clauses one after the other, separated by "; " (how every report lists a rule's clauses).
[[nodiscard]] std::string to_string(const std::vector<ClauseRef>& clauses);

/// Where a transition, rule or property is written in its spec file: for reports that point into the
/// spec (SARIF of prove, query and diff) and for `diff`, which compares elements by what is written.
struct Origin {
    std::string pointer;    ///< JSON pointer of the element's object ("/properties/3")
    std::size_t line = 0;   ///< line:column of the element's "id" key (0: not known)
    std::size_t column = 0; ///< counted in characters, from 1
    /// The element's object as compact JSON with its keys sorted: two elements are written alike
    /// (whitespace and key order aside) iff these are equal.
    std::string json;
};

/// One named resolution of an open point (a parameter with options, e.g. how the seed derives the new
/// session key): the option's id is a literal of the parameter's own enum type.
struct ParamOption {
    std::string id;   ///< "ts33536"
    std::string text; ///< what choosing it means, and who would propose it
    /// Field by field.
    friend bool operator==(const ParamOption&, const ParamOption&) = default;
};

/// A value 3GPP text leaves open or that we could not confirm; overridable on the command line.
struct Parameter {
    std::string id;
    expr::Type type;
    expr::Value default_value;
    expr::Value value; ///< default or override
    bool confirmed = false;
    std::string text;
    std::vector<ClauseRef> clauses;
    /// Named options (the parameter's type is then an enum of their ids); empty for plain values.
    std::vector<ParamOption> options;
    /// The value in force, written as on the command line ("ts33536", "true", "[5,11]").
    [[nodiscard]] std::string value_text() const;
};

/// `"only_if": {"param": P, "in": [...]}`: an element that exists only when parameter P has one of the
/// listed values (option ids, or JSON scalars written as text: "true", "7").
struct ParamCondition {
    std::string param;
    std::vector<std::string> in;
    /// "sess_key_derivation in {ts33536, ts33303}".
    [[nodiscard]] std::string to_string() const;
};

/// A modelling decision the source text does not state (it is silent, FFS, or not seen in public
/// copies). Every answer of prove/query/diff lists the assumptions it rests on.
struct Assumption {
    std::string id;   ///< "A_SEED_ROOT_KEY_NEW"
    std::string text; ///< the decision, in one sentence
    std::string why;  ///< why the model needs it
    /// Where the text is silent (or which clause the decision reads beyond).
    std::vector<ClauseRef> silent;
    /// Properties and rules whose answers depend on it; empty: every property.
    std::vector<std::string> affects;
    std::optional<ParamCondition> only_if; ///< in force only under these parameter values
    bool in_force = true;                  ///< only_if holds for the parameters in force
};

/// How one IE appears in a trace: its kind fixes the JSON shape and the expression variables.
///   bytes -> ie.<n>: bytes (hex; `length` octets when length > 0, else any)
///   int   -> ie.<n>: int in [min, max]
///   bool  -> ie.<n>: bool
///   sec_cap -> ie.<n>.nea: set<Nea>, ie.<n>.nia: set<Nia>  ({"nea": [...], "nia": [...]})
///   algs  -> ie.<n>.nea: Nea, ie.<n>.nia: Nia             ({"nea": "NEA2", "nia": "NIA2"})
struct IeDef {
    std::string name;
    std::string kind;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::size_t length = 0;
    std::string text;
};

/// A message of the procedure.
struct MessageDef {
    std::string id;                   ///< "REKEYING_REQUEST"
    std::vector<std::string> senders; ///< roles allowed to send it
    std::vector<IeDef> ies;
    std::string text;
    std::vector<ClauseRef> clauses;
};

/// A state variable of a role ("initiator", "target") or of the observed link ("link").
struct StateVar {
    std::string role;
    std::string name; ///< without the role prefix
    expr::Type type;
    expr::NodePtr init; ///< typed, over init.* and param.*
    std::string text;
};

/// One assignment of a transition; all right-hand sides read the state before the event.
struct Effect {
    std::string variable; ///< full name, e.g. "initiator.nonce_1"
    expr::NodePtr value;
};

/// What a transition reacts to.
enum class Direction : std::uint8_t { send, recv, observe };

/// A transition of a role's state machine (or an observation of the link).
struct Transition {
    std::string id;
    std::string role; ///< initiator | target | link
    Direction dir = Direction::send;
    std::vector<std::string> from; ///< control states (empty: any; always empty for link)
    std::string to;                ///< control state (empty: unchanged)
    std::vector<std::string> on;   ///< messages ("*" = any)
    /// link only ("sees": "air"): also fires on a message the attacker injected; by default ("sent")
    /// a link transition keeps the books of what the UEs sent.
    bool sees_injected = false;
    expr::NodePtr guard;    ///< typed bool
    std::string guard_text; ///< the guard's source text ("true" when absent), for diagrams
    std::vector<Effect> effects;
    std::string text;
    std::vector<ClauseRef> clauses;
    std::string pointer; ///< JSON pointer in the spec file, for lint messages
    Origin origin{};
};

/// A text with {expression} holes, rendered per event.
struct Template {
    std::vector<std::variant<std::string, expr::NodePtr>> parts;
};

/// Who is blamed when a check fails.
enum class Offender : std::uint8_t { sender, receiver, initiator, target };

/// One check of a rule: on the listed messages, when `when` holds, `assert` must hold.
struct Check {
    std::vector<std::string> on; ///< messages ("*" = any)
    expr::NodePtr when;          ///< typed bool
    expr::NodePtr assertion;     ///< typed bool
    Offender offender = Offender::sender;
    Template expected;
    Template observed;
    std::string pointer;
};

/// A conformance rule (IDs of docs/rules.md).
struct Rule {
    std::string id;
    bool warning = false; ///< severity "warning": reported, does not make the verdict a violation
    std::string text;
    std::vector<ClauseRef> clauses;
    std::vector<Check> checks;
    Origin origin{};
};

struct Spec;

/// A property for spec reviewers (`prove`); kept typed here so both interpreters read it.
struct Property {
    std::string id;
    /// "invariant", or "lemma": an invariant stated to strengthen the induction proofs of the others
    /// (proved the same way, reported as a lemma).
    std::string kind;
    expr::NodePtr formula;
    std::string text;
    std::vector<ClauseRef> clauses;
    /// The fewest messages of a run that can falsify the property (e.g. two completed re-keyings for a
    /// freshness property); `prove` warns when asked to bound it at a smaller depth. 0: not declared.
    unsigned min_depth = 0;
    Origin origin{};
    /// Assumptions in force whose `affects` names this property, or that affect every property.
    [[nodiscard]] std::vector<const Assumption*> assumptions(const Spec& spec) const;
};

/// A loaded, type-checked spec. Immutable once loaded.
struct Spec {
    std::string id;
    std::string title;
    std::string file;
    std::string variant_note; ///< e.g. which points of the seed are FFS
    std::vector<std::shared_ptr<const expr::EnumDef>> enums;
    std::vector<Parameter> parameters;
    std::vector<MessageDef> messages;
    std::map<std::string, std::vector<std::string>> control_states; ///< role -> states, first = initial
    std::vector<StateVar> variables;
    std::vector<Transition> transitions;
    std::vector<Rule> rules;
    std::vector<Property> properties;
    std::vector<Assumption> assumptions; ///< all of them; `in_force` says which apply
    expr::Scope scope;                   ///< event-time scope (signatures of external functions only)
    expr::Scope init_scope;              ///< scope of state-variable initialisers
    /// Scope of property formulas and `query` conditions: `scope` plus the link set-up values init.*
    /// (fixed for the whole run), so that a lemma can relate a state to how the link started.
    expr::Scope property_scope;
    /// Set by the loader after checking that in every guard, effect, check and template each variable
    /// node's Node::slot indexes `scope.variables` at the node's own name: an evaluator over `scope` may
    /// then read variables by slot without comparing names (false: compare them). It also vouches for
    /// Node::def: every def is loaded before any of these trees is checked, and `scope.defs` never
    /// changes after, so a def index names the same def in every tree (an evaluator may cache defs).
    bool slots_verified = false;

    [[nodiscard]] const MessageDef* find_message(const std::string& id) const;
    [[nodiscard]] const Rule* find_rule(const std::string& id) const;
    [[nodiscard]] const Parameter* find_parameter(const std::string& id) const;
    [[nodiscard]] std::shared_ptr<const expr::EnumDef> find_enum(const std::string& name) const;
    /// Calls `visit` with the root of every tree evaluated at event time (transition guards and
    /// effects, rule checks' when and assert, their templates' holes), in spec order.
    void for_each_event_tree(const std::function<void(const expr::Node&)>& visit) const;
};

/// Parameter overrides from the command line: id -> value written as a JSON scalar or enum name.
using ParameterOverrides = std::map<std::string, std::string>;

/// Input limits on a spec document: a spec from an untrusted source must not make the tools spend
/// unbounded time or memory. Hitting one is an error with code `limit` whose message names the limit
/// and its option; never a crash or a hang. The shipped specs are far below every default.
struct Limits {
    std::uint64_t max_spec_bytes = std::uint64_t{16} << 20U; ///< bytes of the spec file (--max-spec-bytes)
    /// JSON nesting depth, the root counting 1; a spec needs about 6 levels (--max-nesting).
    std::size_t max_nesting = 100;
    /// Characters of one JSON number token (--max-number-chars).
    std::size_t max_number_chars = 40;
    /// Expressions (guards, effects, when/assert, template holes, initialisers, defs, formulas): each
    /// is type-checked, and `spec lint` asks the solver about each (--max-spec-expressions).
    std::size_t max_expressions = 10'000;
    /// Nesting of one expression's source (brackets, operands); the type checker also bounds the
    /// height after expanding defs at 500, so larger values do not help (--max-expr-depth).
    std::size_t max_expr_depth = expr::kDefaultMaxDepth;
};

/// Loads and type-checks a spec document. Errors name the file, the JSON pointer and what is wrong.
[[nodiscard]] Expected<Spec> load_spec(const std::string& path, const ParameterOverrides& overrides = {},
                                       const Limits& limits = {});
/// Same, from text (`limits.max_spec_bytes` applies to the text).
[[nodiscard]] Expected<Spec> parse_spec(std::string_view text, const std::string& file,
                                        const ParameterOverrides& overrides = {}, const Limits& limits = {});

/// Finds the spec file for a trace's `spec` id: `<dir>/<id>.json` in each search directory.
[[nodiscard]] Expected<std::string> find_spec_file(const std::string& id,
                                                   const std::vector<std::string>& search_dirs);

/// One finding of `spec lint`.
struct LintFinding {
    std::string pointer;
    std::string message;
};

/// Structural checks: unreachable control states, transitions that can never fire (from-state
/// unreachable, or guard false under every assignment per the caller's checker), rules no message
/// can trigger, messages no transition handles, unused state variables.
[[nodiscard]] std::vector<LintFinding> lint_structure(const Spec& spec);

} // namespace pc5check::spec
