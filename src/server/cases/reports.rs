//! The periodic report: on the first working day after a month (or
//! quarter), each recipient of a municipality gets the period's key figures
//! with the whole report as a CSV attachment and a link to the page. Each
//! municipality and period is claimed once in `report_sends`, whichever
//! instance gets there first; a period missed while the app was down is sent
//! when it runs again.

use crate::{
    domain::{
        report::{Period, PeriodKind},
        views::Municipality,
        workdays::is_working_day,
    },
    server::{
        db,
        mail::{enqueue, report::PeriodicReport, To},
        reports,
    },
};
use chrono::NaiveDate;
use sqlx::PgPool;

/// How many periods back a missed report is still sent.
pub const CATCH_UP_PERIODS: u32 = 12;

/// The first working day after `day`.
pub fn first_working_day_after(day: NaiveDate) -> NaiveDate {
    let mut d = day.succ_opt().unwrap_or(day);
    while !is_working_day(d) {
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

/// The complete periods of `frequency` whose report is due on `today`,
/// newest first: ended, the first working day after them reached, ended on
/// or after `since`, at most [`CATCH_UP_PERIODS`] back.
pub fn due_periods(frequency: &str, since: NaiveDate, today: NaiveDate) -> Vec<Period> {
    let kind = if frequency == "quarterly" {
        PeriodKind::Quarter
    } else {
        PeriodKind::Month
    };
    let mut out = Vec::new();
    let mut p = Period::containing(kind, today).previous();
    for _ in 0..CATCH_UP_PERIODS {
        if p.to < since {
            break;
        }
        if first_working_day_after(p.to) <= today {
            out.push(p);
        }
        p = p.previous();
    }
    out
}

/// Claims and queues every due report; returns how many periods were sent.
pub async fn send_due(pool: &PgPool, today: NaiveDate) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    for due in db::reports::with_recipients(pool).await? {
        for period in due_periods(&due.frequency, due.since, today) {
            let mut tx = pool.begin().await?;
            let claimed = db::reports::claim(
                &mut *tx,
                &due.code,
                &due.frequency,
                period.from,
                due.recipients.len() as i32,
            )
            .await?;
            if !claimed {
                continue;
            }
            let area = reports::Area::Municipality(Municipality {
                code: due.code.clone(),
                name: due.name.clone(),
            });
            let report = reports::build(&mut tx, &area, period, today).await?;
            let csv = crate::domain::report::csv::report(&report);
            let file_name = reports::file_name(&area, &period);
            let query = format!("gebied={}&periode={}", due.code, period.choice());
            let lines: Vec<(String, String, String)> = report
                .figures
                .iter()
                .map(|f| (f.line.label.clone(), f.line.now.text(), f.line.before.text()))
                .collect();
            for (name, email) in &due.recipients {
                let mail = PeriodicReport {
                    recipient_name: name.clone(),
                    municipality: due.name.clone(),
                    period_label: report.period_label.clone(),
                    previous_label: report.previous_label.clone(),
                    lines: lines.clone(),
                    query: query.clone(),
                    file_name: file_name.clone(),
                    csv: csv.clone(),
                };
                let key = format!("report:{}:{}:{}:{email}", due.code, due.frequency, period.from);
                enqueue(
                    &mut tx,
                    To::Address {
                        address: email.clone(),
                        region: due.region_id,
                    },
                    &mail,
                    None,
                    Some(key),
                )
                .await?;
            }
            tx.commit().await?;
            sent += 1;
            tracing::info!(municipality = %due.code, period = %report.period_label, "periodic report queued");
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_month_is_due_on_the_first_working_day_after_it() {
        // 1 November 2026 is a Sunday: October's report goes on Monday the 2nd.
        assert_eq!(first_working_day_after(d(2026, 10, 31)), d(2026, 11, 2));
        let since = d(2026, 1, 1);
        assert!(due_periods("monthly", since, d(2026, 11, 1))
            .iter()
            .all(|p| p.from != d(2026, 10, 1)));
        assert_eq!(
            due_periods("monthly", since, d(2026, 11, 2))[0].from,
            d(2026, 10, 1)
        );
        // 1 January is a holiday: December 2025's report goes on Friday 2 January.
        assert_eq!(first_working_day_after(d(2025, 12, 31)), d(2026, 1, 2));
    }

    #[test]
    fn missed_periods_are_due_back_to_when_recipients_were_added() {
        let due = due_periods("monthly", d(2026, 8, 15), d(2026, 11, 20));
        let starts: Vec<NaiveDate> = due.iter().map(|p| p.from).collect();
        assert_eq!(starts, [d(2026, 10, 1), d(2026, 9, 1), d(2026, 8, 1)]);
        let q = due_periods("quarterly", d(2026, 1, 1), d(2026, 11, 20));
        assert_eq!(
            q.iter().map(|p| p.from).collect::<Vec<_>>(),
            [d(2026, 7, 1), d(2026, 4, 1), d(2026, 1, 1)]
        );
        assert!(due_periods("monthly", d(2026, 11, 1), d(2026, 11, 20)).is_empty());
        let far = due_periods("monthly", d(2000, 1, 1), d(2026, 11, 20));
        assert_eq!(far.len(), CATCH_UP_PERIODS as usize);
    }
}
