#pragma once
/// \file Private to the expr module: what each operator and builtin computes from known, present
/// operands (`insert` is SetValue::insert). The tree evaluator (evaluate.cpp), the compiled form
/// (compiled.cpp) and the machine's in-place updates (machine.cpp) call these,
/// so each operator has one concrete definition; how unknown and absent operands propagate (the
/// three-valued rules of expr.h) stays with the tree evaluator, which the compiled form falls back to.

#include "pc5check/common/error.h"
#include "pc5check/expr/ops.h"
#include "pc5check/expr/value.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace pc5check::expr::detail {

/// Two's complement wrap-around, without signed-overflow UB.
[[nodiscard]] inline std::int64_t wrap(std::uint64_t u) { return static_cast<std::int64_t>(u); }
[[nodiscard]] inline std::uint64_t bits(std::int64_t i) { return static_cast<std::uint64_t>(i); }

/// The typed fast paths' result for a bool: false, true, or no plain result (`slow`: an unknown or absent
/// operand, or an operation the fast path leaves to the three-valued rules).
enum class Fast : std::uint8_t { no, yes, slow };

[[nodiscard]] inline Fast fast_of(bool b) { return b ? Fast::yes : Fast::no; }

/// A bool leaf value: slow when absent or unknown.
[[nodiscard]] inline Fast bool_of(const Value& v)
{
    const bool* b = std::get_if<bool>(&v.data);
    return b == nullptr ? Fast::slow : fast_of(*b);
}

/// An int leaf value into `out`: false when absent or unknown.
[[nodiscard]] inline bool int_of(const Value& v, std::int64_t& out)
{
    const auto* i = std::get_if<std::int64_t>(&v.data);
    if (i == nullptr) {
        return false;
    }
    out = *i;
    return true;
}

/// Whether a value is an operand the operators use as it is (neither unknown nor absent).
[[nodiscard]] inline bool known_present(const Value& v) { return v.is_known() && !v.is_absent(); }

/// Arithmetic negation (`-`), wrapping.
[[nodiscard]] inline std::int64_t negate(std::int64_t a) { return wrap(0U - bits(a)); }

/// Whether an integer operator had a plain result, and if not why (the evaluator's unknown reason).
enum class IntStatus : std::uint8_t { ok, division_by_zero, shift_out_of_range };

/// `a op b` for + - * / % & | << >> into `out`. Wraps like two's complement; / and % truncate toward
/// zero (as C++ and SMT-LIB bvsdiv/bvsrem); >> is arithmetic (sign-extending).
[[nodiscard]] inline IntStatus arithmetic(BinaryOp op, std::int64_t a, std::int64_t b, std::int64_t& out)
{
    switch (op) {
    case BinaryOp::plus:
        out = wrap(bits(a) + bits(b));
        return IntStatus::ok;
    case BinaryOp::minus:
        out = wrap(bits(a) - bits(b));
        return IntStatus::ok;
    case BinaryOp::times:
        out = wrap(bits(a) * bits(b));
        return IntStatus::ok;
    case BinaryOp::divide:
    case BinaryOp::modulo:
        if (b == 0) {
            return IntStatus::division_by_zero;
        }
        if (b == -1) { // INT64_MIN / -1 overflows: wrap like the other operators
            out = op == BinaryOp::divide ? negate(a) : 0;
            return IntStatus::ok;
        }
        out = op == BinaryOp::divide ? a / b : a % b;
        return IntStatus::ok;
    case BinaryOp::bit_and:
        out = a & b;
        return IntStatus::ok;
    case BinaryOp::bit_or:
        out = a | b;
        return IntStatus::ok;
    case BinaryOp::shift_left:
    case BinaryOp::shift_right:
        if (b < 0 || b > 63) {
            return IntStatus::shift_out_of_range;
        }
        // << on the bits (no UB on overflow); >> is arithmetic (sign-extending).
        out = op == BinaryOp::shift_left ? wrap(bits(a) << bits(b)) : a >> b;
        return IntStatus::ok;
    default:
        break;
    }
    PC5CHECK_ASSERT(false && "not an arithmetic operator");
    return IntStatus::ok;
}

/// Whether `op` is one of + - * / % & | << >>.
[[nodiscard]] inline bool is_arithmetic(BinaryOp op)
{
    switch (op) {
    case BinaryOp::plus:
    case BinaryOp::minus:
    case BinaryOp::times:
    case BinaryOp::divide:
    case BinaryOp::modulo:
    case BinaryOp::bit_and:
    case BinaryOp::bit_or:
    case BinaryOp::shift_left:
    case BinaryOp::shift_right:
        return true;
    default:
        return false;
    }
}

/// Whether `op` is / or %, which the typed fast paths leave to the three-valued path.
[[nodiscard]] inline bool is_division(BinaryOp op)
{
    return op == BinaryOp::divide || op == BinaryOp::modulo;
}

/// Whether `op` is one of < <= > >=.
[[nodiscard]] inline bool is_ordering(BinaryOp op)
{
    return op == BinaryOp::less || op == BinaryOp::less_equal || op == BinaryOp::greater ||
           op == BinaryOp::greater_equal;
}

/// `a op b` for < <= > >=.
[[nodiscard]] inline bool order(BinaryOp op, std::int64_t a, std::int64_t b)
{
    switch (op) {
    case BinaryOp::less:
        return a < b;
    case BinaryOp::less_equal:
        return a <= b;
    case BinaryOp::greater:
        return a > b;
    case BinaryOp::greater_equal:
        return a >= b;
    default:
        break;
    }
    PC5CHECK_ASSERT(false && "not an ordering operator");
    return false;
}

/// Whether `op` is one of && || =>.
[[nodiscard]] inline bool is_connective(BinaryOp op)
{
    return op == BinaryOp::logical_and || op == BinaryOp::logical_or || op == BinaryOp::implies;
}

/// Kleene connectives: the value of the left operand that decides && || => alone (false, true, false).
[[nodiscard]] inline bool deciding_left(BinaryOp op) { return op == BinaryOp::logical_or; }
/// The value of the right operand that decides && || => alone (false, true, true), which is also the
/// result whenever one operand decides. When neither does, the result is the right operand.
[[nodiscard]] inline bool dominant(BinaryOp op) { return op != BinaryOp::logical_and; }

/// `==` (`equal`) or `!=` of two values of one type (Value, or a plain bool or integer); absent is a
/// proper Value here.
template <class T> [[nodiscard]] bool equality(bool equal, const T& a, const T& b)
{
    return (a == b) == equal;
}

/// The order of set elements.
[[nodiscard]] inline bool element_less(const Value& l, const Value& r) { return l < r; }

/// `x in s`.
[[nodiscard]] inline bool member(const Value& x, const SetValue& s)
{
    return std::binary_search(s.elements.begin(), s.elements.end(), x, element_less);
}

/// `subset(sub, super)`.
[[nodiscard]] inline bool subset(const SetValue& sub, const SetValue& super)
{
    return std::includes(super.elements.begin(), super.elements.end(), sub.elements.begin(),
                         sub.elements.end(), element_less);
}

/// `union(l, r)`.
[[nodiscard]] inline SetValue set_union(const SetValue& l, const SetValue& r)
{
    SetValue out;
    out.elements.reserve(l.elements.size() + r.elements.size());
    std::set_union(l.elements.begin(), l.elements.end(), r.elements.begin(), r.elements.end(),
                   std::back_inserter(out.elements), element_less);
    return out;
}

/// `put(m, k, v)`, made in `m`.
inline void map_put(MapValue& m, std::int64_t k, std::int64_t v) { m.put(k, v); }

/// `get(m, k, d)`.
[[nodiscard]] inline std::int64_t map_get(const MapValue& m, std::int64_t k, std::int64_t d)
{
    const std::int64_t* v = m.find(k);
    return v == nullptr ? d : *v;
}

/// `len(b)` or `size(s)` of a value of the right type.
[[nodiscard]] inline std::int64_t length(Builtin b, const Value& v)
{
    return b == Builtin::len ? static_cast<std::int64_t>(std::get<std::vector<std::uint8_t>>(v.data).size())
                             : static_cast<std::int64_t>(std::get<SetValue>(v.data).elements.size());
}

} // namespace pc5check::expr::detail
