//! The demo's workspace: a teacher's folders and files, one of them shared with 6A. Its events
//! are appended by [`seed`]; the contents go to the server's blob store with [`store_contents`]
//! (`ent demo` calls it once the server is built), so that every file downloads.

use ent_commands::CommandError;
use ent_commands::blobs::BlobStore;
use ent_commands::espace::upload;
use ent_domain::Actor;
use ent_domain::espace::commands::UploadFile;
use ent_domain::espace::workspace::{DEFAULT_QUOTA, UploadedContent};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Seeder;

/// (folder, name, content) of the demo files; `None`: at the root.
const FILES: [(Option<&str>, &str, &str); 3] = [
    (
        Some("Cours de mathématiques"),
        "Fractions - fiche d'exercices.txt",
        "Exercice 1. Simplifier 6/8, 10/15 et 21/28.\nExercice 2. Ranger dans l'ordre croissant : 1/2, 2/3, 3/8.\n",
    ),
    (Some("Cours de mathématiques"), "Progression 6e.txt", "Septembre : nombres entiers. Octobre : fractions. Novembre : géométrie.\n"),
    (None, "Sortie au musée - autorisation.txt", "Sortie au musée des Arts et Métiers le 12 novembre.\nAutorisation à rendre signée.\n"),
];

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The teacher's folder and files; the permission slip shared with 6A (to read).
pub(super) async fn seed(s: &Seeder<'_>, teacher: &Actor, class_6a: Uuid) -> Result<(), CommandError> {
    let r = s.as_user(teacher, "CreateFolder", json!({"name": "Cours de mathématiques"})).await?;
    let folder = r.created.get("folder_id").copied();
    let mut last = None;
    for (in_folder, name, text) in FILES {
        let cmd = UploadFile { file_id: None, folder: in_folder.and(folder), name: name.into() };
        let content = UploadedContent { size: text.len() as u64, sha256: sha256_hex(text.as_bytes()), mime: "text/plain".into() };
        let result = upload::append(s.handler, teacher, Uuid::now_v7(), &cmd, &content, DEFAULT_QUOTA).await?;
        last = result.created.get("file_id").copied();
    }
    if let Some(slip) = last {
        s.as_user(teacher, "ShareFile", json!({"file": slip, "with": {"kind": "class", "id": class_6a}, "rights": "read"})).await?;
    }
    Ok(())
}

/// Puts the demo files' contents in `blobs` (content-addressed: a second time changes nothing).
pub async fn store_contents(blobs: &dyn BlobStore) -> Result<(), ent_commands::blobs::BlobError> {
    for (_, _, text) in FILES {
        blobs.put(Box::pin(text.as_bytes()), text.len() as u64).await?;
    }
    Ok(())
}
