//! `ImportDirectory`: a rentrée file (pupils, guardians, teachers) decided row by row by
//! `ent_domain::directory::import`, appended in one transaction with the activation codes of the
//! accounts it creates (docs/domain.md, "Rentrée import"). Also the report of an import.

use std::collections::{BTreeMap, BTreeSet};

use ent_domain::directory::activation::{CODE_VALIDITY, IssuedCode, code_from_random};
use ent_domain::directory::commands::ImportDirectory;
use ent_domain::directory::events::{DirectoryImported, ImportKind};
use ent_domain::directory::import::decide::{ImportInput, decide_import};
use ent_domain::directory::import::parse::parse_file;
use ent_domain::directory::import::{ColumnMapping, ImportRegistry};
use ent_domain::directory::{UserState, normalize_uai};
use ent_domain::{Actor, Event};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::users::{free_login, reserve_login};
use crate::authorization::require_directory_admin;
use crate::context::{CommandContext, Loaded, Plan, PlannedAppend, load};
use crate::error::CommandError;
use crate::fingerprint::hex;
use crate::loading::load_structure;
use crate::passwords;
use crate::store::{EventStore, ExpectedVersion, SecretWrite};

pub async fn import_directory(ctx: &CommandContext<'_>, cmd: &ImportDirectory) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    let uai = s.state.uai.clone();
    require_directory_admin(ctx.actor, &uai)?;
    let mapping = cmd.mapping.as_deref().cloned().unwrap_or_default();
    let parsed = parse_file(cmd.kind, &mapping, &cmd.csv)?;
    let registry = ctx.load::<ImportRegistry>(ImportRegistry::stream(&uai)).await?;
    let mut loaded: BTreeMap<Uuid, Loaded<UserState>> = BTreeMap::new();
    let mut wanted: Vec<Uuid> = registry.state.people_of(cmd.kind).map(|(_, id)| id).collect();
    if cmd.kind == ImportKind::Guardians {
        wanted.extend(registry.state.people_of(ImportKind::Pupils).map(|(_, id)| id));
    }
    for id in wanted {
        loaded.insert(id, ctx.load::<UserState>(UserState::stream(&uai, id)).await?);
    }
    let users: BTreeMap<Uuid, UserState> = loaded.iter().map(|(id, u)| (*id, u.state.clone())).collect();
    let input = ImportInput {
        structure: &s.state,
        registry: &registry.state,
        kind: cmd.kind,
        mapping: &mapping,
        import_id: ctx.new_id("import"),
        file_sha256: hex(&Sha256::digest(cmd.csv.as_bytes())),
        now: ctx.now,
        users: &users,
    };
    let decision = decide_import(&input, parsed, |external_id| ctx.new_id(&format!("import:{}:{external_id}", cmd.kind.as_str())));
    if let Some(previous) = decision.same_as_last {
        tracing::info!(%previous, "the same file as the last import of this kind, and nothing changed");
        return Ok(Plan::satisfied(registry.stream.clone(), registry.version.unwrap_or(0)).with_created("import_id", previous));
    }
    let report = &decision.report;
    tracing::info!(
        kind = cmd.kind.as_str(),
        rows = report.counts.rows,
        rejected = report.counts.rejected,
        created = report.counts.created,
        "import decided"
    );
    let import_id = report.import_id;
    let mut plan = Plan::one(registry.append(vec![Event::DirectoryImported(decision.report.clone())]));
    for (id, events) in decision.changes {
        let user = loaded.get(&id).ok_or_else(|| CommandError::NotFound("user".into()))?;
        plan.appends.push(user.append(events));
    }
    let class_codes: BTreeMap<Uuid, String> = s.state.classes.iter().map(|(id, c)| (*id, c.code.clone())).collect();
    let mut taken = BTreeSet::new();
    let mut codes = Vec::with_capacity(decision.new_people.len());
    for person in &decision.new_people {
        let login = free_login(ctx, &person.first_name, &person.last_name, &mut taken).await?;
        let events = person.events(&uai, cmd.kind, &login, ctx.now);
        plan.appends.push(PlannedAppend { stream: UserState::stream(&uai, person.user_id), expected: ExpectedVersion::NoStream, events });
        plan.appends.push(reserve_login(&login, person.user_id));
        codes.push(IssuedCode {
            user_id: person.user_id,
            login,
            first_name: person.first_name.clone(),
            last_name: person.last_name.clone(),
            class: person.class.and_then(|c| class_codes.get(&c).cloned()),
            code: new_code(),
            expires_at: ctx.now + CODE_VALIDITY,
        });
    }
    plan.secrets.extend(code_secrets(&codes).await?);
    plan.disclosed = codes;
    Ok(plan.with_created("import_id", import_id))
}

/// A fresh random activation code (`ABCDE-FGHJK`).
pub(crate) fn new_code() -> String {
    // A v4 UUID carries 122 random bits from the system's generator.
    code_from_random(Uuid::new_v4().as_u128())
}

/// The secrets holding the hashes of `codes` (written in the same transaction as their events).
pub(crate) async fn code_secrets(codes: &[IssuedCode]) -> Result<Vec<SecretWrite>, CommandError> {
    let hashes = passwords::hash_codes(codes.iter().map(|c| c.code.replace('-', "")).collect()).await?;
    Ok(codes.iter().zip(hashes).map(|(c, h)| SecretWrite { key: passwords::activation_key(c.user_id), value: Some(h) }).collect())
}

/// The report of import `import_id` of structure `uai`, for its administrators (404 otherwise,
/// like an unknown id).
pub async fn import_report(store: &dyn EventStore, actor: &Actor, uai: &str, import_id: Uuid) -> Result<DirectoryImported, CommandError> {
    let uai = normalize_uai(uai).map_err(|_| CommandError::NotFound("import".into()))?;
    if require_directory_admin(actor, &uai).is_err() {
        return Err(CommandError::NotFound("import".into()));
    }
    let registry = load::<ImportRegistry>(store, ImportRegistry::stream(&uai)).await?;
    registry.state.reports.get(&import_id).cloned().ok_or_else(|| CommandError::NotFound("import".into()))
}

/// The column mapping a mapping file (JSON) gives.
pub fn parse_mapping(text: &str) -> Result<ColumnMapping, CommandError> {
    serde_json::from_str(text).map_err(|e| CommandError::InvalidField { field: "mapping".into(), message: e.to_string() })
}
