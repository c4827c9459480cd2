//! Service tickets (docs/domain.md, "Single sign-on (CAS)"): `ST-` and at least 128 random bits,
//! single use (the store consumes a ticket atomically: only one validation ever gets it), valid
//! [`TICKET_VALIDITY`] after issue, and bound to the exact service URL it was issued for.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How long a service ticket may be validated after it was issued (the CAS specification
/// recommends no more than five minutes; ten seconds is enough for a redirect and a back-channel
/// call).
pub const TICKET_VALIDITY: Duration = Duration::from_secs(10);

/// The prefix of service tickets.
pub const TICKET_PREFIX: &str = "ST-";

/// Why a consumed ticket does not validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketRefusal {
    /// Issued longer ago than the validity (CAS `INVALID_TICKET`).
    Expired,
    /// Issued for another service URL (CAS `INVALID_SERVICE`; the ticket is consumed anyway).
    OtherService,
    /// `renew=true` asked for a ticket from a fresh login, and this one came from the single
    /// sign-on session (CAS `INVALID_TICKET_SPEC`).
    NotFromCredentials,
}

/// What is known of a ticket when it is presented.
#[derive(Debug, Clone)]
pub struct IssuedTicket<'a> {
    pub service: &'a str,
    pub issued_at: DateTime<Utc>,
    pub from_credentials: bool,
}

/// Whether a ticket, consumed from the store at `now`, validates for `service`.
pub fn check_ticket(
    ticket: &IssuedTicket<'_>,
    service: &str,
    renew: bool,
    now: DateTime<Utc>,
    validity: Duration,
) -> Result<(), TicketRefusal> {
    let validity = chrono::Duration::from_std(validity).unwrap_or(chrono::Duration::MAX);
    if now - ticket.issued_at > validity || now < ticket.issued_at - chrono::Duration::seconds(1) {
        return Err(TicketRefusal::Expired);
    }
    if ticket.service != service {
        return Err(TicketRefusal::OtherService);
    }
    if renew && !ticket.from_credentials {
        return Err(TicketRefusal::NotFromCredentials);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_ticket_validates_within_its_validity_for_its_exact_service() {
        let issued = at("2026-09-01T08:00:00Z");
        let t = IssuedTicket { service: "https://a.example/cb?x=1", issued_at: issued, from_credentials: false };
        let check = |service, renew, now| check_ticket(&t, service, renew, now, TICKET_VALIDITY);
        assert_eq!(check("https://a.example/cb?x=1", false, at("2026-09-01T08:00:10Z")), Ok(()));
        assert_eq!(check("https://a.example/cb?x=1", false, at("2026-09-01T08:00:10.001Z")), Err(TicketRefusal::Expired));
        assert_eq!(check("https://a.example/cb?x=2", false, at("2026-09-01T08:00:01Z")), Err(TicketRefusal::OtherService));
        assert_eq!(check("https://a.example/cb", false, at("2026-09-01T08:00:01Z")), Err(TicketRefusal::OtherService));
        assert_eq!(check("https://a.example/cb?x=1", true, at("2026-09-01T08:00:01Z")), Err(TicketRefusal::NotFromCredentials));
        let fresh = IssuedTicket { from_credentials: true, ..t.clone() };
        assert_eq!(check_ticket(&fresh, "https://a.example/cb?x=1", true, at("2026-09-01T08:00:01Z"), TICKET_VALIDITY), Ok(()));
        // Expiry is checked first: an expired ticket for another service is "invalid ticket".
        assert_eq!(check("https://b.example/", false, at("2026-09-01T08:01:00Z")), Err(TicketRefusal::Expired));
    }
}
