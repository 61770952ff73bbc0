#pragma once
/// \file Result type used across library boundaries (no exceptions cross them).

#include <tl/expected.hpp>

namespace pc5check {

/// A value or an error; `tl::expected` until the project moves to C++23's `std::expected`.
template <class T, class E> using ExpectedT = tl::expected<T, E>;

/// Builds the error branch of an `Expected`.
template <class E> [[nodiscard]] auto unexpected(E&& e) { return tl::make_unexpected(std::forward<E>(e)); }

} // namespace pc5check
