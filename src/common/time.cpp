#include "careloop/time.h"

#include <fmt/format.h>

#include <chrono>

namespace careloop {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// Two decimal digits of v < 100.
char* Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

}  // namespace

Result<TimeMs> ParseRfc3339(std::string_view s) {
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument(fmt::format("not an RFC 3339 time with offset ({})", what));
  };
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(s, &pos, 4, &year) || !Expect(s, &pos, '-') || !Digits(s, &pos, 2, &month) ||
      !Expect(s, &pos, '-') || !Digits(s, &pos, 2, &day)) {
    return bad("date must be YYYY-MM-DD");
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) {
    return bad("missing 'T' and time of day");
  }
  ++pos;
  if (!Digits(s, &pos, 2, &hour) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &minute) ||
      !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &second)) {
    return bad("time must be HH:MM:SS");
  }
  if (month < 1 || month > 12) return bad("month out of range");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return bad("day out of range for the month");
  }
  if (hour > 23 || minute > 59 || second > 60) return bad("time of day out of range");
  if (second == 60) second = 59;  // leap second: held at :59
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int ndig = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (ndig < 3) millis = millis * 10 + (s[pos] - '0');
      ++ndig;
      ++pos;
    }
    if (ndig == 0) return bad("empty fraction of a second");
    for (int i = ndig; i < 3; ++i) millis *= 10;
  }
  int offset_min = 0;
  if (pos >= s.size()) return bad("missing offset (Z or +HH:MM)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!Digits(s, &pos, 2, &oh) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &om)) {
      return bad("offset must be +HH:MM");
    }
    if (oh > 23 || om > 59) return bad("offset out of range");
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad("missing offset (Z or +HH:MM)");
  }
  if (pos != s.size()) return bad("trailing text");
  std::int64_t days = DaysFromCivil(year, month, day);
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return TimeMs{secs * 1000 + millis};
}

// Records carry several times each, so this writes digits by hand: it was a runtime fmt
// format string and a heap string per call. The bytes are those of
// fmt "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}[.{:03}]Z" (tests/common/time_format_test.cpp).
char* FormatRfc3339To(TimeMs t, char* out) {
  std::int64_t secs = t / 1000;  // floor division, without overflow at the int64 ends
  int millis = static_cast<int>(t % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char* p = out;
  if (y >= 0 && y <= 9999) {
    p = Put2(p, static_cast<unsigned>(y / 100));
    p = Put2(p, static_cast<unsigned>(y % 100));
  } else {
    p = fmt::format_to(p, "{:04}", y);  // "-001", "10000": rare, kept to fmt's rules
  }
  *p++ = '-';
  p = Put2(p, m);
  *p++ = '-';
  p = Put2(p, d);
  *p++ = 'T';
  p = Put2(p, static_cast<unsigned>(sod / 3600));
  *p++ = ':';
  p = Put2(p, static_cast<unsigned>(sod % 3600 / 60));
  *p++ = ':';
  p = Put2(p, static_cast<unsigned>(sod % 60));
  if (millis != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + millis / 100);
    p = Put2(p, static_cast<unsigned>(millis % 100));
  }
  *p++ = 'Z';
  return p;
}

std::string FormatRfc3339(TimeMs t) {
  char buf[kRfc3339MaxSize];
  return std::string(buf, FormatRfc3339To(t, buf));
}

TimeMs WallClockNow() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace careloop
