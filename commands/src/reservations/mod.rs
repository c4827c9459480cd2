//! Handlers of the réservations service. Teachers and staff of a structure book its resources;
//! a resource's managers (and the direction) approve, reject and cancel its bookings; ADMLs and
//! the direction define resources. A booking appends its own stream and every week stream of
//! the resource it touches in one transaction, each at the version its rule was decided on, so
//! a concurrent booking of the same week (from any process) makes one of them decide again and
//! meet the other (docs/domain.md, "Réservations").

use std::collections::BTreeMap;

use ent_domain::directory::{Profile, UserState};
use ent_domain::reservations::booking::{self as rules, BookingState, ResourceWeekState};
use ent_domain::reservations::commands::*;
use ent_domain::reservations::events::BookableResourceDefined;
use ent_domain::reservations::resource::{self as catalogue_rules, ResourceCatalogueState};
use ent_domain::reservations::time::IsoWeek;
use ent_domain::{Actor, Event};

use crate::authorization::{actor_structure, require_directory_admin};
use crate::context::{CommandContext, Loaded, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_or_empty, uai_of};
use crate::store::ExpectedVersion;

/// May book the resources of `uai`: an active teacher or staff member of it.
fn require_booker(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    let ok =
        actor.user().is_some_and(|u| u.active && u.structure == uai && matches!(u.profile, Some(Profile::Enseignant | Profile::Personnel)));
    if ok { Ok(()) } else { Err(CommandError::Forbidden(format!("only the teachers and staff of {uai} book its resources"))) }
}

/// Manages a resource: one of its managers, or the direction of its structure.
fn manages(actor: &Actor, resource: &BookableResourceDefined) -> bool {
    actor.is_direction_of(&resource.structure) || actor.user().is_some_and(|u| resource.managers.contains(&u.user_id))
}

async fn load_catalogue(ctx: &CommandContext<'_>, uai: &str) -> Result<Loaded<ResourceCatalogueState>, CommandError> {
    ctx.load::<ResourceCatalogueState>(ResourceCatalogueState::stream(uai)).await
}

pub async fn define_bookable_resource(ctx: &CommandContext<'_>, cmd: &DefineBookableResource) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let catalogue = load_catalogue(ctx, &s.state.uai).await?;
    let id = ctx.chosen_id(cmd.resource_id, "resource");
    let mut managers: Vec<UserState> = Vec::with_capacity(cmd.managers.len());
    for m in &cmd.managers {
        managers.push(load_user_or_empty(ctx, *m).await?);
    }
    let events = catalogue_rules::define_bookable_resource(&s.state, &catalogue.state, cmd, id, &managers)?;
    Ok(Plan::one(catalogue.append(events)).with_created("resource_id", id))
}

/// The week streams a plan appends to: each at the version it was loaded at.
async fn load_weeks(
    ctx: &CommandContext<'_>,
    uai: &str,
    resource: uuid::Uuid,
    weeks: impl IntoIterator<Item = IsoWeek>,
) -> Result<BTreeMap<IsoWeek, Loaded<ResourceWeekState>>, CommandError> {
    let mut loaded = BTreeMap::new();
    for w in weeks {
        loaded.insert(w, ctx.load::<ResourceWeekState>(ResourceWeekState::stream(uai, resource, w)).await?);
    }
    Ok(loaded)
}

/// Routes a booking's events: the booking's own to its stream (first, the primary), each week's
/// to that week's stream.
fn route(booking: PlannedAppend, weeks: &BTreeMap<IsoWeek, Loaded<ResourceWeekState>>, events: Vec<Event>) -> Result<Plan, CommandError> {
    let mut booking = booking;
    let mut per_week: BTreeMap<IsoWeek, Vec<Event>> = BTreeMap::new();
    for e in events {
        let week = match &e {
            Event::ResourceSlotsHeld(h) => Some(&h.week),
            Event::ResourceSlotsReleased(r) => Some(&r.week),
            _ => None,
        };
        match week {
            Some(w) => {
                let w = IsoWeek::parse(w).ok_or_else(|| CommandError::Rule(format!("invalid week {w}")))?;
                per_week.entry(w).or_default().push(e);
            }
            None => booking.events.push(e),
        }
    }
    let mut plan = Plan::one(booking);
    for (w, events) in per_week {
        let loaded = weeks.get(&w).ok_or_else(|| CommandError::Rule(format!("week {w} was not loaded")))?;
        plan.appends.push(loaded.append(events));
    }
    Ok(plan)
}

pub async fn book_resource(ctx: &CommandContext<'_>, cmd: &BookResource) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    require_booker(ctx.actor, &uai)?;
    let catalogue = load_catalogue(ctx, &uai).await?;
    let resource = catalogue.state.get(cmd.resource).ok_or_else(|| CommandError::NotFound("resource".into()))?;
    let structure = load_structure(ctx, &uai).await?;
    ctx.require_unused::<BookingState>(cmd.booking_id, "booking_id").await?;
    let id = ctx.chosen_id(cmd.booking_id, "booking");
    let occurrences = rules::occurrences(resource, &structure.state, cmd)?;
    let weeks = load_weeks(ctx, &uai, resource.resource_id, rules::weeks_of(&occurrences)).await?;
    let states: BTreeMap<IsoWeek, ResourceWeekState> = weeks.iter().map(|(w, l)| (*w, l.state.clone())).collect();
    let events = rules::book_resource(resource, &states, &occurrences, cmd, id, ctx.actor_id())?;
    let booking = PlannedAppend { stream: BookingState::stream(&uai, id), expected: ExpectedVersion::NoStream, events: Vec::new() };
    Ok(route(booking, &weeks, events)?.with_created("booking_id", id))
}

/// Loads a booking and its resource; 404 naming `booking` when either is unknown.
async fn load_booking(ctx: &CommandContext<'_>, id: uuid::Uuid) -> Result<(Loaded<BookingState>, BookableResourceDefined), CommandError> {
    let booking = ctx.load_by_id::<BookingState>(id, "booking").await?;
    let created = booking.state.created.as_ref().ok_or_else(|| CommandError::NotFound("booking".into()))?;
    let catalogue = load_catalogue(ctx, &uai_of(&booking)).await?;
    let resource = catalogue.state.get(created.resource).cloned().ok_or_else(|| CommandError::NotFound("booking".into()))?;
    Ok((booking, resource))
}

/// Appends a decision on a booking to its stream and to the week streams it releases.
async fn decided(ctx: &CommandContext<'_>, booking: &Loaded<BookingState>, events: Vec<Event>) -> Result<Plan, CommandError> {
    let uai = uai_of(booking);
    let resource = booking.state.created.as_ref().map(|b| b.resource).ok_or_else(|| CommandError::NotFound("booking".into()))?;
    let weeks = load_weeks(ctx, &uai, resource, booking.state.weeks()).await?;
    route(booking.append(Vec::new()), &weeks, events)
}

pub async fn approve_booking(ctx: &CommandContext<'_>, cmd: &ApproveBooking) -> Result<Plan, CommandError> {
    let (booking, resource) = load_booking(ctx, cmd.booking).await?;
    if !manages(ctx.actor, &resource) {
        return Err(CommandError::Forbidden("only a manager of this resource, or the direction, approves its bookings".into()));
    }
    let events = rules::approve_booking(&booking.state, cmd)?;
    Ok(Plan::one(booking.append(events)))
}

pub async fn reject_booking(ctx: &CommandContext<'_>, cmd: &RejectBooking) -> Result<Plan, CommandError> {
    let (booking, resource) = load_booking(ctx, cmd.booking).await?;
    if !manages(ctx.actor, &resource) {
        return Err(CommandError::Forbidden("only a manager of this resource, or the direction, rejects its bookings".into()));
    }
    let events = rules::reject_booking(&booking.state, cmd)?;
    decided(ctx, &booking, events).await
}

pub async fn cancel_booking(ctx: &CommandContext<'_>, cmd: &CancelBooking) -> Result<Plan, CommandError> {
    let (booking, resource) = load_booking(ctx, cmd.booking).await?;
    let own = booking.state.created.as_ref().is_some_and(|b| b.booker == ctx.actor_id() && ctx.actor.user().is_some());
    if !own && !manages(ctx.actor, &resource) {
        return Err(CommandError::Forbidden("only the booker, a manager of this resource or the direction cancels a booking".into()));
    }
    let events = rules::cancel_booking(&booking.state, cmd)?;
    decided(ctx, &booking, events).await
}
