// The `add_months` functor for the Soufflé translation of rules.dl (bench/souffle.sh builds it into
// libfunctors.so). Same calendar as lexproof's `add_months`: days since 1970-01-01 in, n months later,
// clamped to the last day of the target month (Reg. 1182/71 Art. 3(2)(c)).
#include <cstdint>

namespace {

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t month_days(int64_t y, int64_t m) {
    static const int64_t len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : len[m - 1];
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Civil date <-> day count through 400-year eras of 146097 days, counted from 0000-03-01.
int64_t to_days(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = floor_div(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void from_days(int64_t z, int64_t &y, int64_t &m, int64_t &d) {
    z += 719468;
    const int64_t era = floor_div(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2);
}

}  // namespace

extern "C" {
int64_t add_months(int64_t days, int64_t n) {
    int64_t y, m, d;
    from_days(days, y, m, d);
    const int64_t months = y * 12 + (m - 1) + n;
    const int64_t ty = floor_div(months, 12);
    const int64_t tm = months - ty * 12 + 1;
    const int64_t md = month_days(ty, tm);
    return to_days(ty, tm, d < md ? d : md);
}
}
