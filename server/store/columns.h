// Typed rows (issue 14): one column list per record. The SELECT list of its statements is built
// from the list at compile time, and the row-to-struct mapping reads each column by its name,
// turned into the column's position at compile time: no `#define ..._COLUMNS` beside reads by
// position (`row[26]`) that must be kept in step by hand, and no run-time name lookup either.
//
//   constexpr auto kFooColumns = MakeColumns({{"id"}, {"name"}, {"n", "coalesce(n, 0)"}});
//   constexpr Statement kLoadFoo{"foo_load",
//                                kSelectSql<"SELECT ", kFooColumns, " FROM foo WHERE id = $1">};
//   foo.name = row[kFooColumns["name"]].as<std::string>();  // a misspelt name does not compile
//
// Pure compile-time helpers: no pqxx here, so they are tested without a database.
#ifndef LOKET_SERVER_STORE_COLUMNS_H_
#define LOKET_SERVER_STORE_COLUMNS_H_

#include <array>
#include <cstddef>
#include <string_view>

namespace loket::store {

// One column of a record: the name reads use, and the SQL expression selected for it (the column
// of that name when empty).
struct Column {
  const char* name;
  const char* sql = nullptr;
  constexpr std::string_view expr() const { return sql ? sql : name; }
};

template <std::size_t N>
struct Columns {
  std::array<Column, N> list;

  static constexpr std::size_t size() { return N; }
  // The position of the column `name` in the SELECT list; only at compile time, where a name not
  // in the list is an error ("call to consteval function is not a constant expression").
  consteval int operator[](std::string_view name) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (name == list[i].name) return static_cast<int>(i);
    }
    throw "no column of that name in this record's column list";
  }
};

// Names must be unique (a repeated name does not compile).
template <std::size_t N>
consteval Columns<N> MakeColumns(const Column (&cols)[N]) {
  Columns<N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (std::string_view(cols[i].name) == cols[j].name) throw "a column name is repeated";
    }
    out.list[i] = cols[i];
  }
  return out;
}

// `base` followed by `more`: a record read with a few columns beyond another's.
template <std::size_t N, std::size_t M>
consteval Columns<N + M> MakeColumns(const Columns<N>& base, const Column (&more)[M]) {
  Column all[N + M]{};
  for (std::size_t i = 0; i < N; ++i) all[i] = base.list[i];
  for (std::size_t i = 0; i < M; ++i) all[N + i] = more[i];
  return MakeColumns(all);
}

// A string literal as a template argument.
template <std::size_t N>
struct Literal {
  consteval Literal(const char (&s)[N]) {  // NOLINT: implicit, so "..." can be passed as is
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const { return std::string_view(text, N - 1); }
  char text[N];
};

namespace columns_internal {

// Names: join the columns' names instead of their expressions.
template <Literal Head, const auto& Cols, Literal Tail, bool Names = false>
struct SelectText {
  static constexpr std::string_view Of(const Column& c) {
    return Names ? std::string_view(c.name) : c.expr();
  }
  static constexpr std::size_t Length() {
    std::size_t n = Head.view().size() + Tail.view().size();
    for (std::size_t i = 0; i < Cols.size(); ++i) n += Of(Cols.list[i]).size() + (i ? 2 : 0);
    return n;
  }
  static constexpr std::array<char, Length() + 1> Build() {
    std::array<char, Length() + 1> out{};
    std::size_t k = 0;
    auto put = [&](std::string_view s) {
      for (char ch : s) out[k++] = ch;
    };
    put(Head.view());
    for (std::size_t i = 0; i < Cols.size(); ++i) {
      if (i) put(", ");
      put(Of(Cols.list[i]));
    }
    put(Tail.view());
    out[k] = '\0';
    return out;
  }
  static constexpr std::array<char, Length() + 1> text = Build();
};

}  // namespace columns_internal

// Head, the column list's SQL expressions joined by ", ", then Tail: a statement's text, built at
// compile time (a Statement's sql).
template <Literal Head, const auto& Cols, Literal Tail>
inline constexpr const char* kSelectSql =
    columns_internal::SelectText<Head, Cols, Tail>::text.data();

// The same with the columns' names instead of their expressions: for the outer SELECT of a query
// whose inner one (a CTE, a subquery) selected each expression AS its name.
template <Literal Head, const auto& Cols, Literal Tail>
inline constexpr const char* kSelectNamesSql =
    columns_internal::SelectText<Head, Cols, Tail, true>::text.data();

// The column list alone ("a, b, c"), for SQL assembled at run time.
template <const auto& Cols>
inline constexpr const char* kSelectList = columns_internal::SelectText<"", Cols, "">::text.data();

}  // namespace loket::store

#endif  // LOKET_SERVER_STORE_COLUMNS_H_
