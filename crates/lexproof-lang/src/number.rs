//! Exact scalar syntax shared by rules and every fact format: integers written plainly or in
//! scientific notation (`2.6e25`) when they denote an integer, and ISO calendar dates.

/// The exact range lexproof supports for `number` (that of `i128`, about ±1.7e38).
pub const NUMBER_RANGE: &str = "about ±1.7e38 (the range of a 128-bit integer)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Malformed,
    NotInteger,
    OutOfRange,
}

impl NumberError {
    pub fn describe(&self, text: &str) -> String {
        match self {
            NumberError::Malformed => {
                // `3,000,000` (groups of three after the first) or a decimal comma (`2,6e25`).
                let separators: &[char] = if text.contains(['e', 'E']) {
                    &[',', '_', '\'', ' ']
                } else {
                    &[',', '_', '\'', ' ', '.']
                };
                let groups: Vec<&str> = text.split(separators).collect();
                let thousands = groups.len() > 1
                    && groups[1..]
                        .iter()
                        .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
                    && parse_number(&groups.concat()).is_ok();
                let decimal = text.replacen(',', ".", 1);
                if thousands {
                    format!("`{text}` is written with thousands separators, which numbers do not take: write {}", groups.concat())
                } else if text.matches(',').count() == 1 && parse_number(&decimal).is_ok() {
                    format!("`{text}` is written with a decimal comma: write {decimal}")
                } else {
                    format!("`{text}` is not a number")
                }
            }
            NumberError::NotInteger => format!("`{text}` is not a whole number"),
            NumberError::OutOfRange => {
                format!("`{text}` is outside the exact number range, {NUMBER_RANGE}")
            }
        }
    }
}

/// Parses `-12`, `4000`, `1e23`, `2.6e25`, `+3E2` exactly. No floating point is involved, so a value
/// is either represented exactly or rejected.
pub fn parse_number(text: &str) -> Result<i128, NumberError> {
    // Fast path for the common case, plain digits that surely fit.
    if !text.is_empty() && text.len() <= 38 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| NumberError::Malformed);
    }
    let (neg, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !digits_ok(int_part)
        || !digits_ok(frac_part)
        || (mantissa.contains('.') && (int_part.is_empty() || frac_part.is_empty()))
    {
        return Err(NumberError::Malformed);
    }
    // `10.000` is ten thousand where a dot groups thousands and ten where it is a decimal point:
    // refused rather than guessed.
    if exp.is_none() && frac_part.len() == 3 && int_part.len() <= 3 {
        return Err(NumberError::Malformed);
    }
    let exp: i64 = match exp {
        None => 0,
        Some(e) => {
            let (eneg, edigits) = match e.as_bytes().first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            if edigits.is_empty() || !digits_ok(edigits) {
                return Err(NumberError::Malformed);
            }
            // Exponents beyond a few hundred cannot produce an i128 either way.
            let v: i64 = if edigits.len() > 6 {
                999_999
            } else {
                edigits.parse().map_err(|_| NumberError::Malformed)?
            };
            if eneg {
                -v
            } else {
                v
            }
        }
    };
    // value = digits * 10^(exp - frac_len)
    let mut digits: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let mut scale = exp - frac_part.len() as i64;
    while scale < 0 {
        match digits.last() {
            Some(0) => {
                digits.pop();
                scale += 1;
            }
            Some(_) => return Err(NumberError::NotInteger),
            None => {
                scale = 0;
            }
        }
    }
    // Accumulated with its sign, so the most negative number (-2^127, which has no positive
    // counterpart) reads back as it prints.
    let mut value: i128 = 0;
    for d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| {
                if neg {
                    v.checked_sub(d as i128)
                } else {
                    v.checked_add(d as i128)
                }
            })
            .ok_or(NumberError::OutOfRange)?;
    }
    for _ in 0..scale {
        if value == 0 {
            break;
        }
        value = value.checked_mul(10).ok_or(NumberError::OutOfRange)?;
    }
    Ok(value)
}

/// Days since 1970-01-01 of an ISO `YYYY-MM-DD` date, or `None` if it is not a real calendar date.
pub fn parse_date(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<i64> {
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let y = num(&text[0..4])?;
    let m = num(&text[5..7])?;
    let d = num(&text[8..10])?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) as i32)
}

/// Formats days since 1970-01-01 as `YYYY-MM-DD`.
pub fn format_date(days: i32) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, days);
    out
}

/// `format_date` appended to `out`, without allocating (output writers call it per cell).
pub fn push_date(out: &mut String, days: i32) {
    let (y, m, d) = civil_from_days(days as i64);
    if (0..=9999).contains(&y) {
        let digit = |n: i64| char::from(b'0' + n as u8);
        out.extend([
            digit(y / 1000),
            digit(y / 100 % 10),
            digit(y / 10 % 10),
            digit(y % 10),
            '-',
            digit(m / 10),
            digit(m % 10),
            '-',
            digit(d / 10),
            digit(d % 10),
        ]);
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{y}-{m:02}-{d:02}");
    }
}

/// A number of 10^6 or more (in magnitude) with at most four significant digits, as its mantissa
/// and power of ten (`3e24` is `("3", 24)`, `2.65e25` is `("2.65", 25)`); `None` for others, which
/// read best in full.
pub fn scientific(n: i128) -> Option<(String, u32)> {
    let digits = n.unsigned_abs().to_string();
    if digits.len() < 7 {
        return None;
    }
    let significant = digits.trim_end_matches('0');
    if significant.len() > 4 {
        return None;
    }
    let sign = if n < 0 { "-" } else { "" };
    let mantissa = match significant.len() {
        1 => format!("{sign}{significant}"),
        _ => format!("{sign}{}.{}", &significant[..1], &significant[1..]),
    };
    Some((mantissa, digits.len() as u32 - 1))
}

/// A number as people read it: `3×10^24` where `scientific` applies, else in full.
pub fn readable(n: i128) -> String {
    match scientific(n) {
        Some((m, e)) => format!("{m}×10^{e}"),
        None => n.to_string(),
    }
}

/// A number as a fact file may write it: `3e24` where `scientific` applies, else in full.
pub fn fact_syntax(n: i128) -> String {
    match scientific(n) {
        Some((m, e)) => format!("{m}e{e}"),
        None => n.to_string(),
    }
}

/// A date with its weekday, for deadlines people read: `Mon 18 Aug 2025`.
pub fn readable_date(days: i32) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{} {d} {} {y}",
        DAYS[(weekday(days) - 1) as usize],
        MONTHS[(m - 1) as usize]
    )
}

/// ISO weekday of a day count: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday).
pub fn weekday(days: i32) -> i32 {
    (days as i64 + 3).rem_euclid(7) as i32 + 1
}

/// The day `n` calendar months after (or before, for negative `n`) a day count, keeping the day of
/// the month; where that day does not exist in the target month, its last day (Reg. 1182/71
/// Art. 3(2)(c): one month after 31 January ends on 28 or 29 February). `None` past year ±10^9.
pub fn add_months(days: i32, n: i128) -> Option<i32> {
    let (y, m, d) = civil_from_days(days as i64);
    let months = (i128::from(y) * 12 + i128::from(m - 1)).checked_add(n)?;
    if months.abs() > 12_000_000_000 {
        return None;
    }
    let (ty, tm) = (
        months.div_euclid(12) as i64,
        months.rem_euclid(12) as i64 + 1,
    );
    let td = d.min(days_in_month(ty, tm));
    i32::try_from(days_from_civil(ty, tm, td)).ok()
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's proleptic Gregorian day-count algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact() {
        assert_eq!(
            parse_number("2.6e25"),
            Ok(26_000_000_000_000_000_000_000_000)
        );
        assert_eq!(parse_number("1e23"), Ok(100_000_000_000_000_000_000_000));
        assert_eq!(parse_number("-42"), Ok(-42));
        assert_eq!(parse_number(&i128::MIN.to_string()), Ok(i128::MIN));
        assert_eq!(parse_number(&i128::MAX.to_string()), Ok(i128::MAX));
        assert_eq!(
            parse_number("-170141183460469231731687303715884105729"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_number("4.0e24"),
            Ok(4_000_000_000_000_000_000_000_000)
        );
        assert_eq!(parse_number("1500e-2"), Ok(15));
        assert_eq!(parse_number("1.5"), Err(NumberError::NotInteger));
        assert_eq!(parse_number("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(parse_number("1e38"), Ok(10i128.pow(38)));
        assert_eq!(parse_number("1e39"), Err(NumberError::OutOfRange));
        assert_eq!(parse_number("0e999999999"), Ok(0));
        assert_eq!(parse_number("1.e3"), Err(NumberError::Malformed));
        assert_eq!(parse_number("abc"), Err(NumberError::Malformed));
        assert_eq!(parse_number(""), Err(NumberError::Malformed));
        // A dot before three digits may group thousands: refused, and said so.
        assert_eq!(parse_number("10.000"), Err(NumberError::Malformed));
        assert!(NumberError::Malformed
            .describe("10.000")
            .contains("thousands separators"));
        assert_eq!(parse_number("1.0"), Ok(1));
        assert_eq!(parse_number("1.000e3"), Ok(1000));
    }

    #[test]
    fn weekdays_and_month_arithmetic_follow_the_calendar() {
        let d = |t: &str| parse_date(t).unwrap();
        assert_eq!(weekday(d("2025-08-02")), 6); // a Saturday
        assert_eq!(weekday(d("2025-08-18")), 1);
        assert_eq!(weekday(d("1970-01-01")), 4);
        assert_eq!(weekday(d("1969-12-28")), 7);
        let am = |t: &str, n| format_date(add_months(d(t), n).unwrap());
        assert_eq!(am("2025-08-31", 6), "2026-02-28");
        assert_eq!(am("2027-08-31", 6), "2028-02-29");
        assert_eq!(am("2025-01-31", 1), "2025-02-28");
        assert_eq!(am("2025-03-31", -1), "2025-02-28");
        assert_eq!(am("2025-08-02", 120), "2035-08-02");
        assert_eq!(am("2024-02-29", 12), "2025-02-28");
        assert_eq!(add_months(0, i128::MAX), None);
    }

    #[test]
    fn dates_round_trip_and_reject_impossible_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        let d = parse_date("2025-08-02").unwrap();
        assert_eq!(format_date(d), "2025-08-02");
        assert_eq!(format_date(d + 14), "2025-08-16");
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("2025-8-2"), None);
        // Every day from year 0 to 9999 formats as it parses; beyond, the year is written whole.
        let (first, last) = (
            parse_date("0000-01-01").unwrap(),
            parse_date("9999-12-31").unwrap(),
        );
        for day in first..=last {
            assert_eq!(parse_date(&format_date(day)), Some(day));
        }
        assert_eq!(format_date(last + 1), "10000-01-01");
        assert_eq!(format_date(first - 1), "-1-12-31");
    }
}
