// gMock matchers for statuses, so a failed expectation prints the status instead of "false":
//   EXPECT_THAT(repo.Submit(...), IsOk());
//   EXPECT_THAT(stub->GetCase(ctx, req, &resp), StatusIs(grpc::NOT_FOUND, HasSubstr("case")));
// They take absl::Status, absl::StatusOr<T> and anything shaped like grpc::Status (error_code(),
// error_message()) without including gRPC, so domain tests can use them too.
#ifndef LOKET_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define LOKET_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace loket::testing {

inline absl::Status AsStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status AsStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
template <typename S>
auto AsStatus(const S& s) -> decltype(s.error_code(), s.error_message(), absl::Status()) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

class IsOkMatcher {
 public:
  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const absl::Status s = AsStatus(value);
    // An absl::Status prints itself; the others are told here.
    if (!s.ok() && !std::is_same_v<T, absl::Status>) *listener << "which is " << s;
    return s.ok();
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

inline ::testing::PolymorphicMatcher<IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(IsOkMatcher());
}

class StatusIsMatcher {
 public:
  StatusIsMatcher(int code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}
  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const absl::Status s = AsStatus(value);
    if (!std::is_same_v<T, absl::Status>) *listener << "which is " << s;
    return static_cast<int>(s.code()) == code_ && message_.Matches(std::string(s.message()));
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has code " << absl::StatusCodeToString(static_cast<absl::StatusCode>(code_))
        << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have code " << absl::StatusCodeToString(static_cast<absl::StatusCode>(code_))
        << " or has a message that ";
    message_.DescribeNegationTo(os);
  }

 private:
  int code_;
  ::testing::Matcher<const std::string&> message_;
};

// `code` is an absl::StatusCode or a grpc::StatusCode (their numbers are the same).
template <typename Code>
::testing::PolymorphicMatcher<StatusIsMatcher> StatusIs(
    Code code, ::testing::Matcher<const std::string&> message = ::testing::_) {
  return ::testing::MakePolymorphicMatcher(StatusIsMatcher(static_cast<int>(code), message));
}

}  // namespace loket::testing

#endif  // LOKET_TESTS_SUPPORT_STATUS_MATCHERS_H_
