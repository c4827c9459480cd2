//! Usage indicators queries, with who may read them: a structure's indicators are for its
//! direction, its ADMLs and platform administrators; the académie view is for the rectorat and
//! platform administrators, names no structure nor user, and suppresses every cell with fewer
//! than 5 distinct users.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ent_domain::Actor;
use ent_domain::directory::Profile;
use ent_domain::usage::{Hll, MIN_DISTINCT_USERS, Service, is_suppressed};
use serde::de::DeserializeOwned;

use super::NAME;
use super::fold::{ACADEMIE, CELLS};
use super::models::*;
use crate::error::QueryError;
use crate::store::ReadModelStore;

/// A cell summed over a period.
#[derive(Default)]
struct Sum {
    connections: u64,
    reads: u64,
    actions: BTreeMap<String, u64>,
    users: Hll,
}

type SumKey = (NaiveDate, String, Service, Profile);

/// The first day of every month that overlaps `from..=to`.
fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = from.with_day(1).unwrap_or(from);
    while m <= to {
        out.push(m);
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX);
    }
    out
}

/// Loads the cells of the range (listing them month by month) and sums them by period.
async fn sums(
    store: &dyn ReadModelStore,
    collection: &str,
    key_prefix: &str,
    q: &IndicatorQuery,
) -> Result<BTreeMap<SumKey, Sum>, QueryError> {
    let mut out: BTreeMap<SumKey, Sum> = BTreeMap::new();
    for month in months(q.from, q.to) {
        let prefix = format!("{key_prefix}{}", month.format("%Y-%m"));
        for doc in store.list(NAME, collection, &prefix).await? {
            let cell: UsageCellDoc = decode(doc)?;
            let wanted = cell.day >= q.from
                && cell.day <= q.to
                && q.service.is_none_or(|s| s == cell.service)
                && q.profile.is_none_or(|p| p == cell.profile);
            if !wanted {
                continue;
            }
            let (period, start) = q.granularity.period_of(cell.day);
            let sum = out.entry((start, period, cell.service, cell.profile)).or_default();
            sum.connections += cell.connections;
            sum.reads += cell.reads;
            for (kind, n) in cell.actions {
                *sum.actions.entry(kind).or_default() += n;
            }
            sum.users.merge(&Hll::from_base64(&cell.users).unwrap_or_default());
        }
    }
    Ok(out)
}

fn decode<T: DeserializeOwned>(doc: serde_json::Value) -> Result<T, QueryError> {
    Ok(serde_json::from_value(doc)?)
}

/// The indicators of structure `uai` (or `platform`), for its direction, ADMLs and platform admins.
pub async fn structure_indicators(
    store: &dyn ReadModelStore,
    actor: &Actor,
    uai: &str,
    q: &IndicatorQuery,
) -> Result<StructureIndicators, QueryError> {
    if !actor.administers(uai) {
        return Err(QueryError::not_found("structure"));
    }
    let cells = sums(store, CELLS, &format!("{uai}|"), q)
        .await?
        .into_iter()
        .map(|((start, period, service, profile), s)| UsageRow {
            period,
            start,
            service,
            profile,
            connections: s.connections,
            distinct_users: s.users.estimate(),
            reads: s.reads,
            actions: s.actions,
        })
        .collect();
    Ok(StructureIndicators { structure: uai.to_string(), from: q.from, to: q.to, granularity: q.granularity, cells })
}

/// Every structure summed, for the rectorat and platform admins; small cells suppressed.
pub async fn academie_indicators(store: &dyn ReadModelStore, actor: &Actor, q: &IndicatorQuery) -> Result<AcademieIndicators, QueryError> {
    if !actor.reads_academie_indicators() {
        return Err(QueryError::Forbidden("the académie indicators are for the rectorat".into()));
    }
    let cells = sums(store, ACADEMIE, "", q)
        .await?
        .into_iter()
        .map(|((start, period, service, profile), s)| academie_row(period, start, service, profile, s))
        .collect();
    Ok(AcademieIndicators { from: q.from, to: q.to, granularity: q.granularity, min_distinct_users: MIN_DISTINCT_USERS, cells })
}

fn academie_row(period: String, start: NaiveDate, service: Service, profile: Profile, s: Sum) -> AcademieRow {
    let distinct = s.users.estimate();
    if is_suppressed(distinct) {
        return AcademieRow {
            period,
            start,
            service,
            profile,
            suppressed: true,
            connections: None,
            distinct_users: None,
            reads: None,
            actions: None,
        };
    }
    AcademieRow {
        period,
        start,
        service,
        profile,
        suppressed: false,
        connections: Some(s.connections),
        distinct_users: Some(distinct),
        reads: Some(s.reads),
        actions: Some(s.actions),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn sum_of(users: usize) -> Sum {
        let mut s = Sum { connections: 9, reads: 40, ..Default::default() };
        s.actions.insert("roll_calls".into(), 3);
        (0..users).for_each(|_| s.users.insert(Uuid::new_v4()));
        s
    }

    #[test]
    fn cell_with_fewer_than_five_users_is_suppressed() {
        let row = academie_row("2026-10".into(), d("2026-10-01"), Service::Notes, Profile::Parent, sum_of(4));
        assert!(row.suppressed);
        assert_eq!((row.connections, row.distinct_users, row.reads, &row.actions), (None, None, None, &None));
        let json = serde_json::to_value(&row).unwrap();
        assert!(json["reads"].is_null() && json["suppressed"] == true);

        let row = academie_row("2026-10".into(), d("2026-10-01"), Service::Notes, Profile::Parent, sum_of(5));
        assert!(!row.suppressed);
        assert_eq!((row.connections, row.distinct_users, row.reads), (Some(9), Some(5), Some(40)));
    }

    #[test]
    fn a_range_is_listed_month_by_month() {
        assert_eq!(months(d("2026-10-20"), d("2026-10-21")), vec![d("2026-10-01")]);
        assert_eq!(months(d("2026-11-30"), d("2027-01-01")), vec![d("2026-11-01"), d("2026-12-01"), d("2027-01-01")]);
    }
}
